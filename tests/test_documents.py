"""Every printed document, from cases with long texts, a third party, an agent and rare characters, read back
through the PDF's text layer: what each must hold, and what it must not (the consumer's full ID number on the
business's copy of the agreement)."""

import re
import shutil
import subprocess
from datetime import date, datetime

import pytest
from helpers import pdf_text, run_cli

from weiquan_desktop import pdf
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models.schema import Attachment, AuditLog, Record
from weiquan_desktop.services import demo, intake, mediation, notices, printing, station
from weiquan_desktop.services.mediation import Material, TermInput, ThirdParty

LONG = (
    "消费者称就餐时在牛肉饭中吃出一根约三厘米长的金属丝，牙齿轻微受伤，已到医院检查，花费医疗费三百二十元。"
    * 12
)
FULL_ID = "11010519491231002X"
AGENT_ID = "440524188001010014"


def _text(path, layout=False, page=None):
    return pdf_text(path, layout=layout, page=page)


def _pages(path) -> list[str]:
    """Each page's text, flattened."""
    return [page.replace("\n", "") for page in _text(path).split("\f") if page.strip()]


def _fonts(path):
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines()[2:] if line.strip()]


def _complaint(**extra):
    values = dict(
        kind="投诉",
        source="来访",
        complainant_name="王堃",
        phone="13912345678",
        respondent_name="欧派整体家居",
        category="房屋及建材类",
        item="整体橱柜",
        nature="合同",
        amount="28600",
        facts=LONG,
        demands=["退货"],
    )
    values.update(extra)
    return intake.register(intake.IntakeForm(**values))


