"""The roster, the coordinator filing, activities, deletion and anonymisation."""

from datetime import date, datetime

import pytest
from helpers import pdf_page_size, pdf_text

from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models.schema import AuditLog, CoordinatorFiling, Record, Staff
from weiquan_desktop.services import activities, auth, retention, staff, statistics


def test_coordinator_needs_high_school_and_a_change_is_filed(demo_db):
    with pytest.raises(ValidationError, match="高中以上"):
        staff.save_staff(staff.StaffInput("赵丽颖", "协调员/联络员", "13912345678", "初中及以下"))
    previous = staff.coordinator()
    new, filing = staff.save_staff(
        staff.StaffInput("赵丽颖", "协调员/联络员", "13912345678", "大专"), reason="调岗"
    )
    assert staff.coordinator().id == new.id
    assert Staff.get_by_id(previous.id).role == "工作人员/和解员"
    assert (filing.previous_id, filing.successor_id) == (previous.id, new.id)
    assert CoordinatorFiling.select().count() == 1
    _same, again = staff.save_staff(
        staff.StaffInput("赵丽颖", "协调员/联络员", "13912345679", "大专"), staff_id=new.id
    )
    assert again is None  # an edit of the same coordinator is no change of coordinator


def test_only_a_head_manages_staff(demo_db):
    boss = auth.create_account("王建国", "站长", "wang", "Weiquan#2026")
    clerk = auth.create_account("刘子涵", "工作人员/和解员", "liu", "Liu#station1", actor=boss)
    with pytest.raises(UserError, match="管理工作人员"):
        staff.save_staff(staff.StaffInput("新人", "工作人员/和解员"), actor=clerk)
    staff.save_staff(staff.StaffInput("新人", "工作人员/和解员"), actor=boss)
    with pytest.raises(UserError, match="不能停用自己"):
        staff.deactivate(boss.id, actor=boss)


def test_activities_are_counted_in_the_evaluation(demo_db):
    people = staff.roster()[:2]
    activities.save_activity(
        date(2026, 3, 15), "3·15活动", "一楼中庭", 300, "宣传册500份", "现场咨询", [p.id for p in people]
    )
    with pytest.raises(ValidationError, match="工作人员"):
        activities.save_activity(date(2026, 3, 16), "讲座", "", 10, "", "", [])
    scores = {s.name: s.activities for s in statistics.staff_evaluation(statistics.parse_period("2026Q1"))}
    assert all(scores[p.name] >= 1 for p in people)


def test_soft_delete_needs_a_reason_and_leaves_the_statistics(demo_db):
    record = (
        Record.select()
        .where(
            Record.kind == "投诉",
            Record.received_at >= datetime(2026, 7, 1),
            Record.received_at < datetime(2026, 10, 1),
        )
        .first()
    )
    before = statistics.report("2026Q3")["received"]["投诉"]
    with pytest.raises(ValidationError, match="删除原因"):
        retention.soft_delete(record.id, " ")
    retention.soft_delete(record.id, "重复登记")
    assert statistics.report("2026Q3")["received"]["投诉"] == before - 1
    assert Record.get_by_id(record.id).delete_reason == "重复登记"


def test_anonymisation_keeps_report_figures_identical(demo_db):
    periods = ["2025Q1", "2025H1", "2025"]
    before = [statistics.report(p, today=date(2026, 11, 28)) for p in periods]
    plan = retention.preview(1, now=datetime(2026, 11, 28))
    assert plan.count > 0
    changed = retention.anonymise(1, now=datetime(2026, 11, 28))
    assert changed == plan.count
    after = [statistics.report(p, today=date(2026, 11, 28)) for p in periods]
    assert after == before
    cleared = Record.select().where(Record.anonymised_at.is_null(False))
    assert cleared.count() == changed
    assert all(r.complainant_name is None and r.phone is None and r.id_number is None for r in cleared)
    assert retention.preview(1, now=datetime(2026, 11, 28)).count == 0
    assert AuditLog.select().where(AuditLog.action == "retention.anonymise").count() == 1


