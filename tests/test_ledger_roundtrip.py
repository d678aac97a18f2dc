"""The ledger without loss: a station with every kind of case, exported, imported into an empty station and
exported again gives the same workbook cell by cell and the same cases field by field; and every check the
import makes, each as the bad file that once got through."""

import zipfile
from dataclasses import replace
from datetime import date, datetime

import openpyxl
import pytest
from helpers import run_cli

from weiquan_desktop.models import close_database, open_database
from weiquan_desktop.models.schema import (
    CaseNotice,
    ClockPause,
    MediationSession,
    Record,
    Referral,
    ReturnVisit,
    SettlementTerm,
    Staff,
    TransferFeedback,
)
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import (
    demo,
    exchange,
    intake,
    ledger_import,
    mediation,
    notices,
    station,
    statistics,
)
from weiquan_desktop.services.ledger_format import EVENTS_SHEET, HEADERS, SHEET
from weiquan_desktop.services.mediation import Material, TermInput, ThirdParty

PROFILE = replace(demo.DEMO_PROFILE, name="吉达斯购物中心12315消费维权服务站", code="JDS02")


def _form(**changes) -> intake.IntakeForm:
    form = intake.IntakeForm(
        kind="投诉",
        source="来访",
        received_at=datetime(2026, 9, 1, 10, 0),
        complainant_name="赵晓东",
        phone="13912345678",
        id_number="11010519491231002X",
        address="东胜区天骄路8号",
        respondent_name="麦当劳",
        category="食品类",
        item="儿童套餐",
        nature="质量",
        purchase_date=date(2026, 8, 30),
        amount="45.50",
        place="1F-30",
        facts="汉堡里有异物。",
        evidence="购物小票1张",
        demands=["退款", "赔偿"],
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def every_kind_of_case() -> None:
    staff = Staff.create(name="李淑珍", role="副站长")
    # settled, with a paused clock, an agent, a third party, terms with amounts and dates, notices and a visit
    a = intake.register(
        _form(
            agent_name="赵小东",
            agent_phone="13700000000",
            agent_id_number="440524188001010014",
            agent_authorisation="代为调解、签署和解协议，至2026年12月31日",
            consent_publish=True,
            handler_id=staff.id,
        )
    )
    notices.record_notice(
        a.id,
        "答复",
        method="受理回执",
        at=datetime(2026, 9, 1, 10, 20),
        party="投诉人",
        content="告知处理流程和时间",
    )
    intake.decide(a.id, "受理", at=datetime(2026, 9, 1, 11, 0))
    mediation.add_session(
        a.id,
        held_at=datetime(2026, 9, 2, 14, 0),
        mode="现场",
        mediator_id=staff.id,
        attendees="赵晓东、店长刘某",
        consumer_statement="要求十倍赔偿",
        business_statement="同意退款",
        notes="约定送检后再谈",
    )
    mediation.pause_clock(a.id, date(2026, 9, 3), "送检测")
    mediation.resume_clock(a.id, date(2026, 9, 10))
    notices.record_notice(
        a.id,
        "进展告知",
        method="电话",
        at=datetime(2026, 9, 10, 9, 0),
        party="投诉人",
        content="检测报告已出",
    )
    mediation.settle(
        a.id,
        [
            TermInput("退款", "乙方退还甲方货款", "45.50", "乙方", date(2026, 9, 12)),
            TermInput("赔偿", "乙方赔偿甲方1000元", "1000", "乙方", date(2026, 9, 15)),
        ],
        recovered="1045.50",
        punitive_amount="1000",
        punitive_basis="食品安全法第一百四十八条",
        third_party=ThirdParty("吉达斯购物中心", "商场管理方", "王经理", "0477-8123456", "东胜区天骄路1号"),
        at=datetime(2026, 9, 11, 16, 0),
    )
    mediation.return_visit(
        a.id,
        "满意",
        "已按协议履行",
        method="电话",
        performance="已退款并赔偿",
        at=datetime(2026, 9, 20, 10, 0),
    )
    # terminated, told, referred with materials, fed back
    b = intake.register(
        _form(
            received_at=datetime(2026, 9, 4, 9, 0),
            respondent_name="优衣库",
            category="服装鞋帽类",
            nature="质量",
            phone="13812345678",
        )
    )
    intake.decide(b.id, "受理", at=datetime(2026, 9, 4, 10, 0))
    mediation.terminate(
        b.id,
        "经组织调解，投诉人或者被投诉人明确表示无法达成和解协议",
        party="被投诉人",
        at=datetime(2026, 9, 8, 10, 0),
    )
    notices.record_notice(b.id, "终止调解告知", method="信函", at=datetime(2026, 9, 9, 10, 0), party="双方")
    referral = mediation.refer(
        b.id,
        "和解不成",
        body_name="东胜区12315",
        at=datetime(2026, 9, 9, 11, 0),
        materials=[Material("投诉登记表", 1, 1), Material("调解笔录", 1, 2)],
    )
    mediation.record_referral_feedback(referral.id, "已立案调查。", at=datetime(2026, 9, 25, 9, 0))
    # in mediation, paused now
    c = intake.register(
        _form(
            received_at=datetime(2026, 9, 14, 9, 0),
            respondent_name="华为授权体验店",
            category="家用电子电器类",
            item="手机",
            amount="3999",
            phone="13612345678",
        )
    )
    intake.decide(c.id, "受理", at=datetime(2026, 9, 14, 10, 0))
    mediation.pause_clock(c.id, date(2026, 9, 20), "送鉴定")
    # a 12315 transfer with its own deadline, a group, reported, fed back
    d = intake.register(
        _form(
            source="12315转办",
            external_no="ODR20260915001",
            external_due=date(2026, 9, 25),
            received_at=datetime(2026, 9, 15, 9, 0),
            is_group=True,
            group_size=12,
            respondent_name="金逸健身",
            category="文化、娱乐、体育服务",
            nature="合同",
        )
    )
    notices.report_major(
        d.id,
        is_group=True,
        is_major=False,
        reported_to="东胜区市场监督管理局",
        reported_at=datetime(2026, 9, 15, 11, 0),
        group_size=12,
        group_amount="36000",
    )
    intake.decide(d.id, "受理", at=datetime(2026, 9, 15, 12, 0))
    mediation.transfer_feedback(
        d.id,
        process="组织调解",
        method="现场调解",
        result="商家退还剩余课时费",
        handled_at=datetime(2026, 9, 22, 10, 0),
        sent_at=datetime(2026, 9, 22, 15, 0),
    )
    # an anonymous report passed on, a consultation with an agreed reply, a suggestion passed on, a rejection
    e = intake.register(
        intake.IntakeForm(
            kind="举报",
            source="电话",
            received_at=datetime(2026, 9, 16, 9, 0),
            anonymous=True,
            respondent_name="名酒汇烟酒行",
            clues="疑似销售假冒白酒",
        )
    )
    mediation.refer(
        e.id,
        "涉嫌违法线索",
        body_name="天骄市场监管所",
        at=datetime(2026, 9, 16, 15, 0),
        materials=[Material("举报登记表", 1, 1)],
    )
    intake.register(
        intake.IntakeForm(
            kind="咨询",
            source="来访",
            received_at=datetime(2026, 9, 17, 9, 0),
            complainant_name="钱多多",
            facts="预付卡能否退？",
            reply_due=datetime(2026, 9, 18, 17, 0),
        )
    )
    g = intake.register(
        intake.IntakeForm(
            kind="建议", source="信函", received_at=datetime(2026, 9, 18, 9, 0), facts="建议增设母婴室"
        )
    )
    mediation.close_suggestion(g.id, forwarded_to="吉达斯购物中心物业", reply="已采纳")
    h = intake.register(
        _form(received_at=datetime(2026, 9, 21, 9, 0), respondent_name="喜茶", phone="13512345678")
    )
    intake.decide(
        h.id,
        "不予受理",
        ground="投诉人知道或者应当知道权益受到侵害之日起已超过三年",
        at=datetime(2026, 9, 22, 9, 0),
    )
    notices.record_notice(
        h.id, "不予受理告知", method="短信", at=datetime(2026, 9, 22, 10, 0), party="投诉人"
    )


# ids and bookkeeping; the link to the business directory (an import files every respondent there) is not the case
SKIP = {"id", "created_at", "updated_at", "version", "search_text", "respondent", "handler"}


def _cases() -> list[dict]:
    """Every case with what hangs on it, as plain values (ids replaced by names)."""
    out = []
    for record in Record.select().order_by(Record.case_no):
        fields = {k: v for k, v in record.__data__.items() if k not in SKIP}
        fields["handler"] = record.handler.name if record.handler else None
        fields["terms"] = [
            (t.position, t.kind, t.action, t.amount, t.obligor, t.due_on)
            for t in SettlementTerm.select()
            .where(SettlementTerm.record == record)
            .order_by(SettlementTerm.position)
        ]
        fields["sessions"] = [
            (
                s.held_at,
                s.mode,
                s.attendees,
                s.mediator.name if s.mediator else None,
                s.consumer_statement,
                s.business_statement,
                s.notes,
            )
            for s in MediationSession.select().where(MediationSession.record == record)
        ]
        fields["pauses"] = [
            (p.started_on, p.ended_on, p.reason)
            for p in ClockPause.select().where(ClockPause.record == record)
        ]
        fields["notices"] = [
            (n.kind, n.at, n.method, n.party, n.content)
            for n in CaseNotice.select().where(CaseNotice.record == record).order_by(CaseNotice.at)
        ]
        fields["referrals"] = [
            (
                r.number,
                r.body_name,
                r.reason,
                r.materials,
                r.referred_at,
                r.feedback_due,
                r.feedback_at,
                r.feedback,
            )
            for r in Referral.select().where(Referral.record == record)
        ]
        fields["feedback"] = [
            (f.handled_at, f.sent_at, f.method, f.result, f.process)
            for f in TransferFeedback.select().where(TransferFeedback.record == record)
        ]
        fields["visits"] = [
            (v.visited_at, v.satisfaction, v.method, v.comment, v.performance)
            for v in ReturnVisit.select().where(ReturnVisit.record == record)
        ]
        out.append(fields)
    return out


def _cells(path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {name: list(wb[name].iter_rows(values_only=True)) for name in (SHEET, EVENTS_SHEET)}
    wb.close()
    return out


@pytest.mark.sqlite_only
def test_every_kind_of_case_survives_export_and_import(tmp_path):
    open_database(DataDir(tmp_path / "old").ensure())
    station.save_profile(PROFILE)
    every_kind_of_case()
    first = exchange.export_ledger(tmp_path / "a.xlsx", masked=False).path
    cases = _cases()
    report = statistics.report("2026Q3")
    close_database()

    open_database(DataDir(tmp_path / "new").ensure())
    station.save_profile(PROFILE)
    result = ledger_import.import_ledger(first)
    assert result.ok, result.errors
    assert result.created == len(cases) == 8
    second = exchange.export_ledger(tmp_path / "b.xlsx", masked=False).path
    assert _cells(first) == _cells(second)  # cell by cell, both sheets
    again = _cases()
    for before, after in zip(cases, again, strict=True):
        assert before == after, before["case_no"]
    # the settled case prints its terms; the paused one is still paused; the figures are the same
    settled = Record.get(Record.state == "已和解")
    assert [t.kind for t in settled.terms] == ["退款", "赔偿"] and settled.third_party == "吉达斯购物中心"
    assert ClockPause.select().where(ClockPause.ended_on.is_null()).count() == 1
    assert {
        k: v for k, v in statistics.report("2026Q3").items() if k not in ("extra", "year_ago", "previous")
    } == {k: v for k, v in report.items() if k not in ("extra", "year_ago", "previous")}
    close_database()


def test_an_old_ledgers_settlement_becomes_the_agreements_terms(db, tmp_path):
    station.save_profile(PROFILE)
    values = dict.fromkeys(HEADERS[:31])
    values.update(
        {
            "类型": "投诉",
            "来源": "来访",
            "登记时间": "2025-05-06 10:00",
            "消费者姓名": "张三",
            "联系电话": "13812345678",
            "被投诉方": "麦当劳",
            "商品服务大类": "食品类",
            "问题性质": "质量",
            "办理状态": "已和解",
            "受理决定": "受理",
            "受理决定时间": "2025-05-06 11:00",
            "办结时间": "2025-05-08 10:00",
            "和解内容": "1. 退还货款；2. 赔偿交通费50元",
        }
    )
    path = _book(tmp_path, [values])
    assert ledger_import.import_ledger(path).ok
    record = Record.get()
    assert [(t.position, t.action) for t in record.terms] == [(1, "退还货款"), (2, "赔偿交通费50元")]


# --- the import's checks ------------------------------------------------------------------------------


def _row(**changes) -> dict:
    values = dict.fromkeys(HEADERS[:31])
    values.update(
        {
            "编号": "JDS02-2026-00001",
            "类型": "投诉",
            "来源": "来访",
            "登记时间": "2026-05-06 10:00",
            "消费者姓名": "张三",
            "联系电话": "13812345678",
            "被投诉方": "麦当劳",
            "商品服务大类": "食品类",
            "问题性质": "质量",
            "办理状态": "待受理",
        }
    )
    values.update(changes)
    return values


def _book(tmp_path, rows, name="in.xlsx", headers=HEADERS[:31], edit=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    if edit is not None:
        edit(wb, ws)
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.fixture
def station_db(db):
    station.save_profile(PROFILE)
    return db


def _errors(path):
    before = Record.select().count()
    report = ledger_import.import_ledger(path)
    assert not report.ok and Record.select().count() == before  # nothing imported
    return [(e.row, e.column, e.message) for e in report.errors]


def test_text_that_starts_with_an_equals_sign_is_text(station_db, tmp_path):
    def as_text(_wb, ws):
        ws["O2"] = "=要求退款"  # 事实与理由, written as text (what our own export writes)
        ws["O2"].data_type = "s"
        ws["O2"].quotePrefix = True

    report = ledger_import.import_ledger(_book(tmp_path, [_row()], edit=as_text))
    assert report.ok, report.errors
    assert Record.get().facts == "=要求退款"


def test_a_masked_export_is_refused_not_taken_as_data(station_db, tmp_path):
    record = intake.register(_form())
    masked = exchange.export_ledger(tmp_path / "masked.xlsx", masked=True).path
    wb = openpyxl.load_workbook(masked)
    wb[SHEET]["A2"] = record.case_no.replace("00001", "00002")  # not refused for being here already
    wb.save(masked)
    errors = _errors(masked)
    assert any("去标识化" in message for _r, _c, message in errors)
    # the cells alone say so too, without the 说明 sheet
    wb = openpyxl.load_workbook(masked)
    del wb["说明"]
    wb.save(masked)
    assert any("含“*”" in message for _r, _c, message in _errors(masked))


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"联系电话": "not a phone"}, "联系电话", "格式不对"),
        ({"联系电话": "+1+cmd|' /C calc'!A0"}, "联系电话", "格式不对"),
        ({"登记时间": "0001-01-01"}, "登记时间", "不合理"),
        ({"登记时间": datetime(1899, 12, 31)}, "登记时间", "日期"),  # Excel's day 0: read back as a time
        ({"购买日期": "2099-01-01"}, "购买日期", "晚于登记日期"),
        ({"证件号码": "11010519491231002"}, "证件号码", "18位"),
        ({"证件号码": "110105 19491231002X"}, "证件号码", "18位"),
        ({"编号": "JDS02-2026-99999"}, "编号", "上限"),
        ({"编号": "JDS02-1-00001"}, "编号", "格式不对"),
        ({"涉及金额": "NaN"}, "涉及金额", ""),
        ({"涉及金额": "三百元"}, "涉及金额", ""),
        ({"受理决定时间": "昨天", "受理决定": "受理"}, "受理决定时间", "日期格式"),
    ],
)
def test_each_bad_cell_is_named_and_nothing_is_imported(station_db, tmp_path, changes, column, words):
    errors = _errors(_book(tmp_path, [_row(**changes)]))
    assert any(r == 2 and c == column and words in m for r, c, m in errors), errors