@pytest.fixture
def cases(db):
    station.save_profile(demo.DEMO_PROFILE)
    body = station.body_for("12315")
    station.save_body(
        "12315",
        body.name,
        contact="值班员",
        phone="0477-8312315",
        address="东胜区伊煤路15号",
        body_id=body.id,
    )
    business = intake.add_business(
        "𠮷野家牛肉饭（万象汇店）",
        booth="5F-08",
        contact="陈堃",
        phone="0477-8500001",
        address="东胜区天骄北路88号万象汇五楼",
    )
    settled = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="12315转办",
            external_no="ODR20260926000123",
            received_at=datetime(2026, 9, 26, 10, 30),
            complainant_name="𠮷喆",
            phone="13812345678",
            id_number=FULL_ID,
            address="东胜区天骄北路88号",
            agent_name="喆堃",
            agent_id_number=AGENT_ID,
            agent_phone="13700000001",
            agent_authorisation="代为投诉、参加调解、签订和解协议；期限至本案办结",
            consent_publish=False,
            consent_mediation=True,
            respondent_id=business.id,
            respondent_name=business.name,
            category="食品类",
            item="牛肉饭套餐",
            nature="质量",
            purchase_date=date(2026, 9, 25),
            amount="56.00",
            facts=LONG,
            evidence="购物小票1张、金属丝实物1件、医院门诊病历1份",
            demands=["退款", "赔偿"],
            is_group=True,
            group_size=12,
        )
    )
    intake.decide(settled.id, "受理", at=datetime(2026, 9, 26, 11, 0))
    mediation.add_session(
        settled.id,
        held_at=datetime(2026, 9, 28, 10, 0),
        mode="现场",
        attendees="𠮷喆、陈堃、万象汇运营部刘经理",
        consumer_statement="要求退款并按食品安全法赔偿。",
        business_statement="同意退款，赔偿金额需协商。",
        notes="经调解双方同意按下列条款处理。",
    )
    mediation.settle(
        settled.id,
        [
            TermInput("退款", "乙方退还甲方餐费", "56.00", due_on=date(2026, 9, 29)),
            TermInput(
                "赔偿", "乙方依照食品安全法第一百四十八条赔偿甲方", "1000.00", due_on=date(2026, 9, 30)
            ),
            TermInput("道歉", "乙方三日内向堃先生当面赔礼道歉。"),
            TermInput("其他", "丙方监督乙方整改后厨卫生", obligor="丙方"),
        ],
        at=datetime(2026, 9, 28, 11, 0),
        third_party=ThirdParty(
            "万象汇运营部",
            role="商场管理方",
            contact="刘经理",
            phone="0477-8512316",
            address="万象汇一楼服务台",
        ),
    )
    mediation.transfer_feedback(
        settled.id,
        process="组织双方现场调解。",
        method="现场调解",
        result="达成和解，乙方退款并赔偿。",
        handled_at=datetime(2026, 9, 28, 12, 0),
    )
    notices.report_major(
        settled.id,
        is_group=True,
        is_major=False,
        reported_to="东胜区市场监督管理局",
        group_size=12,
        group_amount="672.00",
        reported_at=datetime(2026, 9, 26, 15, 0),
    )
    mediation.return_visit(
        settled.id,
        "满意",
        "退款和赔偿已收到。",
        method="电话",
        performance="已按协议履行",
        at=datetime(2026, 10, 8, 10, 0),
    )
    failed = _complaint(source="电话", received_at=datetime(2026, 10, 9, 10, 30), complainant_name="王𠮷")
    intake.decide(failed.id, "受理", at=datetime(2026, 10, 9, 11, 0))
    mediation.terminate(
        failed.id,
        "经组织调解，投诉人或者被投诉人明确表示无法达成和解协议",
        party="被投诉人",
        at=datetime(2026, 10, 20, 9, 0),
    )
    mediation.refer(
        failed.id,
        "和解不成",
        body_name="东胜区12315投诉举报中心",
        materials=[Material("投诉登记表", 1, 2), Material("购销合同复印件", 1, 6)],
        at=datetime(2026, 10, 21, 9, 0),
    )
    rejected = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            complainant_name="李𠮷",
            phone="13712345678",
            respondent_name="名创优品",
            category="日用商品类",
            nature="质量",
            facts="三年前购买的保温杯。",
            demands=["退货"],
        )
    )
    intake.decide(rejected.id, "不予受理", ground="投诉人知道或者应当知道权益受到侵害之日起已超过三年")
    lead = intake.register(
        intake.IntakeForm(
            kind="举报",
            source="来访",
            complainant_name="赵𠮷",
            phone="13612345678",
            id_number=AGENT_ID,
            respondent_name="名酒汇烟酒行",
            clues="店内销售的白酒疑似假冒，瓶盖防伪码无法查询。",
            facts="购买两瓶后发现。",
        )
    )
    mediation.refer(
        lead.id,
        "涉嫌违法线索",
        body_name="东胜区市场监督管理局天骄市场监管所",
        materials=[Material("举报登记表", 1, 1), Material("照片", 3, 3)],
    )
    return {
        "agreement": settled,
        "feedback": settled,
        "major": settled,
        "intake": settled,
        "receipt": settled,
        "mediation": settled,
        "visit": settled,
        "referral": failed,
        "termination": failed,
        "rejection": rejected,
        "lead": lead,
    }