def test_notice_board_and_filing_form(demo_db, tmp_path):

    from weiquan_desktop.services import printing

    new, filing = staff.save_staff(
        staff.StaffInput("赵丽颖", "协调员/联络员", "13912345678", "大专"), reason="调岗"
    )
    for size in ("A4", "A3"):
        board = printing.notice_board(tmp_path / f"公示栏-{size}.pdf", size=size)
        text = pdf_text(board)
        assert (
            "公" in text and "示" in text and "赵丽颖" in text and "13912345678" in text and "12315" in text
        )
        assert pdf_page_size(board) == ((842, 1191) if size == "A3" else (595, 842))  # points, portrait
    form = printing.coordinator_filing(filing.id, tmp_path / "备案表.pdf")
    text = pdf_text(form).replace("\n", "")
    assert "协调员变更备案表" in text and "赵丽颖" in text and "大专" in text


def test_wuyou_checklist(demo_db):
    from weiquan_desktop.services import station

    items = station.wuyou()
    assert list(items) == ["专门的办公地点", "专职的联络员", "统一的牌匾", "规范的工作制度", "完整的受理记录"]
    items["统一的牌匾"] = {"ok": True, "note": "2026-03 更换新牌匾"}
    station.save_wuyou(items)  # a station without accounts yet
    assert station.wuyou()["统一的牌匾"] == {"ok": True, "note": "2026-03 更换新牌匾"}
    assert AuditLog.select().where(AuditLog.action == "station.wuyou").count() == 1


def test_station_pages_through_the_widgets(qtbot, app, demo_db, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from weiquan_desktop.ui.activity_page import ActivityDialog, ActivityPage
    from weiquan_desktop.ui.audit_dialog import AuditDialog
    from weiquan_desktop.ui.settings.retention import RetentionPage
    from weiquan_desktop.ui.settings.staff import RosterPage
    from weiquan_desktop.ui.settings.wuyou import WuyouPage

    roster = RosterPage()
    qtbot.addWidget(roster)
    roster._new()
    roster.name.setText("赵丽颖")
    roster.role.setCurrentText("协调员/联络员")
    roster.phone.setText("13912345678")
    roster.education.setCurrentText("初中及以下")
    roster.save()
    assert "高中以上" in roster.status.text()
    roster.education.setCurrentText("大专")
    roster.save()
    assert "备案" in roster.status.text() and roster.filing_button.isEnabled()
    assert "赵丽颖" in [roster.table.item(r, 0).text() for r in range(roster.table.rowCount())]

    wuyou = WuyouPage()
    qtbot.addWidget(wuyou)
    wuyou.boxes["统一的牌匾"][0].setChecked(True)
    wuyou.save()
    assert "1 项" in wuyou.status.text()

    page = ActivityPage()
    qtbot.addWidget(page)
    before = page.table.rowCount()
    dialog = ActivityDialog()
    qtbot.addWidget(dialog)
    dialog.place.setText("一楼中庭")
    dialog.accept()
    assert "工作人员" in dialog.error.text()
    dialog.staff.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    page.reload()
    assert page.table.rowCount() == before + 1

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    retention_page = RetentionPage()
    qtbot.addWidget(retention_page)
    retention_page.years.setValue(1)
    retention_page.run()
    assert "已完成" in retention_page.result.text()

    audit_dialog = AuditDialog(None)
    qtbot.addWidget(audit_dialog)
    assert audit_dialog.table.rowCount() > 0 and audit_dialog.verify()


def test_bodies_and_preferences(qtbot, app, demo_db):
    from weiquan_desktop.services import station
    from weiquan_desktop.ui.settings.bodies import BodiesPage
    from weiquan_desktop.ui.settings.preferences import PreferencesPage

    page = BodiesPage()
    qtbot.addWidget(page)
    row = next(i for i, b in enumerate(page.rows) if b.kind == "12315")
    page.table.setCurrentCell(row, 0)
    page.contact.setText("李科长")
    page.phone.setText("12345")
    page.save()
    assert station.body_for("12315").contact == "李科长"
    page.phone.setText("abc")
    page.save()
    assert "电话" in page.status.text()
    prefs = PreferencesPage()
    qtbot.addWidget(prefs)
    prefs.spins["idle_lock_minutes"].setValue(30)
    prefs.save()
    assert station.setting("idle_lock_minutes") == "30"
    assert AuditLog.select().where(AuditLog.action == "settings.change").count() == 1
