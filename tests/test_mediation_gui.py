"""Mediation through the real widgets: to a settlement with its agreement, and to a referral with feedback."""

from datetime import datetime, timedelta

import pytest
from helpers import type_text
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from weiquan_desktop.models.schema import Attachment, MediationSession, Record, Referral
from weiquan_desktop.services import intake


@pytest.fixture
def quiet(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    # a yes to every confirmation (终止调解？): only the answer is faked, what follows it runs
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: shown.append(a[2]) or QMessageBox.StandardButton.Yes
    )
    return shown


def _register_through_the_dialog(qtbot, window):
    dialog = window.new_record()
    w = dialog.w
    w["received_at"].setDateTime(QDateTime(datetime.now() - timedelta(days=2)))
    type_text(qtbot, w["complainant_name"], "孙喆")
    type_text(qtbot, w["phone"], "13612345678")
    type_text(qtbot, w["respondent_name"], "小米之家")
    w["category"].setCurrentText("家用电子电器类")
    w["nature"].setCurrentText("质量")
    type_text(qtbot, w["item"], "扫地机器人")
    type_text(qtbot, w["amount"], "1999")
    type_text(qtbot, w["facts"], "使用一周后无法充电。")
    dialog._demand_boxes["换货"].setChecked(True)
    record = dialog.submit(keep_open=False)
    assert record is not None, dialog.errors_label.text()
    return record


def test_complaint_to_settlement_and_agreement(qtbot, app, demo_db, data_dir, tmp_path, monkeypatch, quiet):
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    record = _register_through_the_dialog(qtbot, window)
    detail = window.open_record(record.id)
    qtbot.mouseClick(detail.buttons["accept"], Qt.MouseButton.LeftButton)
    assert detail.view.state == "调解中" and detail.buttons["mediate"].isVisible()

    dialog = detail.mediate()
    for held, notes in (
        (datetime.now(), "双方各自陈述，约定检测后再谈"),
        (datetime.now(), "商家同意换新并赔偿"),
    ):
        dialog.f["held_at"].setDateTime(QDateTime(held.replace(second=0, microsecond=0)))
        type_text(qtbot, dialog.f["notes"], notes)
        qtbot.mouseClick(dialog.b["addSession"], Qt.MouseButton.LeftButton)
        assert dialog.errors.text() == ""
    assert dialog.sessions.rowCount() == 2
    assert MediationSession.select().where(MediationSession.record == record.id).count() == 2

    dialog.terms.cellWidget(0, 0).setCurrentText("换货")
    dialog.terms.item(0, 1).setText("乙方为甲方更换同型号新机一台")
    dialog.terms.item(0, 2).setText("1999")
    row = dialog.add_term("赔偿", "乙方赔偿甲方交通费", "50")
    assert row == 1
    assert dialog.f["recovered"].text() == "2049.00"
    qtbot.mouseClick(dialog.b["settle"], Qt.MouseButton.LeftButton)
    saved = Record.get_by_id(record.id)
    assert saved.state == "已和解" and str(saved.recovered_amount) == "2049.00", dialog.errors.text()
    assert quiet and "已和解" in quiet[-1]
    assert not dialog.b["settle"].isEnabled()
    dialog.close()

    detail.reload()
    titles = [a.text() for a in detail.print_menu.actions()]
    assert "和解协议书" in titles and "调解笔录" in titles
    next(a for a in detail.print_menu.actions() if a.text() == "和解协议书").trigger()
    preview = detail.preview  # the real print preview, painting offscreen
    qtbot.waitUntil(lambda: preview.pages_painted > 0, timeout=10_000)
    preview.reject()  # looked at, not printed: nothing is recorded or kept
    assert (
        not Attachment.select().where(Attachment.record == record.id, Attachment.purpose == "文书").exists()
    )
    target = tmp_path / "和解协议书.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    save_menu = next(a.menu() for a in detail.print_menu.actions() if a.menu() is not None)
    next(a for a in save_menu.actions() if a.text() == "和解协议书").trigger()
    assert target.read_bytes().startswith(b"%PDF")
    files = [detail.files.item(r, 0).text() for r in range(detail.files.rowCount())]
    assert "和解协议书.pdf" in files
    # the saved copy is kept with the case, once however often it is saved
    next(a for a in save_menu.actions() if a.text() == "和解协议书").trigger()
    kept = Attachment.select().where(Attachment.record == record.id, Attachment.purpose == "文书")
    assert kept.count() == 1
    history = [detail.history.item(r, 2).text() for r in range(detail.history.rowCount())]
    assert history == ["登记", "受理", "第1次调解", "第2次调解", "和解"]
    detail.close()