@pytest.mark.parametrize(
    ("doc", "must", "must_not"),
    [
        (
            "agreement",
            [
                "和解协议书",
                "𠮷喆",
                "𠮷野家牛肉饭",
                "56.00",
                "1,000.00",
                "三方自愿达成如下协议",
                "第三十九条",
                "一式四份",
                "丙方（商场管理方）",
                "万象汇运营部",
                "刘经理",
                "0477-8512316",
                "调解员（签名）",
                "陈堃",
                "0477-8500001",
                "甲方委托代理人",
                "喆堃",
                "（以下无正文）",
                "甲方执",
                "乙方执",
                "丙方执",
                "服务站存档",
                "骑缝",
                "共",
            ],
            ["于本协议签订之日履行。乙方三日内", "三日内向堃先生当面赔礼道歉，由乙方于本协议签订之日"],
        ),
        (
            "intake",
            [
                "投诉登记表",
                "登记单位",
                "ODR20260926000123",
                FULL_ID,
                "是否同意公示投诉信息",
                "□是",
                "■否",
                "是否同意委托调解",
                "■是",
                "陈堃",
                "0477-8500001",
                "东胜区天骄北路88号万象汇五楼",
                "购物小票1张",
                "■退款",
                "■赔偿",
                "□退货",
                "群体性投诉",
                "涉及 12 人",
                "委托代理人",
                "喆堃",
                "代为投诉",
            ],
            ["下一期限", "满意度", "—"],
        ),
        (
            "receipt",
            ["投诉受理回执", "𠮷喆", "前（登记后24小时内）", "7个工作日内", "60日", "0477-8512315", "12315"],
            [FULL_ID],
        ),
        (
            "mediation",
            ["调解笔录", "要求退款并按食品安全法赔偿", "同意退款", "以上笔录", "投诉人（签名）"],
            [FULL_ID],
        ),
        ("visit", ["回访记录表", "■满意", "已按协议履行", "退款和赔偿已收到"], [FULL_ID, "13812345678"]),
        (
            "referral",
            [
                "消费纠纷移交单",
                "王𠮷",
                "13912345678",
                "欧派整体家居",
                "双方未能达成和解协议",
                "购销合同复印件",
                "共 2 份 8 页",
                "回",
                "执",
                "东胜区12315投诉举报中心",
                "请于",
            ],
            [],
        ),
        (
            "rejection",
            ["不予受理告知书", "李𠮷", "超过三年", "第三十九条", "0477-8312315", "特此告知", "送达方式"],
            [],
        ),
        (
            "termination",
            [
                "终止调解告知书",
                "王𠮷",
                "经组织调解，被投诉人明确表示无法达成和解协议",
                "致投诉人",
                "致被投诉人",
                "2026年10月20日",
                "已于2026年10月21日将有关材料移交",
                "第三十九条",
                "特此告知",
            ],
            [],
        ),
        (
            "feedback",
            ["处理结果反馈单", "ODR20260926000123", "现场调解", "已和解", "按期反馈", "反馈期限"],
            [FULL_ID],
        ),
        (
            "major",
            ["群体性投诉报告", "𠮷野家牛肉饭", "12 人", "672.00", "东胜区市场监督管理局", "2026-09-26 15:00"],
            [FULL_ID],
        ),
    ],
)
def test_each_document(cases, tmp_path, doc, must, must_not):
    record = cases[doc]
    out = printing.print_document(doc, record.case_no, tmp_path / f"{doc}.pdf")
    text = _text(out)
    flat = text.replace("\n", "")
    assert record.case_no in flat
    for words in must:
        assert words in flat, words
    for words in must_not:
        assert words not in flat, words
    assert (
        "。，" not in flat and "。。" not in flat
    )  # a term typed with its own full stop still reads as one sentence
    if shutil.which("pdffonts"):  # poppler's (Linux, CI): which fonts are embedded
        fonts = _fonts(out)
        assert fonts and all(line.split()[-5:-3] == ["yes", "yes"] for line in fonts), fonts
        assert any("WenQuanYiMicroHei" in line for line in fonts)
        if "𠮷" in flat:
            assert any(
                "HanaMinB" in line or "SimSun" in line for line in fonts
            )  # the rare character is drawn
    pages = _pages(out)
    assert all(re.search(r"第\s*\d+\s*页\s*共\s*\d+\s*页", page) for page in pages)
    for line in _text(out, layout=True).splitlines():  # no line starts with closing punctuation
        stripped = line.strip()
        assert not (stripped and stripped[0] in pdf.CLOSING_PUNCTUATION), line


def _copies(path) -> dict[str, list[str]]:
    """The agreement's copies: the pages of each holder's copy, by the label in its footer."""
    out: dict[str, list[str]] = {}
    for page in _pages(path):
        holder = next(h for h in ("甲方执", "乙方执", "丙方执", "服务站存档") if h in page)
        out.setdefault(holder, []).append(page)
    return out


