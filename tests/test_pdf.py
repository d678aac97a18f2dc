import shutil
import subprocess

import pytest

from weiquan_desktop import pdf

pytestmark = pytest.mark.skipif(
    not shutil.which("pdffonts"), reason="poppler-utils is installed by tools/run-tests"
)


def test_test_page_embeds_the_chinese_font_and_has_chinese_text(tmp_path):
    out = pdf.test_page(tmp_path / "测试页.pdf", "万象汇购物中心12315消费维权服务站")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines, fonts
    for line in lines:  # every font in the file is the bundled one, embedded as a subset
        assert "WenQuanYiMicroHei" in line
        assert line.split()[-5:-3] == ["yes", "yes"]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "打印测试页" in text
    assert "万象汇购物中心12315消费维权服务站" in text
    assert "消费者权益保护法第二十四条" in text


def test_pdf_output_is_atomic(tmp_path):
    target = tmp_path / "good.pdf"
    pdf.test_page(target)
    good = target.read_bytes()
    from weiquan_desktop.errors import UserError

    with pytest.raises(UserError, match="文件夹不存在|U盘"):
        pdf.test_page(tmp_path / "missing-folder" / "x.pdf")
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