def test_full_width_digits_and_pasted_spaces_are_cleaned_not_refused(station_db, tmp_path):
    report = ledger_import.import_ledger(
        _book(tmp_path, [_row(联系电话="１３８１２３４５６７８", 编号="jds02-2026-00001\u200b")])
    )
    assert report.ok, report.errors
    assert (Record.get().phone, Record.get().case_no) == ("13812345678", "JDS02-2026-00001")


def test_case_numbers_that_differ_only_in_case_width_or_invisible_characters_are_one(station_db, tmp_path):
    rows = [
        _row(),
        _row(编号="jds02-2026-00001"),
        _row(编号="ＪＤＳ０２－２０２６－０００01"),
        _row(编号="JDS02-2026-\u200b00001"),
    ]
    errors = _errors(_book(tmp_path, rows))
    assert [(r, c) for r, c, m in errors if "重复" in m] == [(3, "编号"), (4, "编号"), (5, "编号")]


def test_boolean_and_error_cells_are_refused(station_db, tmp_path):
    def cells(_wb, ws):
        ws["K2"] = True  # 商品服务名称
        ws["P2"] = "#N/A"  # 诉求
        ws["P2"].data_type = "e"

    errors = _errors(_book(tmp_path, [_row()], edit=cells))
    assert any(c == "商品服务名称" and "逻辑值" in m for _r, c, m in errors)
    assert any(c == "诉求" and "错误值" in m for _r, c, m in errors)