@pytest.mark.parametrize("terms", [1, 2, 4, 9])
@pytest.mark.parametrize("facts", ["短", LONG, LONG * 2])
def test_agreement_signatures_stand_with_the_last_clause(db, tmp_path, terms, facts):
    """A single term used to leave every signature alone on page 2; another case left only the QR code there."""
    station.save_profile(demo.DEMO_PROFILE)
    record = _complaint(facts=facts)
    intake.decide(record.id, "受理")
    mediation.settle(
        record.id,
        [TermInput("退款", f"乙方退还甲方第{i}笔货款", "100.00") for i in range(1, terms + 1)],
        third_party="万象汇运营部" if terms % 2 else "",
    )
    out = printing.agreement(record.case_no, tmp_path / "a.pdf", keep=False)
    copies = _copies(out)
    assert len(copies) == (4 if terms % 2 else 3)
    for holder, pages in copies.items():
        signed = [p for p in pages if "（以下无正文）" in p]
        assert len(signed) == 1, holder
        page = signed[0]
        for block in (
            "本协议一式",
            "甲方（签名）",
            "乙方（盖章）",
            "调解员（签名）",
            "服务站（盖章）",
            "核验码",
        ):
            assert block in page, (holder, block)
        assert ("丙方（签名或盖章）" in page) == bool(terms % 2)
        assert re.search(rf"共\s*{len(pages)}\s*页", page)
        if len(pages) > 1:
            assert all("骑缝" in p for p in pages)


def test_the_business_copy_never_shows_the_consumers_full_id(cases, tmp_path):
    out = printing.agreement(cases["agreement"].case_no, tmp_path / "a.pdf", keep=False)
    copies = _copies(out)
    assert any(FULL_ID in page for page in copies["甲方执"]) and any(
        FULL_ID in page for page in copies["服务站存档"]
    )
    for holder in ("乙方执", "丙方执"):
        text = "".join(copies[holder])
        assert FULL_ID not in text and AGENT_ID not in text and "1101**********002X" in text


def test_terms_say_when_once():
    assert printing.term_sentence(1, "乙方三日内退款。", None, "乙方", None) == "1. 乙方三日内退款。"
    assert (
        printing.term_sentence(2, "退还货款", None, "乙方", None)
        == "2. 退还货款，由乙方于本协议签订之日履行。"
    )
    assert (
        printing.term_sentence(3, "乙方退还货款", None, "乙方", date(2026, 10, 8))
        == "3. 乙方退还货款，于2026年10月08日前履行。"
    )
    assert (
        printing.term_sentence(4, "七日内更换同型号商品", None, "乙方", None)
        == "4. 七日内更换同型号商品，由乙方履行。"
    )


def test_a_settled_case_from_an_old_ledger_prints_its_terms(db, tmp_path):
    from openpyxl import Workbook

    from weiquan_desktop.services import ledger_import

    station.save_profile(demo.DEMO_PROFILE)
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(
        [
            "编号",
            "类型",
            "来源",
            "登记时间",
            "消费者姓名",
            "联系电话",
            "被投诉方",
            "商品服务大类",
            "问题性质",
            "受理决定",
            "受理决定时间",
            "办理状态",
            "和解内容",
            "挽回经济损失",
            "办结时间",
        ]
    )
    ws.append(
        [
            "WXH01-2024-00007",
            "投诉",
            "来访",
            "2024-05-06 10:00",
            "孙丽",
            "13812345678",
            "优衣库",
            "服装鞋帽类",
            "质量",
            "受理",
            "2024-05-06 11:00",
            "已和解",
            "1. 商家退还货款399元；2. 赠送代金券50元",
            "399",
            "2024-05-08 16:00",
        ]
    )
    wb.save(tmp_path / "old.xlsx")
    assert ledger_import.import_ledger(tmp_path / "old.xlsx").ok
    out = printing.agreement("WXH01-2024-00007", tmp_path / "a.pdf", keep=False)
    flat = _text(out).replace("\n", "")
    assert "1. 商家退还货款399元" in flat and "2. 赠送代金券50元" in flat and "399.00元" in flat


def test_a_referral_lists_its_materials_and_a_lead_goes_out_as_a_lead(cases, tmp_path):
    record = _complaint()
    intake.decide(record.id, "受理")
    with pytest.raises(ValidationError, match="至少列出一项移交材料"):
        mediation.refer(record.id, "重大复杂", body_name="东胜区12315投诉举报中心", materials=[])
    with pytest.raises(ValidationError, match="份数和页数"):
        mediation.refer(
            record.id, "重大复杂", body_name="东胜区12315投诉举报中心", materials=[Material("登记表", 1, 0)]
        )
    assert Record.get_by_id(record.id).state == "调解中"
    out = printing.print_document("referral", cases["lead"].case_no, tmp_path / "lead.pdf")
    flat = _text(out).replace("\n", "")
    assert (
        "违法线索移送函" in flat
        and "消费纠纷移交单" not in flat
        and "疑似假冒" in flat
        and "共 4 份 4 页" in flat
    )


