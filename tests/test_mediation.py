from datetime import date, datetime
from decimal import Decimal

import pytest

from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models.schema import Business, Record, RecordEvent, Referral, Staff
from weiquan_desktop.services import demo, intake, mediation, station
from weiquan_desktop.services.mediation import Material, TermInput


@pytest.fixture
def accepted(db):
    station.save_profile(demo.DEMO_PROFILE)
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            received_at=datetime(2026, 8, 3, 10, 0),
            complainant_name="张三",
            phone="13812345678",
            respondent_name="苏宁易购东胜万象汇店",
            category="家用电子电器类",
            item="空调",
            nature="质量",
            amount="3999.00",
            facts="空调不制冷。",
            demands=["换货", "赔偿"],
        )
    )
    return intake.decide(record.id, "受理", at=datetime(2026, 8, 3, 15, 0))


def test_sessions_then_settlement(accepted):
    mediation.add_session(
        accepted.id, held_at=datetime(2026, 8, 5, 10, 0), mode="现场", attendees="张三、店长"
    )
    mediation.add_session(accepted.id, held_at=datetime(2026, 8, 7, 10, 0), mode="电话")
    terms = [
        TermInput("换货", "乙方为甲方更换同型号空调一台", "3999.00", due_on=date(2026, 8, 10)),
        TermInput("赔偿", "乙方赔偿甲方误工损失", "200"),
        TermInput("道歉", "乙方向甲方书面道歉"),
    ]
    assert mediation.recovered_from_terms(terms) == Decimal("4199.00")
    settled = mediation.settle(accepted.id, terms, at=datetime(2026, 8, 7, 11, 0))
    assert (settled.state, settled.closed_at, settled.next_due) == (
        "已和解",
        datetime(2026, 8, 7, 11, 0),
        None,
    )
    assert settled.recovered_amount == Decimal("4199.00")
    assert settled.terms.count() == 3
    actions = [
        e.action for e in RecordEvent.select().where(RecordEvent.record == settled).order_by(RecordEvent.id)
    ]
    assert actions == ["登记", "受理", "第1次调解", "第2次调解", "和解"]


def test_invalid_transitions_are_refused(accepted, db):
    with pytest.raises(UserError, match="已作出过受理决定"):
        intake.decide(accepted.id, "受理")
    mediation.terminate(accepted.id, "一方当事人明确表示无法达成调解协议", at=datetime(2026, 8, 20, 9, 0))
    with pytest.raises(UserError, match="已办结（调解终止），不能再和解"):
        mediation.settle(accepted.id, [TermInput("退款", "退款", "1")])
    with pytest.raises(UserError, match="已办结"):
        mediation.terminate(accepted.id, "再次终止")
    referral = mediation.refer(
        accepted.id,
        "和解不成",
        body_name="东胜区12315投诉举报中心",
        materials=[Material("投诉登记表", 1, 2)],
        at=datetime(2026, 8, 21, 9, 0),
    )
    assert Record.get_by_id(accepted.id).state == "已移交"
    with pytest.raises(UserError, match="已办结"):
        mediation.withdraw(accepted.id)
    mediation.record_referral_feedback(referral.id, "已立案调查。")
    with pytest.raises(UserError, match="已记录过反馈"):
        mediation.record_referral_feedback(referral.id, "再次反馈")
    rejected = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            complainant_name="李四",
            phone="13912345678",
            respondent_name="麦当劳",
            category="食品类",
            nature="质量",
            facts="x",
            demands=["退款"],
        )
    )
    intake.decide(rejected.id, "不予受理", ground="超过三年")
    with pytest.raises(UserError, match="已办结"):
        mediation.settle(rejected.id, [TermInput("退款", "退款", "1")])
    assert Record.get_by_id(rejected.id).state == "不予受理"