def test_failed_mediation_to_referral_and_feedback(qtbot, app, demo_db, data_dir, monkeypatch, quiet):
    from weiquan_desktop.ui.main_window import MainWindow
    from weiquan_desktop.ui.mediation_dialog import ReferralDialog

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    record = _register_through_the_dialog(qtbot, window)
    intake.decide(record.id, "受理")
    detail = window.open_record(record.id)
    dialog = detail.mediate()
    dialog.outcomes.setCurrentIndex(1)
    qtbot.mouseClick(dialog.b["terminate"], Qt.MouseButton.LeftButton)  # no ground chosen yet
    assert "请选择" in dialog.errors.text() and Record.get_by_id(record.id).state == "调解中"
    dialog.f["ground"].setCurrentText("经组织调解，投诉人或者被投诉人明确表示无法达成和解协议")
    assert dialog.f["party"].isEnabled()
    qtbot.mouseClick(dialog.b["terminate"], Qt.MouseButton.LeftButton)
    assert "哪一方" in dialog.errors.text()
    dialog.f["party"].setCurrentText("被投诉人")
    qtbot.mouseClick(dialog.b["terminate"], Qt.MouseButton.LeftButton)
    assert Record.get_by_id(record.id).state == "调解终止"
    assert Record.get_by_id(record.id).termination_party == "被投诉人"
    assert any("终止调解" in text for text in quiet) and any(
        "移交" in text for text in quiet
    )  # asked, then offered
    referral = dialog.referral  # the referral opened over the mediation, as the clerk said yes
    assert isinstance(referral, ReferralDialog) and referral.isVisible()
    referral.add_material("购物小票复印件", "1", "1")
    referral.materials.item(2, 2).setText("两页")
    referral.accept()
    assert "整数" in referral.error.text() and Record.get_by_id(record.id).state == "调解终止"
    referral.materials.item(2, 2).setText("2")
    referral.accept()
    assert Record.get_by_id(record.id).state == "已移交"
    dialog.close()
    detail.reload()
    assert detail.buttons["referralFeedback"].isVisible()
    assert "消费纠纷移交单" in [a.text() for a in detail.print_menu.actions()]

    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("已立案，责令商家退款。", True))
    qtbot.mouseClick(detail.buttons["referralFeedback"], Qt.MouseButton.LeftButton)
    saved = Referral.get(Referral.record == record.id)
    assert saved.feedback == "已立案，责令商家退款。" and saved.feedback_at is not None
    assert not detail.buttons["referralFeedback"].isVisible()
    detail.close()


def test_on_the_spot_settlement_and_follow_up_lists(qtbot, app, demo_db, data_dir, quiet):
    from PySide6.QtWidgets import QApplication

    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    dialog = window.new_record()
    type_text(qtbot, dialog.w["complainant_name"], "周堃")
    type_text(qtbot, dialog.w["phone"], "13512345678")
    type_text(qtbot, dialog.w["respondent_name"], "喜茶")
    dialog.w["category"].setCurrentText("烟、酒和饮料类")
    dialog.w["nature"].setCurrentText("质量")
    type_text(qtbot, dialog.w["facts"], "奶茶中有异物。")
    dialog._demand_boxes["退款"].setChecked(True)
    qtbot.mouseClick(dialog.on_the_spot, Qt.MouseButton.LeftButton)
    mediation_dialog = next(
        w for w in QApplication.topLevelWidgets() if w.objectName() == "MediationDialog" and w.isVisible()
    )
    record = Record.get_by_id(mediation_dialog.record_id)
    assert (record.state, record.complainant_name) == ("调解中", "周堃")
    mediation_dialog.terms.item(0, 1).setText("乙方当场退还甲方货款")
    mediation_dialog.terms.item(0, 2).setText("19")
    qtbot.mouseClick(mediation_dialog.b["settle"], Qt.MouseButton.LeftButton)
    assert Record.get_by_id(record.id).state == "已和解"
    mediation_dialog.close()

    window.followup.reload()
    page = window.followup
    assert page.visits.rowCount() > 0 and page.referrals.rowCount() > 0
    assert record.case_no in [page.visits.item(r, 0).text() for r in range(page.visits.rowCount())]
    with qtbot.waitSignal(page.open_record) as opened:
        page.visits.cellDoubleClicked.emit(0, 0)
    assert opened.args[0] == Record.get(Record.case_no == page.visits.item(0, 0).text()).id
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "CaseDetailDialog":
            widget.close()
