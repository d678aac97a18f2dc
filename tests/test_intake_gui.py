"""The front desk's main flow with the keyboard: register a complaint, find it, open it."""

from helpers import type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from weiquan_desktop.models.schema import Draft, Record
from weiquan_desktop.services import intake


def _press(qtbot, widget, key, times=1):
    for _ in range(times):
        qtbot.keyClick(widget, key)


def test_type_a_complaint_save_find_and_open_it(qtbot, app, demo_db, data_dir):
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    before = Record.select().count()
    dialog = window.new_record()
    w = dialog.w
    qtbot.waitUntil(lambda: w["source"].hasFocus())  # the cursor starts where the clerk starts
    # source: 来访 is the default; Enter moves on field by field like a paper form
    qtbot.keyClick(w["source"], Qt.Key.Key_Return)
    w["complainant_name"].setFocus()
    type_text(qtbot, w["complainant_name"], "赵晓东")
    qtbot.keyClick(w["complainant_name"], Qt.Key.Key_Return)
    assert w["phone"].hasFocus()
    type_text(qtbot, w["phone"], "13912345678")
    w["id_number"].setFocus()
    type_text(qtbot, w["id_number"], "11010519491231002X")
    w["respondent_name"].setFocus()
    type_text(qtbot, w["respondent_name"], "麦当劳")
    w["category"].setFocus()
    _press(qtbot, w["category"], Qt.Key.Key_Down, 4)
    assert w["category"].currentText() == "食品类"
    w["item"].setFocus()
    type_text(qtbot, w["item"], "儿童套餐")
    w["nature"].setFocus()
    _press(qtbot, w["nature"], Qt.Key.Key_Down, 3)
    assert w["nature"].currentText() == "质量"
    w["amount"].setFocus()
    type_text(qtbot, w["amount"], "45.5")
    w["facts"].setFocus()
    type_text(qtbot, w["facts"], "套餐里的汉堡有异物，要求退款。")
    qtbot.keyClick(w["facts"], Qt.Key.Key_Tab)  # Tab leaves the text box for the demands
    first_demand = QApplication.focusWidget()
    assert first_demand.text() == "退货"
    qtbot.keyClick(first_demand, Qt.Key.Key_Tab)
    qtbot.keyClick(first_demand, Qt.Key.Key_Tab)
    qtbot.keyClick(first_demand, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert QApplication.focusWidget().text() == "退款" and QApplication.focusWidget().isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    assert Record.select().count() == before + 1
    saved = Record.get(Record.phone == "13912345678")
    assert (saved.kind, saved.state, saved.respondent_name, saved.demands) == ("投诉", "待受理", "麦当劳", "退款")
    assert str(saved.amount) == "45.50"
    assert Draft.select().count() == 0

    view = window.register_view
    view.search.setFocus()
    type_text(qtbot, view.search, "mdl")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.model.query.search == "mdl")
    found = {view.model.index(r, 0).data() for r in range(view.model.rowCount())}
    assert saved.case_no in found
    assert all(view.model.index(r, 5).data() == "麦当劳" for r in range(view.model.rowCount()))

    view.search.clear()
    type_text(qtbot, view.search, "13912345678")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.index(0, 0).data() == saved.case_no
    assert view.model.index(0, 4).data() == "赵**"  # masked by default
    assert view.model.index(0, 9).data().startswith("受理期限")

    view.table.setFocus()
    view.table.selectRow(0)
    with qtbot.waitSignal(view.open_record) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter opens the selected case
    assert opened.args == [saved.id]
    detail = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "CaseDetailDialog" and w.isVisible())
    assert saved.case_no in detail.heading.text()
    html = detail.details.toPlainText()
    assert "儿童套餐" in html and "139****5678" in html and "13912345678" not in html
    detail.reveal.setChecked(True)
    assert "13912345678" in detail.details.toPlainText()
    assert detail.history.rowCount() == 1 and detail.history.item(0, 2).text() == "登记"
    # accept it from the detail view: the deadline changes to the mediation limit
    qtbot.mouseClick(detail.buttons["accept"], Qt.MouseButton.LeftButton)
    assert Record.get_by_id(saved.id).state == "调解中"
    assert detail.history.rowCount() == 2
    detail.close()


def test_bad_input_is_shown_inline_and_nothing_is_saved(qtbot, app, demo_db, monkeypatch):
    from weiquan_desktop.ui.intake_dialog import IntakeDialog

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)

    dialog = IntakeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    before = Record.select().count()
    type_text(qtbot, dialog.w["phone"], "1391234")
    type_text(qtbot, dialog.w["id_number"], "110105194912310021")
    type_text(qtbot, dialog.w["purchase_date"], "2026-13-01")
    assert dialog.submit(keep_open=False) is None
    text = dialog.errors_label.text()
    assert "联系电话" in text and "校验位不对" in text and "购买日期" in text and "消费者姓名" in text
    assert "border" in dialog.w["phone"].styleSheet()
    assert Record.select().count() == before
    # fixing a field clears its mark as you type
    dialog.w["phone"].clear()
    type_text(qtbot, dialog.w["phone"], "13912345678")
    assert "联系电话" not in dialog.errors_label.text()
    assert dialog.w["phone"].styleSheet() == ""
    dialog.reject()  # cancelling typed work asks first, then drops the draft
    assert asked and "尚未保存" in asked[0]
    assert Draft.select().count() == 0


def test_draft_comes_back_after_a_crash(qtbot, app, demo_db, monkeypatch):
    from weiquan_desktop.ui.intake_dialog import IntakeDialog

    first = IntakeDialog()
    qtbot.addWidget(first)
    first.show()
    type_text(qtbot, first.w["complainant_name"], "钱多多")
    type_text(qtbot, first.w["facts"], "预付卡余额无法使用。")
    qtbot.waitUntil(lambda: Draft.select().count() == 1, timeout=5000)
    assert "草稿已自动保存" in first.draft_status.text()
    first.deleteLater()  # the window vanishes without saving, as in a power cut: the draft stays

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    second = IntakeDialog()
    qtbot.addWidget(second)
    assert second.w["complainant_name"].text() == "钱多多"
    assert second.w["facts"].toPlainText() == "预付卡余额无法使用。"
    assert intake.load_draft() is not None


def test_correct_a_registration_from_the_case(qtbot, app, demo_db):
    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    record = Record.select().where(Record.kind == "投诉", Record.state == "调解中").first()
    detail = CaseDetailDialog(record.id)
    qtbot.addWidget(detail)
    dialog = detail.edit_case()
    assert dialog.w["complainant_name"].text() == record.complainant_name
    assert not dialog.w["kind"].isEnabled()
    dialog.w["phone"].clear()
    type_text(qtbot, dialog.w["phone"], "13700001111")
    assert dialog.submit(keep_open=False) is not None, dialog.errors_label.text()
    assert Record.get_by_id(record.id).phone == "13700001111"
    assert "137****1111" in detail.details.toPlainText()
    assert detail.history.item(detail.history.rowCount() - 1, 2).text() == "修改登记"
    assert Draft.select().count() == 0