def test_clock_pause_extends_the_mediation_limit(accepted):
    before = Record.get_by_id(accepted.id).next_due
    assert before == date(2026, 10, 8)  # 60 calendar days from 08-03 is 10-02, a holiday -> 10-08
    mediation.pause_clock(accepted.id, date(2026, 8, 10), "送检")
    with pytest.raises(UserError, match="已在暂停中"):
        mediation.pause_clock(accepted.id, date(2026, 8, 11), "再次送检")
    mediation.resume_clock(accepted.id, date(2026, 8, 19))
    after = Record.get_by_id(accepted.id).next_due
    assert after == date(2026, 10, 12)  # 10 paused days: 10-12


def test_mediator_with_a_link_to_the_respondent_is_refused(accepted):
    business = Business.get_or_none(Business.name == "苏宁易购东胜万象汇店") or Business.create(
        name="苏宁易购东胜万象汇店", initials="snyg"
    )
    Record.update(respondent=business).where(Record.id == accepted.id).execute()
    insider = Staff.create(name="周店长", role="工作人员/和解员", business=business)
    with pytest.raises(ValidationError, match="回避"):
        mediation.add_session(
            accepted.id, held_at=datetime(2026, 8, 5, 10, 0), mode="现场", mediator_id=insider.id
        )


def test_quick_settlement_is_one_transaction(db):
    station.save_profile(demo.DEMO_PROFILE)
    form = intake.IntakeForm(
        kind="投诉",
        source="来访",
        complainant_name="王五",
        phone="13712345678",
        respondent_name="喜茶",
        category="烟、酒和饮料类",
        nature="质量",
        amount="28",
        facts="奶茶有异物。",
        demands=["退款"],
    )
    with pytest.raises(ValidationError):
        mediation.quick_settle(form, [TermInput("退款", "", "28")])
    assert Record.select().count() == 0
    record = mediation.quick_settle(form, [TermInput("退款", "乙方当场退还甲方货款28元", "28")])
    assert (record.state, record.decision, record.recovered_amount) == ("已和解", "受理", Decimal("28.00"))


def test_compensation_helper():
    assert mediation.consumer_law_55(Decimal("100")) == Decimal("500.00")
    assert mediation.consumer_law_55(Decimal("399")) == Decimal("1197.00")
    assert mediation.food_safety_148(Decimal("28")) == Decimal("1000.00")
    assert mediation.food_safety_148(Decimal("200"), Decimal("900")) == Decimal("2700.00")


def test_lists_for_follow_up(accepted):
    mediation.settle(accepted.id, [TermInput("退款", "退款", "100")], at=datetime(2026, 8, 7, 11, 0))
    assert [r.id for r in mediation.awaiting_visit()] == [accepted.id]
    mediation.return_visit(accepted.id, "满意", "电话回访，已换货")
    assert mediation.awaiting_visit() == []
    assert Record.get_by_id(accepted.id).satisfaction == "满意"
    assert Referral.select().count() == 0 and mediation.awaiting_feedback() == []


def test_a_12315_transfer_owes_feedback_even_when_settled_at_once(db):
    station.save_profile(demo.DEMO_PROFILE)
    form = intake.IntakeForm(
        kind="投诉",
        source="12315转办",
        external_no="ODR1",
        received_at=datetime(2026, 9, 26, 9, 0),
        complainant_name="赵六",
        phone="13612345678",
        respondent_name="喜茶",
        category="烟、酒和饮料类",
        nature="质量",
        amount="28",
        facts="异物",
        demands=["退款"],
    )
    record = mediation.quick_settle(form, [TermInput("退款", "退款", "28")])
    saved = Record.get_by_id(record.id)
    assert (saved.state, saved.due_label, saved.next_due) == ("已和解", "反馈期限", date(2026, 10, 15))
    mediation.transfer_feedback(record.id, process="现场调解", method="现场调解", result="已退款")
    assert Record.get_by_id(record.id).next_due is None
    assert [r.id for r in mediation.transfers_awaiting_feedback()] == []
