"""Every clock of Order 121 and the station rules, on concrete dates of the 2026 calendar (Mid-Autumn
2026-09-25..27, National Day 2026-10-01..07, make-up working days 2026-09-20 and 2026-10-10)."""

from datetime import date, datetime, timedelta

import pytest

from weiquan_desktop.models.migrations import NOTICES_SINCE_KEY
from weiquan_desktop.models.schema import Record, Setting
from weiquan_desktop.services import (
    deadlines,
    demo,
    duties,
    exchange,
    intake,
    mediation,
    notices,
    register,
    station,
)


@pytest.fixture
def station_db(db):
    station.save_profile(demo.DEMO_PROFILE)
    # these cases are dated 2026-09 and 2026-10: the station has recorded notices since before then
    Setting.update(value="2026-01-01").where(Setting.key == NOTICES_SINCE_KEY).execute()
    return db


def complaint(received: datetime, **changes) -> Record:
    form = intake.IntakeForm(
        kind="投诉",
        source="来访",
        received_at=received,
        complainant_name="张三",
        phone="13812345678",
        respondent_name="麦当劳",
        category="食品类",
        nature="质量",
        facts="汉堡里有异物。",
        demands=["退款"],
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return intake.register(form)


def owed(record_id: int) -> dict[str, duties.Duty]:
    return {d.code: d for d in duties.for_record(Record.get_by_id(record_id))}


def test_the_24_hour_reply_runs_over_a_weekend_and_a_late_one_is_counted(station_db):
    record = complaint(datetime(2026, 9, 12, 10, 39))  # a Saturday
    saved = Record.get_by_id(record.id)
    assert (saved.next_due, saved.due_label) == (date(2026, 9, 13), "答复期限")  # Sunday, 24 hours on
    assert owed(record.id)["reply"].due_at == datetime(2026, 9, 13, 10, 39)
    # replied on Monday morning by phone: done, and late
    notices.record_notice(record.id, "答复", method="电话", at=datetime(2026, 9, 14, 9, 0))
    reply = owed(record.id)["reply"]
    assert reply.done_at == datetime(2026, 9, 14, 9, 0) and reply.late()
    assert "逾期" in reply.text()
    saved = Record.get_by_id(record.id)
    # 7 working days from Saturday 09-12: 14..18, Sunday 09-20 (a make-up day), 21
    assert (saved.next_due, saved.due_label) == (date(2026, 9, 21), "受理期限")

    on_time = complaint(datetime(2026, 9, 13, 10, 39))  # Sunday; the 受理回执 handed over at the desk
    notices.record_notice(on_time.id, "答复", method="受理回执", at=datetime(2026, 9, 13, 10, 45))
    assert not owed(on_time.id)["reply"].late()


def test_a_decision_within_the_day_is_the_reply(station_db):
    record = complaint(datetime(2026, 9, 14, 9, 0))
    intake.decide(record.id, "受理", at=datetime(2026, 9, 14, 15, 0))
    reply = owed(record.id)["reply"]
    assert reply.done_at == datetime(2026, 9, 14, 15, 0) and not reply.late()


def test_the_rejection_notice_is_owed_three_working_days_after_the_decision(station_db):
    record = complaint(datetime(2026, 9, 22, 9, 0))
    intake.decide(
        record.id, "不予受理", ground=mediation_ground("rejection"), at=datetime(2026, 9, 24, 16, 0)
    )
    # Thursday 09-24; Mid-Autumn 09-25..27: 28, 29, 30
    saved = Record.get_by_id(record.id)
    assert (saved.next_due, saved.due_label) == (date(2026, 9, 30), "不予受理告知")
    notices.record_notice(record.id, "不予受理告知", method="短信", at=datetime(2026, 9, 29, 10, 0))
    notice = owed(record.id)["rejection_notice"]
    assert notice.done_at is not None and not notice.late()
    assert Record.get_by_id(record.id).next_due is None  # nothing more is owed


def test_a_decision_before_notices_were_recorded_owes_none(station_db):
    Setting.update(value="2026-10-01").where(Setting.key == NOTICES_SINCE_KEY).execute()
    record = complaint(datetime(2026, 9, 22, 9, 0))
    intake.decide(
        record.id, "不予受理", ground=mediation_ground("rejection"), at=datetime(2026, 9, 24, 16, 0)
    )
    assert "rejection_notice" not in owed(record.id)


def mediation_ground(list_name: str) -> str:
    from weiquan_desktop.services import views

    return views.grounds(list_name)[0]


def test_the_termination_notice_seven_working_days_across_national_day(station_db):
    record = complaint(datetime(2026, 9, 14, 9, 0))
    intake.decide(record.id, "受理", at=datetime(2026, 9, 14, 10, 0))
    mediation.terminate(record.id, mediation_ground("termination"), at=datetime(2026, 9, 24, 17, 0))
    # 28, 29, 30, 10-08, 09, 10 (Saturday, a make-up day), 12
    notice = owed(record.id)["termination_notice"]
    assert notice.due == date(2026, 10, 12) and notice.open
    saved = Record.get_by_id(record.id)
    assert (saved.next_due, saved.due_label) == (date(2026, 10, 12), "终止调解告知")
    notices.record_notice(record.id, "终止调解告知", method="信函", at=datetime(2026, 10, 13, 9, 0))
    assert owed(record.id)["termination_notice"].late()


def test_a_pause_across_the_holidays_moves_the_mediation_limit_by_its_days(station_db):
    record = complaint(datetime(2026, 9, 21, 9, 0))
    intake.decide(record.id, "受理", at=datetime(2026, 9, 21, 9, 30))
    assert owed(record.id)["mediation"].due == date(2026, 11, 20)  # 60 days
    mediation.pause_clock(record.id, date(2026, 9, 25), "送检测")
    mediation.resume_clock(record.id, date(2026, 10, 7))
    # 13 days tested (09-25..10-07) not counted: 2026-12-03
    assert owed(record.id)["mediation"].due == date(2026, 12, 3)
    assert Record.get_by_id(record.id).next_due == date(2026, 12, 3)


def test_a_paused_clock_says_so_moves_on_each_day_and_the_ledger_agrees(station_db, tmp_path):
    today = date.today()
    accepted = datetime.combine(today - timedelta(days=20), datetime.min.time()).replace(hour=9)
    record = complaint(accepted - timedelta(hours=1))
    intake.decide(record.id, "受理", at=accepted)
    mediation.pause_clock(record.id, today - timedelta(days=15), "送鉴定")
    saved = Record.get_by_id(record.id)
    assert saved.due_label == "调解期限（暂停）"
    projected = saved.next_due
    # as if last counted on an earlier day: the stored date is short, and a new day recounts it. The
    # nearest such day: a limit ending on a weekend or holiday moves to the next working day, so on some
    # days yesterday's count is today's date too (on 2026-12-01 both came to Monday 2027-01-18)
    for back in range(1, 15):
        counted = today - timedelta(days=back)
        duty = duties.case_duties(
            saved,
            duties.facts_for([saved.id])[saved.id],
            deadlines.RuleBook(),
            today=counted,
            since=duties.notices_since(),
        )
        stale = next(d for d in duty if d.code == "mediation").due
        if stale < projected:
            break
    assert stale < projected
    Record.update(next_due=stale).where(Record.id == record.id).execute()
    Setting.insert(key=deadlines.DAY_KEY, value=counted.isoformat()).on_conflict(
        conflict_target=[Setting.key], preserve=[Setting.value]
    ).execute()
    assert deadlines.refresh_for_new_day(today) == 1
    assert Record.get_by_id(record.id).next_due == projected
    assert deadlines.refresh_for_new_day(today) == 0  # once a day
    # not overdue while paused, and the register and the ledger show the same date
    assert register.due_summary(today).overdue == 0
    row = next(values for values, _est in exchange.ledger_rows(masked=True) if values[0] == saved.case_no)
    assert row[32] == projected
    view_text = duties.for_record(Record.get_by_id(record.id))
    assert any("计时暂停（送鉴定）" in d.text() for d in view_text)


def test_referral_feedback_counts_in_working_days_and_in_the_due_counts(station_db):
    record = complaint(datetime(2026, 9, 14, 9, 0))
    intake.decide(record.id, "受理", at=datetime(2026, 9, 14, 10, 0))
    mediation.terminate(record.id, mediation_ground("termination"), at=datetime(2026, 9, 18, 17, 0))
    notices.record_notice(record.id, "终止调解告知", method="电话", at=datetime(2026, 9, 18, 17, 30))
    materials = [mediation.Material("投诉登记表", 1, 1)]
    referral = mediation.refer(
        record.id, "和解不成", body_name="东胜区12315", materials=materials, at=datetime(2026, 9, 20, 10, 0)
    )
    # referred on Sunday 09-20 (a make-up working day): 15 working days on is 10-16, not 10-05 in the holiday
    assert referral.feedback_due == date(2026, 10, 16)
    saved = Record.get_by_id(record.id)
    assert (saved.next_due, saved.due_label) == (date(2026, 10, 16), "移交反馈期限")
    assert register.due_summary(date(2026, 10, 19)).overdue >= 1
    mediation.record_referral_feedback(referral.id, "已立案。", at=datetime(2026, 10, 20, 9, 0))
    assert owed(record.id)["referral_feedback"].late()
    assert Record.get_by_id(record.id).next_due is None


def test_a_referral_on_the_eve_of_national_day(station_db):
    assert mediation.referral_feedback_due(date(2026, 9, 30)) == date(2026, 10, 27)


def test_cases_passed_down_by_the_bureau_owe_feedback_by_its_own_date(station_db):
    bureau = complaint(
        datetime(2026, 10, 12, 9, 0),
        source="上级交办",
        external_no="SJ-2026-001",
        external_due=date(2026, 10, 20),
    )
    assert owed(bureau.id)["transfer_feedback"].due == date(2026, 10, 20)
    center = complaint(datetime(2026, 10, 12, 9, 0), source="12315转办", external_no="ODR-1")
    assert owed(center.id)["transfer_feedback"].due == date(2026, 10, 26)  # 10 working days
    intake.decide(bureau.id, "受理", at=datetime(2026, 10, 12, 10, 0))
    mediation.transfer_feedback(
        bureau.id, process="调解", method="电话", result="已和解", handled_at=datetime(2026, 10, 21, 9, 0)
    )
    assert owed(bureau.id)["transfer_feedback"].late()
    with pytest.raises(Exception, match="反馈期限"):
        complaint(
            datetime(2026, 10, 12, 9, 0),
            source="上级交办",
            external_no="SJ-2",
            external_due=date(2026, 10, 1),
        )


def test_a_group_complaint_is_reported_the_same_day(station_db):
    record = complaint(datetime(2026, 10, 10, 9, 0), is_group=True, group_size=12)  # a Saturday make-up day
    saved = Record.get_by_id(record.id)
    assert (saved.next_due, saved.due_label) == (date(2026, 10, 10), "报告期限")
    notices.report_major(
        record.id,
        is_group=True,
        is_major=False,
        reported_to="东胜区市场监督管理局",
        reported_at=datetime(2026, 10, 10, 11, 0),
        group_size=12,
    )
    report = owed(record.id)["major_report"]
    assert report.done_at == datetime(2026, 10, 10, 11, 0) and not report.late()


def test_a_complaint_against_the_host_itself_warns_the_mediator(station_db):
    from weiquan_desktop.services import views

    own = complaint(datetime(2026, 10, 12, 9, 0), respondent_name="万象汇购物中心物业服务中心")
    intake.decide(own.id, "受理", at=datetime(2026, 10, 12, 10, 0))
    warning = views.mediation_view(own.id).conflict
    assert warning and "利害关系" in warning and "移交" in warning
    tenant = complaint(datetime(2026, 10, 12, 9, 0))
    assert views.mediation_view(tenant.id).conflict is None


def test_progress_calls_and_site_checks_are_recorded_with_who_when_how_and_what(station_db):
    from weiquan_desktop.services import casefile

    record = complaint(datetime(2026, 10, 12, 9, 0))
    notices.record_notice(
        record.id,
        "进展告知",
        method="电话",
        at=datetime(2026, 10, 13, 9, 0),
        party="投诉人",
        content="检测报告预计下周出",
    )
    notices.record_notice(
        record.id,
        "现场核查",
        method="现场",
        at=datetime(2026, 10, 13, 15, 0),
        party="麦当劳店长",
        content="查看后厨与留样",
    )
    events = [(e.action, e.detail) for e in casefile.events(record.id)]
    assert ("进展告知", "方式：电话；对象：投诉人；内容：检测报告预计下周出") in events
    assert any(action == "现场核查" and "查看后厨与留样" in detail for action, detail in events)
    assert owed(record.id)["reply"].done_at == datetime(2026, 10, 13, 9, 0)  # the first contact is the reply
