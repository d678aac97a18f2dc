"""The front desk's main flow with the keyboard: register a complaint, find it, open it."""

from helpers import type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from weiquan_desktop.models.schema import Draft, Record
from weiquan_desktop.services import intake


def _press(qtbot, widget, key, times=1):
    for _ in range(times):
        qtbot.keyClick(widget, key)


class Keyboard:
    """Only keys, sent where Qt sends them: the open popup, else the focused widget. Counts what it typed."""

    def __init__(self, qtbot) -> None:
        self.qtbot, self.count = qtbot, 0

    def __call__(self, *steps) -> None:
        for step in steps:
            target = QApplication.activePopupWidget() or QApplication.focusWidget()
            assert target is not None, "nothing has the keyboard"
            if isinstance(step, str):
                type_text(self.qtbot, QApplication.focusWidget(), step)
                self.count += len(
                    step
                )  # an input method commits a word per key or two; one per character is the most
            else:
                key, modifiers = step if isinstance(step, tuple) else (step, Qt.KeyboardModifier.NoModifier)
                self.qtbot.keyClick(target, key, modifiers)
                self.count += 1
            self.qtbot.wait(10)

    def at(self) -> str:
        widget = QApplication.focusWidget()
        return widget.objectName() or (widget.text() if hasattr(widget, "text") else "")


ENTER, SPACE = Qt.Key.Key_Return, Qt.Key.Key_Space
CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_walk_in_complaint_by_keyboard_alone(qtbot, app, demo_db, data_dir):
    """From the register to a saved, found and opened complaint without the mouse: Enter moves on as on the
    paper form, Space ticks a box, Ctrl+Enter saves, Ctrl+F finds, Enter opens the single hit."""
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    before = Record.select().count()
    keys = Keyboard(qtbot)
    keys((Qt.Key.Key_N, CTRL))
    qtbot.waitUntil(lambda: keys.at() == "source")  # the cursor starts where the clerk starts
    keys(ENTER, ENTER, ENTER)  # 来访 (the default), now, the clerk herself
    assert keys.at() == "complainant_name"
    keys("赵晓东", ENTER, "13912345678", ENTER, ENTER, "11010519491231002X", ENTER)
    assert keys.at() == "address"
    keys(ENTER, ENTER, ENTER, ENTER)  # no address; the consents as they stand; no agent
    assert keys.at() == "respondent_name"
    keys("麦当劳")
    assert QApplication.activePopupWidget() is not None  # the site's businesses are offered
    keys(ENTER)  # picks the offered business, which fills its booth and contact
    keys(ENTER, ENTER, ENTER, ENTER, ENTER)
    assert keys.at() == "category"
    keys("食品", ENTER)  # typing part of a category finds it
    assert keys.at() == "item"
    keys("儿童套餐", ENTER)
    assert keys.at() == "nature"
    keys("质量", ENTER)
    assert keys.at() == "purchase_date"
    keys(ENTER, "45.5", ENTER, ENTER)  # no purchase date; the amount; not a group complaint
    assert keys.at() == "facts"
    keys("套餐里的汉堡有异物，要求退款。", ENTER, ENTER)  # the facts; no evidence listed
    assert keys.at() == "退货"
    keys(ENTER, ENTER, ENTER, SPACE)  # 退款 is the fourth demand
    assert QApplication.focusWidget().text() == "退款" and QApplication.focusWidget().isChecked()
    keys((ENTER, CTRL))
    qtbot.waitUntil(lambda: Record.select().count() == before + 1)
    saved = Record.get(Record.phone == "13912345678")
    assert (saved.kind, saved.source, saved.state, saved.demands) == ("投诉", "来访", "待受理", "退款")
    assert saved.respondent_name.startswith("麦当劳") and saved.respondent_id is not None
    assert (saved.category, saved.nature, str(saved.amount)) == ("食品类", "质量", "45.50")
    assert Draft.select().count() == 0
    registered = keys.count

    view = window.register_view
    qtbot.waitUntil(
        lambda: (
            not any(
                w.objectName() == "IntakeDialog" and w.isVisible() for w in QApplication.topLevelWidgets()
            )
        )
    )
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search)  # back at the register, ready to find
    keys(Qt.Key.Key_Escape)  # as anywhere: Ctrl+F finds from wherever the keyboard is
    view.table.setFocus()
    keys((Qt.Key.Key_F, CTRL))
    assert QApplication.focusWidget() is view.search
    keys("13912345678")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.model.query.search == "13912345678")
    assert view.model.index(0, 0).data() == saved.case_no
    assert view.model.index(0, 4).data() == "赵**"  # masked by default
    assert view.model.index(0, 9).data().startswith("答复期限")  # the 24-hour reply comes first
    with qtbot.waitSignal(view.open_record) as opened:
        keys(ENTER)  # the single hit opens
    assert opened.args == [saved.id]
    detail = next(
        w for w in QApplication.topLevelWidgets() if w.objectName() == "CaseDetailDialog" and w.isVisible()
    )
    assert saved.case_no in detail.heading.text()
    text = detail.details.toPlainText()
    assert "儿童套餐" in text and "139****5678" in text and "13912345678" not in text
    # the manual quotes these figures (docs/使用说明.md): keep them honest
    print(f"walk-in complaint: {registered} keys to register, {keys.count - registered} to find and open")
    assert registered < 120
    detail.close()


