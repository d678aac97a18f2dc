from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt

from weiquan_desktop.models.schema import AuditLog, Record
from weiquan_desktop.services import calendar_rules, demo, intake, notices, station

FIXTURES = Path(__file__).parent / "fixtures" / "holiday-notices"


def _pending_complaint():
    """Taken and answered within the hour: the acceptance decision is the clock that runs."""
    station.save_profile(demo.DEMO_PROFILE)
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            received_at=datetime(2026, 3, 6, 10, 0),
            complainant_name="张三",
            phone="13812345678",
            respondent_name="麦当劳",
            category="食品类",
            nature="质量",
            facts="异物",
            demands=["退款"],
        )
    )
    notices.record_notice(record.id, "答复", method="当面", at=datetime(2026, 3, 6, 10, 30))
    return Record.get_by_id(record.id)


def test_a_local_holiday_moves_open_deadlines_at_once(db):
    record = _pending_complaint()
    assert record.next_due == date(2026, 3, 17)
    moved = calendar_rules.set_day(date(2026, 3, 10), workday=False, name="本地节日")
    assert moved == 1
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 18)
    assert AuditLog.select().where(AuditLog.action == "calendar.set").count() == 1
    calendar_rules.remove_day(date(2026, 3, 10))
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 17)


def test_next_years_notice_ends_the_estimate_a_single_day_does_not(db):
    station.save_profile(demo.DEMO_PROFILE)
    record = intake.register(
        intake.IntakeForm(
            kind="咨询",
            source="电话",
            facts="问题",
            reply_due=datetime(2027, 1, 5, 10, 0),
            received_at=datetime(2026, 11, 27, 9, 0),
        )
    )
    assert Record.get_by_id(record.id).due_estimated
    calendar_rules.set_day(date(2027, 1, 1), workday=False, name="元旦")
    assert Record.get_by_id(record.id).due_estimated  # one day typed in is not the year's arrangement
    calendar_rules.import_notice((FIXTURES / "2027-test.txt").read_text(encoding="utf-8"))
    assert not Record.get_by_id(record.id).due_estimated


def test_an_edited_rule_applies_from_its_date(db):
    record = _pending_complaint()
    calendar_rules.save_rule("decision", date(2026, 1, 1), 5, "working_days", "作出受理决定（本站规定）")
    assert Record.get_by_id(record.id).next_due == date(2026, 3, 13)
    assert any(r.code == "decision" and r.effective_from == date(2026, 1, 1) for r in calendar_rules.rules())


def test_settings_pages_edit_the_calendar_and_rules(qtbot, app, db):
    from PySide6.QtCore import QDate

    from weiquan_desktop.ui.settings.calendar import HolidayPage
    from weiquan_desktop.ui.settings.rules import RulesPage

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


def test_the_notice_dialog_reads_a_file_from_the_stick_checks_and_imports(
    qtbot, app, db, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    from weiquan_desktop.models.schema import Holiday
    from weiquan_desktop.ui.settings.calendar import HolidayPage

    record = _pending_complaint()
    intake.decide(record.id, "受理", at=datetime(2026, 11, 30, 10, 0))
    stick = tmp_path / "通知.txt"
    stick.write_text(
        (FIXTURES / "2027-test.txt").read_text(encoding="utf-8").replace("共8天", "共9天"), encoding="utf-8"
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(stick), ""))  # only the answer
    page = HolidayPage()
    qtbot.addWidget(page)
    dialog = page.import_notice()
    qtbot.mouseClick(dialog.open_file, Qt.MouseButton.LeftButton)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert "共9天" in dialog.result.text() and not ok.isEnabled()  # refused, with the reason
    assert Holiday.select().count() == 0
    dialog.text.setPlainText(dialog.text.toPlainText().replace("共9天", "共8天"))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert ok.isEnabled() and "放假 28 天" in dialog.result.text()
    assert record.case_no in dialog.result.text()  # the case whose deadline moves is named
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and "已导入2027年放假安排" in page.status.text()
    assert page.table.rowCount() == Holiday.select().count() == 32