@pytest.mark.parametrize("what", ["sheet", "row", "column"])
def test_hidden_sheets_rows_and_columns_are_not_read_silently(station_db, tmp_path, what):
    def hide(wb, ws):
        if what == "sheet":
            wb.create_sheet("其他")
            ws.sheet_state = "hidden"
        elif what == "row":
            ws.row_dimensions[3].hidden = True
        else:
            ws.column_dimensions["H"].hidden = True

    errors = _errors(_book(tmp_path, [_row(), _row(编号="JDS02-2026-00002")], edit=hide))
    assert any("隐藏" in m for _r, _c, m in errors), errors


def test_a_stray_cell_far_down_is_not_half_a_million_rows(station_db, tmp_path):
    def stray(_wb, ws):
        ws.cell(1_048_576, 40).value = " "

    report = ledger_import.import_ledger(_book(tmp_path, [_row()], edit=stray))
    assert report.ok and report.created == 1, report.errors


def _edit_member(path, member, change):
    data = {}
    with zipfile.ZipFile(path) as archive:
        for item in archive.infolist():
            data[item.filename] = archive.read(item.filename)
    data[member] = change(data[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in data.items():
            archive.writestr(name, content)


@pytest.mark.parametrize(
    ("member", "change"),
    [
        (
            "xl/worksheets/sheet1.xml",
            lambda x: (
                x.replace(b"<v>", b"<v>99999", 1).replace(b't="n"', b't="s"', 1)
                if b't="s"' in x
                else x.replace(
                    b"</sheetData>", b'<row r="9"><c r="A9" t="s"><v>9999</v></c></row></sheetData>'
                )
            ),
        ),
        ("xl/worksheets/sheet1.xml", lambda x: x.replace(b"</sheetData>", b"<row r=", 1)),
        (
            "xl/worksheets/sheet1.xml",
            lambda x: x.replace(
                b"</sheetData>", b'<row r="9"><c r="D9" s="1"><v>1e308</v></c></row></sheetData>'
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda x: x.replace(
                b"</sheetData>", b'<row r="9"><c r="N9" t="n"><v>inf</v></c></row></sheetData>'
            ),
        ),
    ],
)
def test_a_damaged_sheet_says_so_and_names_the_row(station_db, tmp_path, member, change):
    """A shared string that does not exist, a row cut off, a date beyond the calendar, an infinite amount."""
    from weiquan_desktop.errors import UserError

    path = _book(tmp_path, [_row()])
    _edit_member(path, member, change)
    try:
        report = ledger_import.import_ledger(path)
    except UserError as exc:  # the sheet could not be read: where it stopped
        assert "第 3 行起无法读取" in str(exc) and "没有导入" in str(exc)
    else:  # read, and the bad cell named
        assert not report.ok and any(e.row == 9 or e.row == 3 for e in report.errors), report.errors
    assert Record.select().count() == 0


def test_new_handlers_are_named_before_they_are_added(station_db, tmp_path):
    report = ledger_import.import_ledger(_book(tmp_path, [_row(经办人="孙悟空")]), dry_run=True)
    assert any("孙悟空" in w and "加入名单" in w for w in report.warnings)
    assert not Staff.select().where(Staff.name == "孙悟空").exists()


def test_a_number_taken_between_the_check_and_the_import_changes_nothing(station_db, tmp_path):
    from weiquan_desktop.errors import UserError

    parsed, issues, _warnings = ledger_import.read(_book(tmp_path, [_row()]))
    assert not issues
    intake.register(_form())  # another desk takes JDS02-2026-00001 meanwhile
    with pytest.raises(UserError, match="冲突"):
        ledger_import.apply(parsed, source_name="in.xlsx")
    assert Record.select().count() == 1


def test_a_report_over_ten_thousand_years_is_refused(station_db):
    from weiquan_desktop.errors import UserError

    with pytest.raises(UserError, match="不合理"):
        statistics.parse_period("0001-01-01..9999-12-31")


def test_the_next_number_never_has_six_digits(station_db):
    from weiquan_desktop.errors import UserError
    from weiquan_desktop.models import write_transaction
    from weiquan_desktop.services import numbering

    with write_transaction():
        numbering.note_imported(2026, 99999)
    with pytest.raises(UserError, match="用完"):
        intake.register(_form())
    assert Record.select().count() == 0


# --- a whole set-up from the command line ---------------------------------------------------------------


def test_a_station_set_up_from_the_command_line_alone(tmp_path):
    data = ["--data-dir", str(tmp_path / "station")]
    env = {"WEIQUAN_PASSWORD": "Weiquan#2026"}
    missing = run_cli("station", "set", "--name", "吉达斯", *data)
    assert missing.returncode == 1 and "不能为空" in missing.stderr
    made = run_cli(
        "station",
        "set",
        "--name",
        PROFILE.name,
        "--code",
        "JDS02",
        "--host-business",
        "吉达斯购物中心",
        "--address",
        "东胜区天骄路1号",
        "--phone",
        "0477-8123456",
        "--body-12315",
        "东胜区12315",
        "--body-amr",
        "天骄市场监管所",
        *data,
    )
    assert made.returncode == 0, made.stderr
    assert (
        run_cli("user", "add", "wang", "--role", "站长", "--full-name", "王建国", *data, env=env).returncode
        == 0
    )
    shown = run_cli("station", "show", "--user", "wang", *data, env=env)
    assert "站点编码：JDS02" in shown.stdout and "辖区12315机构：东胜区12315" in shown.stdout
    ledger = _book(
        tmp_path,
        [
            _row(),
            _row(
                编号="JDS02-2026-00002", 办理状态="调解中", 受理决定="受理", 受理决定时间="2026-05-06 11:00"
            ),
        ],
        name="旧台账.xlsx",
    )
    imported = run_cli("import-ledger", str(ledger), "--user", "wang", *data, env=env)
    assert imported.returncode == 0 and "已导入 2 条" in imported.stdout, imported.stderr
    report = run_cli("report", "2026Q2", "--json", "--user", "wang", *data, env=env)
    assert report.returncode == 0 and '"投诉": 2' in report.stdout
    changed = run_cli("station", "set", "--code", "XYZ09", "--user", "wang", *data, env=env)
    assert changed.returncode == 1 and "不能再修改" in changed.stderr


def test_rows_below_a_stale_dimension_are_read(station_db, tmp_path):
    """openpyxl's read-only mode trusts the sheet's <dimension>; a workbook saved by another tool with a stale
    one lost its last rows without a word."""
    path = _book(tmp_path, [_row(), _row(编号="JDS02-2026-00002")])
    _edit_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda x: x.replace(b'<dimension ref="A1:AE3"/>', b'<dimension ref="A1:T2"/>'),
    )
    assert b'ref="A1:T2"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    report = ledger_import.import_ledger(path)
    assert report.ok and report.created == 2
