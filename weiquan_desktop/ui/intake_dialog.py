"""受理登记: one dialog for 咨询, 投诉, 举报 and 建议, keyboard first, checked inline, autosaved as a draft."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDateTime, QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models.schema import Record, Staff
from weiquan_desktop.services import intake
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.services.intake import IntakeForm
from weiquan_desktop.ui.forms import child, load_form

ERROR_STYLE = "border: 1px solid #b3261e; background: #fff4f3;"

# form field label (as in the service's messages) -> widget name
FIELD_WIDGETS = {
    "类型": "kind", "来源": "source", "登记时间": "received_at", "转办编号": "external_no", "经办人": "handler",
    "消费者姓名": "complainant_name", "举报人姓名": "complainant_name", "联系电话": "phone",
    "证件号码": "id_number", "代理人证件号码": "agent_id_number", "授权委托": "agent_authorisation",
    "被投诉方": "respondent_name", "被举报方": "respondent_name", "商品服务大类": "category",
    "问题性质": "nature", "购买日期": "purchase_date", "涉及金额": "amount", "事实与理由": "facts",
    "咨询内容": "facts", "建议内容": "facts", "具体线索": "clues", "答复": "answer", "答复时间": "reply_due",
}


class IntakeDialog(QDialog):
    saved = Signal(int)  # record id
    mediate_now = Signal(int)  # a complaint to settle on the spot: accepted, mediation opens at once

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None, *,
                 record_id: int | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.record_id = record_id  # set: correcting a registered record instead of registering
        self._attempted = False
        self._loading = False
        load_form("intake_dialog.ui", self)
        self.w: dict[str, QWidget] = {name: self.findChild(QWidget, name) for name in (
            "kind", "source", "received_at", "external_no", "handler", "is_group", "complainant_name", "phone",
            "anonymous", "id_type", "id_number", "address", "agent_name", "agent_id_number",
            "agent_authorisation", "respondent_name", "place", "category", "item", "nature", "purchase_date",
            "amount", "facts", "clues", "answer", "reply_later", "reply_due", "remark")}
        self.errors_label = child(self, QLabel, "errors")
        self.draft_status = child(self, QLabel, "draftStatus")
        self._fill_choices()
        self._demand_boxes: dict[str, QCheckBox] = {}
        demands_layout = self.findChild(QHBoxLayout, "demandsLayout")
        for demand in domain.DEMANDS:
            box = QCheckBox(demand)
            self._demand_boxes[demand] = box
            demands_layout.addWidget(box)
            box.toggled.connect(self._changed)
        demands_layout.addStretch(1)
        chain = [self.w["facts"], *self._demand_boxes.values(), self.w["clues"]]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._setup_completer()
        child(self, QPushButton, "save").clicked.connect(lambda: self.submit(keep_open=False))
        child(self, QPushButton, "save_new").clicked.connect(lambda: self.submit(keep_open=True))
        child(self, QPushButton, "cancel").clicked.connect(self.reject)
        self.on_the_spot = QPushButton("受理并当场调解(&M)")
        self.on_the_spot.setToolTip("简易投诉当场处理：保存、受理，并立即打开调解窗口记录和解条款")
        self.on_the_spot.clicked.connect(self.settle_on_the_spot)
        buttons = self.findChild(QHBoxLayout, "buttonRow")
        buttons.insertWidget(buttons.count() - 3, self.on_the_spot)
        child(self, QPushButton, "new_business").clicked.connect(self.new_business)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.submit(keep_open=False))
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, activated=lambda: self.submit(keep_open=True))
        self._autosave = QTimer(self, singleShot=True, interval=800)
        self._autosave.timeout.connect(self.save_draft)
        for widget in self.w.values():
            self._watch(widget)
        self.w["kind"].currentTextChanged.connect(self._kind_changed)
        self.w["anonymous"].toggled.connect(self._kind_changed)
        self.w["reply_later"].toggled.connect(self._kind_changed)
        self.reset()
        if record_id is None:
            self._offer_draft()
        else:
            record = Record.get_by_id(record_id)
            self._version = record.version
            self.setWindowTitle(f"修改登记 - {record.case_no}")
            self.set_form(intake.form_of(record))
            self.w["kind"].setEnabled(False)
            for button in (child(self, QPushButton, "save_new"), self.on_the_spot):
                button.setVisible(False)

    # --- set-up -----------------------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        self.w["kind"].addItems(domain.KINDS)
        self.w["kind"].setCurrentText("投诉")
        self.w["source"].addItems(domain.SOURCES)
        self.w["id_type"].addItems(domain.ID_TYPES)
        self.w["category"].addItem("")
        for group, names in (("商品类", domain.GOODS_CATEGORIES), ("服务类", domain.SERVICE_CATEGORIES),
                             ("其他类", (domain.OTHER_CATEGORY,))):
            for name in names:
                self.w["category"].addItem(name, group)
        self.w["nature"].addItems(["", *domain.NATURES])
        self.w["handler"].addItem("", None)
        for staff in Staff.select().where(Staff.active).order_by(Staff.id):
            self.w["handler"].addItem(f"{staff.name}（{staff.role}）", staff.id)
        if self.actor is not None:
            self.w["handler"].setCurrentIndex(max(self.w["handler"].findData(self.actor.id), 0))

    def _setup_completer(self) -> None:
        self._business_model = QStringListModel(self)
        completer = QCompleter(self._business_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._business_chosen)
        self.w["respondent_name"].setCompleter(completer)
        self.w["respondent_name"].textEdited.connect(self._suggest_businesses)
        self._businesses: dict[str, int] = {}
        self._respondent_id: int | None = None

    def _suggest_businesses(self, text: str) -> None:
        found = intake.find_businesses(text)
        self._businesses = {self._business_label(b): b.id for b in found}
        self._business_model.setStringList(list(self._businesses))
        self._respondent_id = None
        if found:
            self.w["respondent_name"].completer().complete()

    @staticmethod
    def _business_label(business: object) -> str:
        return f"{business.name}（{business.booth}）" if business.booth else business.name

    def _business_chosen(self, label: str) -> None:
        self._respondent_id = self._businesses.get(label)
        name = label.split("（", 1)[0]
        QTimer.singleShot(0, lambda: self.w["respondent_name"].setText(name))
        booth = label[len(name) + 1:-1] if label != name else ""
        if booth and not self.w["place"].text():
            self.w["place"].setText(booth)

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._changed)
            widget.installEventFilter(self)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self._changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._changed)
            widget.installEventFilter(self)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._changed)
        elif isinstance(widget, QDateTimeEdit):
            widget.dateTimeChanged.connect(self._changed)
            widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter moves to the next field, as on a paper form; Ctrl+Enter saves."""
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = obj.completer().popup() if isinstance(obj, QLineEdit) and obj.completer() else None
            if popup is not None and popup.isVisible():
                return False
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.submit(keep_open=False)
            else:
                self.focusNextChild()
            return True
        return super().eventFilter(obj, event)

    def showEvent(self, event: QEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.activateWindow()
        self.w["source"].setFocus()

    # --- state --------------------------------------------------------------------------------------------

    def reset(self) -> None:
        self._loading = True
        for widget in self.w.values():
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.clear()
            elif isinstance(widget, QCheckBox):
                widget.setChecked(False)
        for box in self._demand_boxes.values():
            box.setChecked(False)
        now = QDateTime.currentDateTime()
        self.w["received_at"].setDateTime(now)
        self.w["received_at"].setMaximumDateTime(now.addSecs(60))
        self.w["reply_due"].setDateTime(now.addDays(1))
        self.w["category"].setCurrentIndex(0)
        self.w["nature"].setCurrentIndex(0)
        self._respondent_id = None
        self._attempted = False
        self._clear_errors()
        self._loading = False
        self._kind_changed()
        if self.isVisible():
            self.w["source"].setFocus()

    def form(self) -> IntakeForm:
        w = self.w
        purchase = w["purchase_date"].text().strip()
        try:
            purchase_date = date.fromisoformat(purchase) if purchase else None
        except ValueError:
            purchase_date = None
        return IntakeForm(
            kind=w["kind"].currentText(), source=w["source"].currentText(),
            received_at=w["received_at"].dateTime().toPython().replace(second=0, microsecond=0),
            complainant_name=w["complainant_name"].text(), phone=w["phone"].text(),
            id_type=w["id_type"].currentText(), id_number=w["id_number"].text(), address=w["address"].text(),
            anonymous=w["anonymous"].isChecked(), agent_name=w["agent_name"].text(),
            agent_id_number=w["agent_id_number"].text(), agent_authorisation=w["agent_authorisation"].text(),
            respondent_id=self._respondent_id, respondent_name=w["respondent_name"].text(),
            category=w["category"].currentText(), item=w["item"].text(), nature=w["nature"].currentText(),
            purchase_date=purchase_date, amount=w["amount"].text(), place=w["place"].text(),
            facts=w["facts"].toPlainText(), demands=[d for d, box in self._demand_boxes.items() if box.isChecked()],
            clues=w["clues"].toPlainText(), external_no=w["external_no"].text(), is_group=w["is_group"].isChecked(),
            answer=w["answer"].toPlainText(),
            reply_due=w["reply_due"].dateTime().toPython().replace(second=0, microsecond=0)
            if w["reply_later"].isChecked() else None,
            handler_id=w["handler"].currentData(), remark=w["remark"].text(),
        )

    def set_form(self, form: IntakeForm) -> None:
        self._loading = True
        w = self.w
        w["kind"].setCurrentText(form.kind)
        w["source"].setCurrentText(form.source)
        if form.received_at:
            w["received_at"].setDateTime(QDateTime(form.received_at))
        for name in ("complainant_name", "phone", "id_number", "address", "agent_name", "agent_id_number",
                     "agent_authorisation", "respondent_name", "item", "amount", "place", "external_no", "remark"):
            w[name].setText(getattr(form, name) or "")
        for name in ("facts", "clues", "answer"):
            w[name].setPlainText(getattr(form, name) or "")
        w["id_type"].setCurrentText(form.id_type or "居民身份证")
        w["category"].setCurrentText(form.category or "")
        w["nature"].setCurrentText(form.nature or "")
        w["purchase_date"].setText(form.purchase_date.isoformat() if form.purchase_date else "")
        w["anonymous"].setChecked(form.anonymous)
        w["is_group"].setChecked(form.is_group)
        w["reply_later"].setChecked(form.reply_due is not None)
        if form.reply_due:
            w["reply_due"].setDateTime(QDateTime(form.reply_due))
        for demand, box in self._demand_boxes.items():
            box.setChecked(demand in form.demands)
        index = w["handler"].findData(form.handler_id)
        if index >= 0:
            w["handler"].setCurrentIndex(index)
        self._respondent_id = form.respondent_id
        self._loading = False
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.w["kind"].currentText()
        complaint, report, consult = kind == "投诉", kind == "举报", kind == "咨询"
        child(self, QGroupBox, "personGroup").setTitle({"举报": "举报人", "咨询": "咨询人", "建议": "建议人"}.get(kind, "消费者"))
        child(self, QGroupBox, "respondentGroup").setTitle("被举报方" if report else "被投诉方与商品服务")
        self.w["anonymous"].setVisible(report)
        self.on_the_spot.setVisible(complaint and getattr(self, "record_id", None) is None)
        anonymous = report and self.w["anonymous"].isChecked()
        for name in ("complainant_name", "phone", "id_type", "id_number", "address"):
            self.w[name].setEnabled(not anonymous)
        for name in ("clues",):
            self.w[name].setVisible(report)
            self.findChild(QLabel, f"{name}Label").setVisible(report)
        for name in ("answer", "reply_later", "reply_due"):
            self.w[name].setVisible(consult)
        self.findChild(QLabel, "answerLabel").setVisible(consult)
        self.w["reply_due"].setEnabled(self.w["reply_later"].isChecked())
        self.findChild(QLabel, "demandsLabel").setVisible(complaint)
        for box in self._demand_boxes.values():
            box.setVisible(complaint)
        child(self, QGroupBox, "respondentGroup").setVisible(kind != "建议")
        self.findChild(QLabel, "factsLabel").setText(
            {"咨询": "咨询内容", "建议": "建议内容", "举报": "举报内容"}.get(kind, "事实与理由"))

    def _changed(self) -> None:
        if self._loading:
            return
        if self.record_id is None:  # drafts are for new registrations
            self._autosave.start()
        if self._attempted:  # after a first save attempt, show problems as they are fixed
            self.show_errors(intake.check(self.form())[1])

    # --- checks and saving ------------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        self.errors_label.clear()
        for widget in self.w.values():
            widget.setStyleSheet("")

    def show_errors(self, errors: list[ValidationError]) -> None:
        self._clear_errors()
        if self.w["purchase_date"].text().strip() and self.form().purchase_date is None:
            errors = [ValidationError("“购买日期”应写成 YYYY-MM-DD，如 2026-09-25。", "购买日期"), *errors]
        if not errors:
            return
        self.errors_label.setText("\n".join(f"· {e.message}" for e in errors))
        for error in errors:
            name = FIELD_WIDGETS.get(error.field or "")
            if name:
                self.w[name].setStyleSheet(ERROR_STYLE)

    def submit(self, keep_open: bool) -> Record | None:
        self._attempted = True
        form = self.form()
        errors = intake.check(form)[1]
        self.show_errors(errors)
        if errors or self.errors_label.text():
            first = FIELD_WIDGETS.get(errors[0].field or "") if errors else "purchase_date"
            if first:
                self.w[first].setFocus()
            return None
        try:
            if self.record_id is not None:
                record = intake.update(self.record_id, form, actor=self.actor, version=self._version)
            else:
                record = intake.register(form, self.actor, drop_draft=True)
        except (UserError, ValidationError) as exc:
            self.errors_label.setText(f"· {exc}")
            return None
        self._autosave.stop()
        self.last_saved = record
        self.saved.emit(record.id)
        if keep_open:
            self.reset()
            self.draft_status.setText(f"已保存 {record.case_no}，可以继续登记下一件。")
        else:
            self.accept()
        return record

    def settle_on_the_spot(self) -> Record | None:
        if self.w["kind"].currentText() != "投诉":
            self.errors_label.setText("· 只有投诉可以当场调解。")
            return None
        record = self.submit(keep_open=False)
        if record is None:
            return None
        try:
            intake.decide(record.id, "受理", actor=self.actor)
        except UserError as exc:
            QMessageBox.warning(self, "无法受理", str(exc))
            return record
        self.mediate_now.emit(record.id)
        return record

    def save_draft(self) -> None:
        intake.save_draft(self.form(), self.actor)
        self.draft_status.setText(f"草稿已自动保存 {datetime.now():%H:%M:%S}")

    def _offer_draft(self) -> None:
        found = intake.load_draft(self.actor)
        if found is None:
            return
        form, when = found
        answer = QMessageBox.question(
            self, "恢复草稿", f"发现一份未保存的登记草稿（{when:%Y-%m-%d %H:%M}），可能是上次异常退出时留下的。\n是否恢复？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            self.set_form(form)
        else:
            intake.discard_draft(self.actor)

    def reject(self) -> None:
        form = self.form()
        touched = any((form.complainant_name, form.phone, form.facts.strip(), form.respondent_name, form.clues))
        if touched and QMessageBox.question(
                self, "放弃登记", "本次登记尚未保存，确定放弃吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        self._autosave.stop()
        if self.record_id is None:
            intake.discard_draft(self.actor)
        super().reject()

    def new_business(self) -> None:
        name, ok = QInputDialog.getText(self, "新增商户", "商户名称：", text=self.w["respondent_name"].text())
        if not ok or not name.strip():
            return
        booth, _ = QInputDialog.getText(self, "新增商户", "铺位或位置（可不填）：")
        try:
            business = intake.add_business(name, booth=booth, actor=self.actor)
        except (UserError, ValidationError) as exc:
            QMessageBox.warning(self, "无法新增商户", str(exc))
            return
        self._respondent_id = business.id
        self.w["respondent_name"].setText(business.name)
        if business.booth:
            self.w["place"].setText(business.booth)
