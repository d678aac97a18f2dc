"""What only Windows does, tested where it runs (tools/windows-check runs the suite as a Windows program).

On Windows a file another program holds open (Excel and WPS keep a workbook open without delete sharing, as
Python's own open() does) cannot be replaced: an export over it must say so in Chinese and keep the old file.
"""

import sys

import pytest
from helpers import pdf_text, run_cli

pytestmark = pytest.mark.skipif(sys.platform != "win32", reason="Windows file sharing rules")


def test_an_export_over_a_workbook_open_in_excel_keeps_the_old_file(demo_db, tmp_path):
    from weiquan_desktop.errors import UserError
    from weiquan_desktop.services import exchange

    target = tmp_path / "台账 2026.xlsx"
    exchange.export_ledger(target, masked=True)
    before = target.read_bytes()
    with open(target, "rb"), pytest.raises(UserError, match="正在被其他程序打开"):  # held as Excel holds it
        exchange.export_ledger(target, masked=True)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [target.name]  # no temporary file beside it


def test_the_command_line_says_the_same(tmp_path):
    data = str(tmp_path / "数据")
    assert run_cli("demo", "--records", "20", "--data-dir", data).returncode == 0
    target = tmp_path / "台账.xlsx"
    assert run_cli("export-ledger", str(target), "--data-dir", data).returncode == 0
    before = target.read_bytes()
    with open(target, "rb"):
        result = run_cli("export-ledger", str(target), "--data-dir", data)
    assert result.returncode == 1
    assert "正在被其他程序打开" in result.stderr and "原文件没有改动" in result.stderr
    assert target.read_bytes() == before


def test_data_lives_under_appdata_by_default(tmp_path):
    """No --data-dir, no WEIQUAN_DATA_DIR, no portable.txt: the station's data is in %APPDATA%\\weiquan-desktop,
    a Chinese user name in the path included."""
    appdata = tmp_path / "用户" / "AppData" / "Roaming"
    appdata.mkdir(parents=True)
    result = run_cli("demo", "--records", "5", env={"APPDATA": str(appdata), "WEIQUAN_DATA_DIR": ""})
    assert result.returncode == 0, result.stderr
    assert (appdata / "weiquan-desktop" / "weiquan.sqlite3").is_file()
    assert str(appdata / "weiquan-desktop") in result.stdout


def test_a_rare_character_in_a_name_prints_with_windows_own_simsun_extb(db, tmp_path):
    """𠮷 (CJK Extension B, common in names) is beyond the bundled font: on Windows the receipt draws it with
    SimSun-ExtB from the Fonts folder of %WINDIR%. Wine has no Windows fonts: tools/windows-check puts a free
    Extension B font (HanaMinB) there under SimSun-ExtB's file name, so the lookup and the embedding run."""
    import os
    from datetime import datetime
    from pathlib import Path

    from reportlab.pdfbase.ttfonts import TTFont

    from weiquan_desktop import pdf
    from weiquan_desktop.services import demo, intake, printing, station

    station.save_profile(demo.DEMO_PROFILE)
    system_font = Path(os.environ["WINDIR"], "Fonts", "simsunb.ttf")
    if not system_font.is_file():
        pytest.skip(f"no SimSun-ExtB in {system_font.parent} (an English Windows without Chinese fonts)")
    assert pdf.FALLBACK_CANDIDATES[0] == system_font
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            received_at=datetime(2026, 11, 2, 9, 30),
            complainant_name="𠮷喆",
            phone="13912345678",
            respondent_name="𠮷野家牛肉饭（万象汇店）",
            category="生活、社会服务类",
            nature="质量",
            facts="牛肉饭内有异物。",
            demands=["退款"],
        )
    )
    out = printing.print_document("receipt", record.case_no, tmp_path / "受理回执.pdf")
    body = out.read_bytes()
    assert b"/FontFile2" in body
    assert b"+" + TTFont("probe", str(system_font)).face.name in body  # the system font, embedded (subset)
    assert "𠮷喆" in pdf_text(out).replace("\n", "")
