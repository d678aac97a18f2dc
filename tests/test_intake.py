from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models.schema import AuditLog, Business, Record, RecordEvent
from weiquan_desktop.services import demo, duties, intake, station


@pytest.fixture
def station_db(db):
    station.save_profile(demo.DEMO_PROFILE)
    return db


def complaint(**overrides) -> intake.IntakeForm:
    form = intake.IntakeForm(
        kind="投诉",
        source="来访",
        received_at=datetime(2026, 9, 26, 10, 30),
        complainant_name="张三",
        phone="13812345678",
        id_number="11010519491231002X",
        respondent_name="麦当劳",
        category="食品类",
        item="汉堡套餐",
        nature="质量",
        purchase_date=date(2026, 9, 25),
        amount="¥39.50",
        facts="汉堡里吃出异物。",
        demands=["退款", "赔偿"],
    )
    for key, value in overrides.items():
        setattr(form, key, value)
    return form


def test_register_a_complaint_in_one_transaction(station_db):
    record = intake.register(complaint())
    assert record.case_no == "WXH01-2026-00001"
    saved = Record.get_by_id(record.id)
    assert saved.state == "待受理"
    assert saved.amount == Decimal("39.50")
    assert saved.demands == "退款、赔偿"
    # received on Saturday 2026-09-26 10:30: the reply is due 24 hours later, the decision 7 working days later
    assert (saved.next_due, saved.due_label) == (date(2026, 9, 27), "答复期限")
    owed = {d.code: d for d in duties.for_record(saved)}
    assert owed["reply"].due_at == datetime(2026, 9, 27, 10, 30)
    assert owed["decision"].due == date(2026, 10, 12)
    assert RecordEvent.select().where(RecordEvent.record == saved).count() == 1
    assert AuditLog.select().where(AuditLog.entity_id == record.case_no).count() == 1
    assert "mdl" in saved.search_text and "13812345678" in saved.search_text


def test_every_problem_is_reported_with_its_field_and_nothing_is_saved(station_db):
    form = complaint(
        complainant_name="",
        phone="12345",
        id_number="110105194912310021",
        amount="-3",
        purchase_date=date.today() + timedelta(days=2),
        demands=[],
    )
    clean, errors = intake.check(form)
    fields = {e.field for e in errors}
    assert {"消费者姓名", "联系电话", "证件号码", "涉及金额", "购买日期", "诉求"} <= fields
    assert all(e.message for e in errors)
    with pytest.raises(ValidationError):
        intake.register(form)
    assert Record.select().count() == 0
    assert AuditLog.select().where(AuditLog.action == "record.create").count() == 0


def test_required_fields_depend_on_the_kind(station_db):
    consultation = intake.IntakeForm(kind="咨询", source="电话", facts="七日无理由退货怎么算？")
    with pytest.raises(ValidationError, match="当场答复"):
        intake.register(consultation)
    consultation.answer = "收到商品之日起七日内，商品完好即可。"
    record = intake.register(consultation)
    assert (record.state, record.next_due) == ("已解答", None)
    later = intake.IntakeForm(
        kind="咨询", source="来访", facts="发票丢了还能保修吗？", reply_due=datetime.now() + timedelta(days=1)
    )
    assert intake.register(later).state == "待回复"
    report = intake.IntakeForm(
        kind="举报",
        source="电话",
        anonymous=True,
        complainant_name="李四",
        respondent_name="名酒汇烟酒行",
        clues="疑似销售假冒白酒",
    )
    saved = intake.register(report)
    assert saved.anonymous and saved.complainant_name is None
    transferred = complaint(source="12315转办")
    with pytest.raises(ValidationError, match="转办编号"):
        intake.register(transferred)


def test_agent_needs_id_and_authorisation(station_db):
    with pytest.raises(ValidationError, match="代理人证件号码"):
        intake.register(complaint(agent_name="王五"))
    record = intake.register(
        complaint(
            agent_name="王五",
            agent_id_number="440524188001010014",
            agent_authorisation="代为投诉、调解，期限三个月",
        )
    )
    assert record.agent_name == "王五"


