from datetime import date, datetime

from weiquan_desktop.models.schema import AuditLog, Record
from weiquan_desktop.services import calendar_rules, demo, intake, station


def _pending_complaint():
    station.save_profile(demo.DEMO_PROFILE)
    return intake.register(intake.IntakeForm(
        kind="投诉", source="来访", received_at=datetime(2026, 3, 6, 10, 0), complainant_name="张三",
        phone="13812345678", respondent_name="麦当劳", category="食品类", nature="质量", facts="异物",
        demands=["退款"]))


def test_a_local_holiday_moves_open_deadlines_at_once(db):
    record = _pending_complaint()
    assert record.next_due == date(2026, 3, 17)
    moved = calendar_rules.set_day(date(2026, 3, 10), workday=False, name="本地节日")
    assert moved == 1
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 18)
    assert AuditLog.select().where(AuditLog.action == "calendar.set").count() == 1
    calendar_rules.remove_day(date(2026, 3, 10))
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 17)


def test_next_years_calendar_entered_by_the_station_ends_the_estimate(db):
    station.save_profile(demo.DEMO_PROFILE)
    record = intake.register(intake.IntakeForm(kind="咨询", source="电话", facts="问题",
                                               reply_due=datetime(2027, 1, 5, 10, 0),
                                               received_at=datetime(2026, 11, 27, 9, 0)))
    assert Record.get_by_id(record.id).due_estimated
    calendar_rules.set_day(date(2027, 1, 1), workday=False, name="元旦")
    assert not Record.get_by_id(record.id).due_estimated


def test_an_edited_rule_applies_from_its_date(db):
    record = _pending_complaint()
    calendar_rules.save_rule("decision", date(2026, 1, 1), 5, "working_days", "作出受理决定（本站规定）")
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 13)
    assert any(r.code == "decision" and r.effective_from == date(2026, 1, 1) for r in calendar_rules.rules())


def test_settings_pages_edit_the_calendar_and_rules(qtbot, app, db):
    from PySide6.QtCore import QDate

    from weiquan_desktop.ui.rules_pages import HolidayPage, RulesPage

    record = _pending_complaint()
    page = HolidayPage()
    qtbot.addWidget(page)
    page.day.setDate(QDate(2026, 3, 10))
    page.name.setText("本地节日")
    page.add_button.click()
    assert page.table.rowCount() == 1 and page.table.item(0, 2).text() == "放假"
    assert "1 件" in page.status.text()
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 18)

    rules = RulesPage()
    qtbot.addWidget(rules)
    row = next(i for i, r in enumerate(rules.rows) if r.code == "decision")
    rules.table.setCurrentCell(row, 0)
    rules.amount.setValue(3)
    rules.save_button.click()
    assert any(r.code == "decision" and r.amount == 3 for r in calendar_rules.rules())
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 12)