def test_type_find_and_accept(qtbot, app, demo_db, data_dir):
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    dialog = window.new_record()
    for name, text in (
        ("complainant_name", "赵晓东"),
        ("phone", "13912345678"),
        ("respondent_name", "麦当劳"),
        ("item", "儿童套餐"),
        ("amount", "45.5"),
    ):
        type_text(qtbot, dialog.w[name], text)
    dialog.w["category"].setCurrentText("食品类")
    dialog.w["nature"].setCurrentText("质量")
    dialog.w["facts"].setPlainText("套餐里的汉堡有异物，要求退款。")
    dialog._demand_boxes["退款"].setChecked(True)
    assert dialog.submit(keep_open=False) is not None
    saved = Record.get(Record.phone == "13912345678")
    view = window.register_view
    view.search.clear()
    type_text(qtbot, view.search, "mdl")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.model.query.search == "mdl")
    found = {view.model.index(r, 0).data() for r in range(view.model.rowCount())}
    assert saved.case_no in found
    assert all(view.model.index(r, 5).data().startswith("麦当劳") for r in range(view.model.rowCount()))
    detail = window.open_record(saved.id)
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
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes
    )

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


def test_the_form_speaks_of_each_kind_in_its_own_words(qtbot, app, demo_db):
    """A 举报 names a 举报人 and a 被举报方 (its label too, with its required star), a consultation its
    咨询内容, a suggestion has no respondent at all; back to 投诉, the complaint's words return."""
    from PySide6.QtWidgets import QGroupBox

    from weiquan_desktop.ui.intake_dialog import IntakeDialog

    dialog = IntakeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    person, respondent = (dialog.findChild(QGroupBox, n) for n in ("personGroup", "respondentGroup"))
    labels = dialog._labels

    def shown(kind: str) -> tuple:
        dialog.w["kind"].setCurrentText(kind)
        return (
            person.title(),
            respondent.title() if respondent.isVisible() else None,
            labels["respondent_name"].text(),
            labels["facts"].text(),
        )

    assert shown("举报") == ("举报人", "被举报方", "被举报方 *", "举报内容")
    assert shown("咨询") == ("咨询人", "被投诉方与商品服务", "被投诉方", "咨询内容 *")
    assert shown("建议")[:2] == ("建议人", None)
    assert shown("投诉") == ("消费者", "被投诉方与商品服务", "被投诉方 *", "事实与理由 *")


def test_closing_a_correction_asks_only_when_something_changed(qtbot, app, demo_db, monkeypatch):
    """Esc on a correction opened only to look closes it at once; once a field was changed it asks first,
    in the correction's own words, and 否 keeps the form open with the change."""
    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No
    )
    record = Record.select().where(Record.kind == "投诉", Record.state == "调解中").first()
    detail = CaseDetailDialog(record.id)
    qtbot.addWidget(detail)
    looked = detail.edit_case()
    qtbot.keyClick(looked, Qt.Key.Key_Escape)
    assert asked == [] and not looked.isVisible()
    changed = detail.edit_case()
    type_text(qtbot, changed.w["address"], "万象汇三楼")
    qtbot.keyClick(changed, Qt.Key.Key_Escape)
    assert asked == ["本次修改尚未保存，确定放弃吗？"] and changed.isVisible()
    assert changed.w["address"].text().endswith("万象汇三楼")
    detail.close()