def test_decision_moves_the_deadline_and_refuses_a_second_decision(station_db):
    record = intake.register(
        complaint(received_at=datetime(2026, 8, 1, 9, 0), purchase_date=date(2026, 7, 30))
    )
    accepted = intake.decide(record.id, "受理", at=datetime(2026, 8, 2, 9, 0), version=record.version)
    assert accepted.state == "调解中"
    # accepted after 2026-04-15: 60 calendar days, 2026-10-01 is a holiday -> 2026-10-08
    assert (accepted.next_due, accepted.due_label) == (date(2026, 10, 8), "调解期限")
    with pytest.raises(UserError, match="已作出过受理决定"):
        intake.decide(record.id, "不予受理", ground="x")
    with pytest.raises(UserError, match="已被其他人修改过"):
        intake.decide(record.id, "受理", version=record.version)


def test_rejection_needs_a_ground_and_closes_the_case(station_db):
    record = intake.register(complaint())
    with pytest.raises(ValidationError, match="理由"):
        intake.decide(record.id, "不予受理", at=datetime(2026, 9, 28, 9, 0))
    assert Record.get_by_id(record.id).state == "待受理"
    rejected = intake.decide(record.id, "不予受理", ground="超过三年", at=datetime(2026, 9, 28, 9, 0))
    assert (rejected.state, rejected.closed_at, rejected.next_due) == (
        "不予受理",
        datetime(2026, 9, 28, 9, 0),
        None,
    )


def test_business_autocomplete_by_pinyin_initials(station_db):
    intake.add_business("麦当劳", booth="1F-30")
    intake.add_business("名创优品")
    assert [b.name for b in intake.find_businesses("mdl")] == ["麦当劳"]
    assert [b.name for b in intake.find_businesses("优品")] == ["名创优品"]
    assert intake.add_business("麦当劳").id == Business.get(Business.name == "麦当劳").id


def test_draft_round_trip():
    form = complaint(demands=["退货"])
    again = intake.IntakeForm.from_json(form.to_json())
    assert again == form


def test_correcting_a_registration_records_old_and_new_and_detects_a_second_desk(station_db):
    from weiquan_desktop.models.schema import RecordEvent

    record = intake.register(complaint())
    form = intake.form_of(record)
    form.phone = "13987654321"
    form.facts = "汉堡里吃出金属丝。"
    updated = intake.update(record.id, form, version=record.version)
    assert (updated.phone, updated.facts, updated.version) == (
        "13987654321",
        "汉堡里吃出金属丝。",
        record.version + 1,
    )
    change = AuditLog.get(AuditLog.action == "record.update")
    assert "13812345678" in change.detail and "13987654321" in change.detail
    assert RecordEvent.select().where(RecordEvent.action == "修改登记").count() == 1
    # a second desk still holding the old version cannot overwrite the first desk's change
    other = intake.form_of(record)
    other.address = "别处"
    with pytest.raises(UserError, match="已被其他人修改过"):
        intake.update(record.id, other, version=record.version)
    assert Record.get_by_id(record.id).phone == "13987654321"
    bad = intake.form_of(updated)
    bad.phone = "123"
    with pytest.raises(ValidationError, match="联系电话"):
        intake.update(record.id, bad, version=updated.version)


def test_the_register_finds_a_consumer_by_id_number_its_last_digits_and_pinyin_initials(station_db):
    from weiquan_desktop.services import register

    mine = intake.register(complaint(complainant_name="赵晓东", phone="13912345678"))
    other = intake.register(complaint(complainant_name="钱多多", phone="13700000000", id_number=""))

    def found(term: str) -> list[int]:
        return register.ordered_ids(register.RegisterQuery(search=term))

    assert found("11010519491231002X") == [mine.id]
    assert found("1231002x") == [mine.id]  # the last digits, in either case
    assert found("zxd") == [mine.id]  # 赵晓东
    assert found("qdd") == [other.id]
