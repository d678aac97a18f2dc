"""Every printed document from a case with long texts and rare characters, read back through the PDF."""

import re
import shutil
import subprocess
from datetime import date, datetime

import pytest
from helpers import run_cli

from weiquan_desktop import pdf
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import Record
from weiquan_desktop.services import demo, intake, mediation, printing, station
from weiquan_desktop.services.mediation import Material, TermInput

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is installed by tools/run-tests")
RARE = "𠮷喆堃"
LONG = "消费者称就餐时在牛肉饭中吃出一根约三厘米长的金属丝，牙齿轻微受伤，已到医院检查，花费医疗费三百二十元。" * 12


def _text(path, layout=False):
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _fonts(path):
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines()[2:] if line.strip()]


@pytest.fixture
def cases(db):
    station.save_profile(demo.DEMO_PROFILE)
    business = intake.add_business("𠮷野家牛肉饭（万象汇店）", booth="5F-08", contact="陈堃", phone="0477-8500001")
    settled = intake.register(intake.IntakeForm(
        kind="投诉", source="12315转办", external_no="ODR20260926000123", received_at=datetime(2026, 9, 26, 10, 30),
        complainant_name="𠮷喆", phone="13812345678", id_number="11010519491231002X", address="东胜区天骄北路88号",
        respondent_id=business.id, respondent_name=business.name, category="食品类", item="牛肉饭套餐", nature="质量",
        purchase_date=date(2026, 9, 25), amount="56.00", facts=LONG, demands=["退款", "赔偿"], is_group=True))
    intake.decide(settled.id, "受理", at=datetime(2026, 9, 26, 11, 0))
    mediation.add_session(settled.id, held_at=datetime(2026, 9, 28, 10, 0), mode="现场")
    mediation.settle(settled.id, [
        TermInput("退款", "乙方退还甲方餐费", "56.00", due_on=date(2026, 9, 29)),
        TermInput("赔偿", "乙方依照食品安全法第一百四十八条赔偿甲方", "1000.00", due_on=date(2026, 9, 30)),
        TermInput("道歉", "乙方向堃先生当面赔礼道歉。")], at=datetime(2026, 9, 28, 11, 0), third_party="万象汇运营部")
    mediation.transfer_feedback(settled.id, process="组织双方现场调解。", method="现场调解", result="达成和解，乙方退款并赔偿。")
    failed = intake.register(intake.IntakeForm(
        kind="投诉", source="电话", received_at=datetime(2026, 10, 9, 10, 30), complainant_name="王堃",
        phone="13912345678", respondent_name="欧派整体家居", category="房屋及建材类", item="整体橱柜", nature="合同",
        amount="28600", facts=LONG, demands=["退货"]))
    intake.decide(failed.id, "受理", at=datetime(2026, 10, 9, 11, 0))
    mediation.terminate(failed.id, "一方当事人明确表示无法达成调解协议", at=datetime(2026, 10, 20, 9, 0))
    mediation.refer(failed.id, "和解不成", body_name="东胜区12315投诉举报中心",
                    materials=[Material("投诉登记表", 1, 2), Material("购销合同复印件", 1, 6)], at=datetime(2026, 10, 21, 9, 0))
    rejected = intake.register(intake.IntakeForm(
        kind="投诉", source="来访", complainant_name="李𠮷", phone="13712345678", respondent_name="名创优品",
        category="日用商品类", nature="质量", facts="三年前购买的保温杯。", demands=["退货"]))
    intake.decide(rejected.id, "不予受理", ground=station_ground())
    return {"agreement": settled, "feedback": settled, "major": settled, "intake": settled,
            "referral": failed, "termination": failed, "rejection": rejected}


def station_ground():
    return "自消费者知道或者应当知道自己的权益受到侵害之日起超过三年"