def test_referral_feedback_date_is_a_working_day_from_the_rule(db):
    """Referred on 2026-09-20, a fixed 15 calendar days gave 2026-10-05, in the National Day holiday."""
    from weiquan_desktop.services import deadlines

    due = mediation.referral_feedback_due(date(2026, 9, 20))
    assert deadlines.WorkCalendar().is_workday(due)
    # 15 working days after 09-20: 09-21..24 and 09-28..30 (7; 中秋 09-25..27), 10-08, 10-09, 10-10 (a make-up
    # Saturday), 10-12..16
    assert due == date(2026, 10, 16)


def test_documents_are_reproducible_and_kept_once(cases, tmp_path):
    case_no = cases["agreement"].case_no
    first = printing.agreement(case_no, tmp_path / "a.pdf", keep=False).read_bytes()
    second = printing.agreement(case_no, tmp_path / "b.pdf", keep=False).read_bytes()
    assert first == second
    before = Attachment.select().where(Attachment.purpose == "文书").count()
    printing.print_document("agreement", case_no, tmp_path / "c.pdf")
    printing.print_document("agreement", case_no, tmp_path / "d.pdf")  # saved again: the same document
    assert Attachment.select().where(Attachment.purpose == "文书").count() == before + 1
    saved = AuditLog.select().where(AuditLog.action == "document.save", AuditLog.entity_id == case_no).count()
    assert (
        saved == 2 and not AuditLog.select().where(AuditLog.action == "print").exists()
    )  # nothing went to paper


@pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
    reason="tools/run-tests installs zbar and poppler",
)
def test_agreement_qr_code_holds_the_case_number_and_terms_digest(cases, tmp_path):
    record = cases["agreement"]
    out = printing.agreement(record.case_no, tmp_path / "a.pdf", keep=False)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "3", str(out), str(tmp_path / "page")], check=True
    )
    decoded = []
    for page in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True)
        decoded += [line for line in result.stdout.splitlines() if line]
    assert decoded and set(decoded) == {printing.qr_payload(Record.get_by_id(record.id))}
    assert decoded[0].split("|")[1] == record.case_no
    assert re.fullmatch(r"[0-9a-f]{16}", decoded[0].split("|")[2])


def test_documents_refuse_cases_in_the_wrong_state(cases, tmp_path):
    with pytest.raises(UserError, match="未和解，不能打印和解协议书"):
        printing.agreement(cases["referral"].case_no, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="没有移交记录"):
        printing.referral_slip(cases["agreement"].case_no, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="未作出不予受理决定"):
        printing.rejection_notice(cases["agreement"].case_no, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="还没有回访"):
        printing.visit_record(cases["referral"].case_no, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_print_command_for_each_document(tmp_path):
    data = tmp_path / "d"
    assert run_cli("demo", "--data-dir", str(data), "--records", "300").returncode == 0
    import sqlite3

    conn = sqlite3.connect(data / "weiquan.sqlite3")
    settled = conn.execute("SELECT case_no FROM record WHERE state='已和解' LIMIT 1").fetchone()[0]
    referred = conn.execute(
        "SELECT r.case_no FROM record r JOIN referral f ON f.record_id=r.id LIMIT 1"
    ).fetchone()[0]
    visited = conn.execute(
        "SELECT r.case_no FROM record r JOIN return_visit v ON v.record_id=r.id LIMIT 1"
    ).fetchone()[0]
    for doc, case_no in (
        ("agreement", settled),
        ("referral", referred),
        ("receipt", settled),
        ("visit", visited),
        ("mediation", settled),
        ("intake", settled),
    ):
        out = tmp_path / f"{doc}.pdf"
        result = run_cli("print", doc, case_no, "--out", str(out), "--data-dir", str(data))
        assert result.returncode == 0, (doc, result.stderr)
        assert out.read_bytes().startswith(b"%PDF")
    wrong = run_cli(
        "print", "agreement", referred, "--out", str(tmp_path / "no.pdf"), "--data-dir", str(data)
    )
    assert wrong.returncode == 1 and "不能打印和解协议书" in wrong.stderr