@pytest.mark.parametrize(("doc", "must"), [
    ("agreement", ["和解协议书", "𠮷喆", "𠮷野家牛肉饭", "56.00", "1,000.00", "乙方向堃先生当面赔礼道歉",
                   "双方自愿达成如下协议", "第三十九条", "一式三份", "万象汇运营部", "调解员（签名）"]),
    ("referral", ["移交单", "王堃", "欧派整体家居", "和解不成", "购销合同复印件", "回", "执", "东胜区12315投诉举报中心"]),
    ("rejection", ["不予受理告知书", "李𠮷", "超过三年"]),
    ("termination", ["终止调解告知书", "王堃", "无法达成调解协议"]),
    ("feedback", ["处理结果反馈单", "ODR20260926000123", "现场调解", "达成和解"]),
    ("major", ["群体性投诉报告", "𠮷野家牛肉饭"]),
    ("intake", ["投诉登记表", "𠮷", "ODR20260926000123"]),
])
def test_each_document(cases, tmp_path, doc, must):
    record = cases[doc]
    out = printing.print_document(doc, record.case_no, tmp_path / f"{doc}.pdf")
    text = _text(out)
    flat = text.replace("\n", "")
    assert record.case_no in flat
    for words in must:
        assert words in flat, words
    fonts = _fonts(out)
    assert fonts and all(line.split()[-5:-3] == ["yes", "yes"] for line in fonts), fonts
    assert any("WenQuanYiMicroHei" in line for line in fonts)
    assert "。，" not in flat  # a term typed with its own full stop still reads as one sentence
    if "𠮷" in flat:
        assert any("HanaMinB" in line or "SimSun" in line for line in fonts)  # the rare character is drawn
    # long texts flow onto further pages, with the heading repeated on each
    if doc == "agreement":
        assert text.count("\f") >= 2
    if text.count("\f") >= 2:
        assert text.count("（续）") == text.count("\f") - 1
    # no line starts with closing punctuation
    for line in _text(out, layout=True).splitlines():
        stripped = line.strip()
        assert not (stripped and stripped[0] in pdf.CLOSING_PUNCTUATION), line


def test_documents_are_reproducible(cases, tmp_path):
    case_no = cases["agreement"].case_no
    first = printing.agreement(case_no, tmp_path / "a.pdf", keep=False).read_bytes()
    second = printing.agreement(case_no, tmp_path / "b.pdf", keep=False).read_bytes()
    assert first == second


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools is installed by tools/run-tests")
def test_agreement_qr_code_holds_the_case_number_and_terms_digest(cases, tmp_path):
    record = cases["agreement"]
    out = printing.agreement(record.case_no, tmp_path / "a.pdf", keep=False)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(out), str(tmp_path / "page")], check=True)
    decoded = []
    for page in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True)
        decoded += [line for line in result.stdout.splitlines() if line]
    assert decoded == [printing.qr_payload(Record.get_by_id(record.id))]
    assert decoded[0].split("|")[1] == record.case_no
    assert re.fullmatch(r"[0-9a-f]{16}", decoded[0].split("|")[2])


def test_documents_refuse_cases_in_the_wrong_state(cases, tmp_path):
    with pytest.raises(UserError, match="未和解，不能打印和解协议书"):
        printing.agreement(cases["referral"].case_no, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="没有移交记录"):
        printing.referral_slip(cases["agreement"].case_no, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="未作出不予受理决定"):
        printing.rejection_notice(cases["agreement"].case_no, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_print_command_for_each_document(tmp_path):
    data = tmp_path / "d"
    assert run_cli("demo", "--data-dir", str(data), "--records", "300").returncode == 0
    import sqlite3

    conn = sqlite3.connect(data / "weiquan.sqlite3")
    settled = conn.execute("SELECT case_no FROM record WHERE state='已和解' LIMIT 1").fetchone()[0]
    referred = conn.execute("SELECT r.case_no FROM record r JOIN referral f ON f.record_id=r.id LIMIT 1").fetchone()[0]
    for doc, case_no in (("agreement", settled), ("referral", referred)):
        out = tmp_path / f"{doc}.pdf"
        result = run_cli("print", doc, case_no, "--out", str(out), "--data-dir", str(data))
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(b"%PDF")
    wrong = run_cli("print", "agreement", referred, "--out", str(tmp_path / "no.pdf"), "--data-dir", str(data))
    assert wrong.returncode == 1 and "不能打印和解协议书" in wrong.stderr


def test_documents_print_through_qt(cases, tmp_path, app):
    """QtPdf renders each page onto a printer (here Qt's PDF printer, offscreen)."""
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    from weiquan_desktop.ui import print_pdf

    source = printing.agreement(cases["agreement"].case_no, tmp_path / "a.pdf", keep=False)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = print_pdf.paint(printer, print_pdf._document(source))

    def count(path):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))

    assert pages == count(source) >= 2
    assert count(tmp_path / "printed.pdf") == pages
