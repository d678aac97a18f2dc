"""受理登记: one dialog for 咨询, 投诉, 举报 and 建议, keyboard first, checked inline, autosaved as a draft.

Enter moves to the next field a clerk fills in, in the order of the paper form, never onto a button;
Shift+Enter starts a new line in the facts; Ctrl+Enter saves. The form scrolls, so it fits a 1366×768 screen
at 125%, with its buttons always in view.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDateTime, QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
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
    QScrollArea,
    QSpinBox,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.domain import Decision, Kind
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.services import intake, views
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.services.intake import IntakeForm
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.forms import child, load_form

ERROR_STYLE = "border: 1px solid #b3261e; background: #fff4f3;"

# form field label (as in the service's messages) -> widget name
FIELD_WIDGETS = {
    "类型": "kind",
    "来源": "source",
    "登记时间": "received_at",
    "转办编号": "external_no",
    "经办人": "handler",
    "消费者姓名": "complainant_name",
    "举报人姓名": "complainant_name",
    "联系电话": "phone",
    "证件号码": "id_number",
    "代理人证件号码": "agent_id_number",
    "授权委托": "agent_authorisation",
    "代理人电话": "agent_phone",
    "被投诉方电话": "respondent_phone",
    "涉及人数": "group_size",
    "被投诉方": "respondent_name",
    "被举报方": "respondent_name",
    "商品服务大类": "category",
    "问题性质": "nature",
    "购买日期": "purchase_date",
    "涉及金额": "amount",
    "事实与理由": "facts",
    "咨询内容": "facts",
    "建议内容": "facts",
    "具体线索": "clues",
    "答复": "answer",
    "答复时间": "reply_due",
    "反馈期限": "external_due",
}
# the fields in the order a clerk fills them: Enter follows it, skipping what is hidden or disabled
FIELDS = (
    "kind",
    "source",
    "received_at",
    "external_no",
    "external_due",
    "handler",
    "complainant_name",
    "phone",
    "id_type",
    "id_number",
    "address",
    "anonymous",
    "consent_publish",
    "consent_mediation",
    "has_agent",
    "agent_name",
    "agent_phone",
    "agent_id_number",
    "agent_authorisation",
    "respondent_name",
    "respondent_contact",
    "respondent_phone",
    "respondent_address",
    "place",
    "category",
    "item",
    "nature",
    "purchase_date",
    "amount",
    "is_group",
    "group_size",
    "facts",
    "evidence",
    "clues",
    "answer",
    "reply_later",
    "reply_due",
    "remark",
)
# what each kind must have (domain/README.md: what an intake record holds), marked with * on the form
REQUIRED = {
    Kind.COMPLAINT: (
        "complainant_name",
        "phone",
        "respondent_name",
        "category",
        "nature",
        "facts",
        "demands",
    ),
    Kind.REPORT: ("respondent_name", "clues"),
    Kind.CONSULTATION: ("facts",),
    Kind.SUGGESTION: ("facts",),
}


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _resolve_choice(box: QComboBox) -> None:
    """Part of a category typed (食品) becomes the one it names (食品类): the first item containing it."""
    text = box.currentText().strip()
    items = [box.itemText(i) for i in range(box.count())]
    if text and text not in items:
        match = next((item for item in items if text in item), None)
        if match is not None:
            box.setCurrentText(match)


class IntakeDialog(QDialog):
    saved = Signal(int)  # record id
    mediate_now = Signal(int)  # a complaint to settle on the spot: accepted, mediation opens at once

    def __init__(
        self, actor: Actor | None = None, parent: QWidget | None = None, *, record_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.actor = actor
        self.record_id = record_id  # set: correcting a registered record instead of registering
        self._attempted = False
        self._loading = False
        self._new_business = False
        load_form("intake_dialog.ui", self)
        self.w: dict[str, QWidget] = {name: self.findChild(QWidget, name) for name in FIELDS}
        self.errors_label = child(self, QLabel, "errors")
        self.draft_status = child(self, QLabel, "draftStatus")
        self.scroll = child(self, QScrollArea, "scroll")
        self._labels = {name: self.findChild(QLabel, f"{name}Label") for name in FIELDS}
        self._label_texts = {name: label.text().rstrip(" *") for name, label in self._labels.items() if label}
        self._fill_choices()
        self._demand_boxes: dict[str, QCheckBox] = {}
        demands_layout = self.findChild(QHBoxLayout, "demandsLayout")
        for demand in domain.DEMANDS:
            box = QCheckBox(demand)
            self._demand_boxes[demand] = box
            demands_layout.addWidget(box)
            box.toggled.connect(self._changed)
            box.installEventFilter(self)
        demands_layout.addStretch(1)
        self._chain = [
            *FIELDS[: FIELDS.index("evidence") + 1],
            *[f"demand:{d}" for d in domain.DEMANDS],
            *FIELDS[FIELDS.index("evidence") + 1 :],
        ]
        self._setup_completers()
        child(self, QPushButton, "save").clicked.connect(lambda: self.submit(keep_open=False))
        child(self, QPushButton, "save_new").clicked.connect(lambda: self.submit(keep_open=True))
        child(self, QPushButton, "cancel").clicked.connect(self.reject)
        self.on_the_spot = QPushButton("受理并当场调解(&M)")
        self.on_the_spot.setAutoDefault(False)
        self.on_the_spot.setToolTip("简易投诉当场处理：保存、受理，并立即打开调解窗口记录和解条款")
        self.on_the_spot.clicked.connect(self.settle_on_the_spot)
        buttons = self.findChild(QHBoxLayout, "buttonRow")
        buttons.insertWidget(buttons.count() - 3, self.on_the_spot)
        new_business = child(self, QPushButton, "new_business")
        new_business.setAutoDefault(False)
        new_business.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a mouse choice, never where Enter or Tab lands
        new_business.clicked.connect(self.new_business)
        for name in ("save", "save_new", "cancel"):
            child(self, QPushButton, name).setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.submit(keep_open=False))
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=lambda: self.submit(keep_open=False))
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=lambda: self.submit(keep_open=False))
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, activated=lambda: self.submit(keep_open=True))
        self._autosave = QTimer(self, singleShot=True, interval=800)
        self._autosave.timeout.connect(self.save_draft)
        for widget in self.w.values():
            self._watch(widget)
        self._set_tab_order()
        self.w["kind"].currentTextChanged.connect(self._kind_changed)
        for name in ("anonymous", "reply_later", "has_agent", "is_group"):
            self.w[name].toggled.connect(self._kind_changed)
        self.w["source"].currentTextChanged.connect(self._kind_changed)
        self.w["respondent_name"].editingFinished.connect(self._respondent_left)
        self.reset()
        if record_id is None:
            self._offer_draft()
        else:
            form = intake.editable_form(record_id)
            self._version = form.version
            self.setWindowTitle(f"修改登记 - {form.case_no}")
            self.set_form(form.form)
            self._as_loaded = self.form()  # closing a correction unchanged asks nothing
            self.w["kind"].setEnabled(False)
            for button in (child(self, QPushButton, "save_new"), self.on_the_spot):
                button.setVisible(False)

    # --- set-up -----------------------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        self.w["kind"].addItems(domain.KINDS)
        self.w["kind"].setCurrentText(Kind.COMPLAINT)
        self.w["source"].addItems(domain.SOURCES)
        self.w["id_type"].addItems(domain.ID_TYPES)
        for name, items in (("category", domain.CATEGORIES), ("nature", domain.NATURES)):
            box: QComboBox = self.w[name]
            box.addItems(["", *items])
            box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = QCompleter(list(items), box)  # typing 服装 finds 服装鞋帽类
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            box.setCompleter(completer)
        self.w["handler"].addItem("", None)
        for option in views.staff_options(with_role=True):
            self.w["handler"].addItem(option.label, option.id)
        if self.actor is not None:
            self.w["handler"].setCurrentIndex(max(self.w["handler"].findData(self.actor.id), 0))

    def _setup_completers(self) -> None:
        self._business_model = QStringListModel(self)
        completer = QCompleter(self._business_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._business_chosen)
        self.w["respondent_name"].setCompleter(completer)
        # the suggestion lists get the keys before their fields: Enter with nothing highlighted moves on
        self._popups: dict[QObject, QWidget] = {}
        for name in ("respondent_name", "category", "nature"):
            popup = self.w[name].completer().popup()
            popup.installEventFilter(self)
            self._popups[popup] = self.w[name]
        self.w["respondent_name"].textEdited.connect(self._suggest_businesses)
        self._businesses: dict[str, intake.BusinessRow] = {}
        self._respondent_id: int | None = None

    def _set_tab_order(self) -> None:
        widgets = [self._widget(name) for name in self._chain]
        for first, second in zip(widgets, widgets[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _widget(self, name: str) -> QWidget:
        return self._demand_boxes[name.split(":", 1)[1]] if name.startswith("demand:") else self.w[name]

    def _suggest_businesses(self, text: str) -> None:
        found = intake.find_businesses(text)
        self._businesses = {b.label: b for b in found}
        self._business_model.setStringList(list(self._businesses))
        self._respondent_id = None
        self._new_business = False
        if found:
            self.w["respondent_name"].completer().complete()

    def _business_chosen(self, label: str) -> None:
        business = self._businesses.get(label)
        if business is None:
            return
        self._respondent_id = business.id
        QTimer.singleShot(0, lambda: self.w["respondent_name"].setText(business.name))
        for field, value in (
            ("place", business.booth),
            ("respondent_contact", business.contact),
            ("respondent_phone", business.phone),
            ("respondent_address", business.address),
        ):
            if value and not self.w[field].text():
                self.w[field].setText(value)
        self._respondent_left()

    def _respondent_left(self) -> None:
        """A first guess at the category, from this respondent's earlier complaints."""
        if self.w["category"].currentText() or self.w["kind"].currentText() != Kind.COMPLAINT:
            return
        guess = intake.suggest_category(self.w["respondent_name"].text().split("（", 1)[0])
        if guess:
            self.w["category"].setCurrentText(guess)

    def _watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            widget.textChanged.connect(self._changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._changed)
            if widget.isEditable():
                widget.lineEdit().installEventFilter(self)
                widget.currentTextChanged.connect(self._changed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._changed)
        elif isinstance(widget, QDateTimeEdit):
            widget.dateTimeChanged.connect(self._changed)
        elif isinstance(widget, QSpinBox):
            widget.valueChanged.connect(self._changed)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter moves to the next field, as on a paper form; Tab leaves a date field instead of walking
        through its sections (a phone number typed after five Tabs landed in 转办编号)."""
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(obj, event)
        key, modifiers = event.key(), event.modifiers()
        if obj in self._popups and key not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        owner = (
            obj.parentWidget()
            if isinstance(obj, QLineEdit) and isinstance(obj.parentWidget(), QComboBox)
            else obj
        )
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if obj in self._popups:  # a list of suggestions is open over the field
                if obj.currentIndex().isValid():
                    return False  # Enter picks the highlighted suggestion
                obj.hide()  # nothing highlighted: take what was typed (or the first match) and move on
                self.move_on(self._popups[obj])
                return True
            if modifiers & Qt.KeyboardModifier.ControlModifier:
                self.submit(keep_open=False)
                return True
            if isinstance(owner, QPlainTextEdit) and modifiers & Qt.KeyboardModifier.ShiftModifier:
                return False  # a new line in the facts
            self.move_on(owner)
            return True
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and isinstance(owner, QAbstractSpinBox):
            self.move_on(owner, back=key == Qt.Key.Key_Backtab)
            return True
        return super().eventFilter(obj, event)

    def move_on(self, current: QWidget, *, back: bool = False) -> None:
        """Focus the next field of the chain that can take input now (visible and enabled)."""
        if isinstance(current, QComboBox) and current.isEditable():
            _resolve_choice(current)
        widgets = [self._widget(name) for name in self._chain]
        if current not in widgets:
            self.focusNextChild()
            return
        index = widgets.index(current)
        order = reversed(widgets[:index]) if back else widgets[index + 1 :]
        for widget in order:
            if widget.isVisibleTo(self) and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                self.scroll.ensureWidgetVisible(widget)
                return
        child(self, QPushButton, "save").setFocus()  # the end of the form: Enter is not a click here

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
        self.w["consent_mediation"].setChecked(True)
        self.w["group_size"].setValue(0)
        for box in self._demand_boxes.values():
            box.setChecked(False)
        now = QDateTime.currentDateTime()
        self.w["received_at"].setDateTime(now)
        self.w["received_at"].setMaximumDateTime(now.addSecs(60))
        self.w["reply_due"].setDateTime(now.addDays(1))
        self.w["category"].setCurrentIndex(0)
        self.w["nature"].setCurrentIndex(0)
        self._respondent_id = None
        self._new_business = False
        self._attempted = False
        self._clear_errors()
        self._loading = False
        self._kind_changed()
        self.scroll.verticalScrollBar().setValue(0)
        if self.isVisible():
            self.w["source"].setFocus()

    def form(self) -> IntakeForm:
        w = self.w
        purchase_date, external_due = (
            _date_or_none(w[name].text()) for name in ("purchase_date", "external_due")
        )
        agent = w["has_agent"].isChecked()
        return IntakeForm(
            kind=w["kind"].currentText(),
            source=w["source"].currentText(),
            received_at=w["received_at"].dateTime().toPython().replace(second=0, microsecond=0),
            complainant_name=w["complainant_name"].text(),
            phone=w["phone"].text(),
            id_type=w["id_type"].currentText(),
            id_number=w["id_number"].text(),
            address=w["address"].text(),
            anonymous=w["anonymous"].isChecked(),
            consent_publish=w["consent_publish"].isChecked(),
            consent_mediation=w["consent_mediation"].isChecked(),
            agent_name=w["agent_name"].text() if agent else "",
            agent_phone=w["agent_phone"].text() if agent else "",
            agent_id_number=w["agent_id_number"].text() if agent else "",
            agent_authorisation=w["agent_authorisation"].text() if agent else "",
            respondent_id=self._respondent_id,
            respondent_name=w["respondent_name"].text(),
            respondent_contact=w["respondent_contact"].text(),
            respondent_phone=w["respondent_phone"].text(),
            respondent_address=w["respondent_address"].text(),
            category=w["category"].currentText().strip(),
            item=w["item"].text(),
            nature=w["nature"].currentText().strip(),
            purchase_date=purchase_date,
            amount=w["amount"].text(),
            place=w["place"].text(),
            facts=w["facts"].toPlainText(),
            evidence=w["evidence"].text(),
            demands=[d for d, box in self._demand_boxes.items() if box.isChecked()],
            clues=w["clues"].toPlainText(),
            external_no=w["external_no"].text(),
            external_due=external_due,
            is_group=w["is_group"].isChecked(),
            group_size=(w["group_size"].value() or None) if w["is_group"].isChecked() else None,
            answer=w["answer"].toPlainText(),
            reply_due=w["reply_due"].dateTime().toPython().replace(second=0, microsecond=0)
            if w["reply_later"].isChecked()
            else None,
            handler_id=w["handler"].currentData(),
            remark=w["remark"].text(),
            new_business=self._new_business,
        )

    def set_form(self, form: IntakeForm) -> None:
        self._loading = True
        w = self.w
        w["kind"].setCurrentText(form.kind)
        w["source"].setCurrentText(form.source)
        if form.received_at:
            w["received_at"].setDateTime(QDateTime(form.received_at))
        for name in (
            "complainant_name",
            "phone",
            "id_number",
            "address",
            "agent_name",
            "agent_id_number",
            "agent_authorisation",
            "agent_phone",
            "respondent_name",
            "respondent_contact",
            "respondent_phone",
            "respondent_address",
            "item",
            "amount",
            "place",
            "external_no",
            "remark",
            "evidence",
        ):
            w[name].setText(getattr(form, name) or "")
        for name in ("facts", "clues", "answer"):
            w[name].setPlainText(getattr(form, name) or "")
        w["id_type"].setCurrentText(form.id_type or "居民身份证")
        w["category"].setCurrentText(form.category or "")
        w["nature"].setCurrentText(form.nature or "")
        w["purchase_date"].setText(form.purchase_date.isoformat() if form.purchase_date else "")
        w["external_due"].setText(form.external_due.isoformat() if form.external_due else "")
        w["anonymous"].setChecked(form.anonymous)
        w["consent_publish"].setChecked(form.consent_publish)
        w["consent_mediation"].setChecked(form.consent_mediation)
        w["has_agent"].setChecked(bool(form.agent_name))
        w["is_group"].setChecked(form.is_group)
        w["group_size"].setValue(form.group_size or 0)
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
        complaint, report, consult = kind == Kind.COMPLAINT, kind == Kind.REPORT, kind == Kind.CONSULTATION
        child(self, QGroupBox, "personGroup").setTitle(domain.PARTY_LABELS.get(kind, "消费者"))
        child(self, QGroupBox, "respondentGroup").setTitle("被举报方" if report else "被投诉方与商品服务")
        self._label_texts["respondent_name"] = "被举报方" if report else "被投诉方"  # starred below
        goods = complaint  # the goods, the classification and the group flag are a complaint's
        for name in (
            "category",
            "item",
            "nature",
            "purchase_date",
            "amount",
            "is_group",
            "group_size",
            "consent_publish",
            "consent_mediation",
        ):
            self._show(name, goods)
        self._show("group_size", goods and self.w["is_group"].isChecked())
        self._show("anonymous", report)
        self.on_the_spot.setVisible(complaint and self.record_id is None)
        anonymous = report and self.w["anonymous"].isChecked()
        for name in ("complainant_name", "phone", "id_type", "id_number", "address"):
            self.w[name].setEnabled(not anonymous)
        agent = self.w["has_agent"].isChecked()
        for name in ("agent_name", "agent_phone", "agent_id_number", "agent_authorisation"):
            self._show(name, agent and kind in (Kind.COMPLAINT, Kind.REPORT))
        self._show("has_agent", kind in (Kind.COMPLAINT, Kind.REPORT))
        self._show("clues", report)
        for name in ("answer", "reply_later", "reply_due"):
            self._show(name, consult)
        self.w["reply_due"].setEnabled(self.w["reply_later"].isChecked())
        self.findChild(QLabel, "demandsLabel").setVisible(complaint)
        for box in self._demand_boxes.values():
            box.setVisible(complaint)
        child(self, QGroupBox, "respondentGroup").setVisible(kind != Kind.SUGGESTION)
        for name in ("external_no", "external_due"):
            self._show(name, self.w["source"].currentText() in domain.TRANSFER_SOURCES)
        self._label_texts["facts"] = domain.CONTENT_LABELS.get(kind, "事实与理由")
        required = REQUIRED.get(kind, ())
        for name, label in self._labels.items():
            if label is not None:
                star = (
                    name in required or (name == "external_no") or name in ("kind", "source", "received_at")
                )
                label.setText(self._label_texts.get(name, label.text()) + (" *" if star else ""))
        demands = self.findChild(QLabel, "demandsLabel")
        demands.setText("诉求 *" if "demands" in required else "诉求")

    def _show(self, name: str, visible: bool) -> None:
        self.w[name].setVisible(visible)
        label = self._labels.get(name)
        if label is not None:
            label.setVisible(visible)

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

    def _in_form_order(self, errors: list[ValidationError]) -> list[ValidationError]:
        """The order of the form, so the first message is the first field to fix."""

        def position(error: ValidationError) -> int:
            name = FIELD_WIDGETS.get(error.field or "")
            return self._chain.index(name) if name in self._chain else len(self._chain)

        return sorted(errors, key=position)

    def show_errors(self, errors: list[ValidationError]) -> None:
        self._clear_errors()
        form = self.form()
        for name, label in (("purchase_date", "购买日期"), ("external_due", "反馈期限")):
            if self.w[name].isVisibleTo(self) and self.w[name].text().strip() and getattr(form, name) is None:
                errors = [ValidationError(f"“{label}”应写成 YYYY-MM-DD，如 2026-09-25。", label), *errors]
        if not errors:
            return
        errors = self._in_form_order(errors)
        shown = 8
        self.errors_label.setText(
            "\n".join(f"· {e.message}" for e in errors[:shown])
            + (f"\n……另有 {len(errors) - shown} 处" if len(errors) > shown else "")
        )
        for error in errors:
            name = FIELD_WIDGETS.get(error.field or "")
            if name:
                self.w[name].setStyleSheet(ERROR_STYLE)

    def submit(self, keep_open: bool) -> intake.Registered | None:
        self._attempted = True
        form = self.form()
        errors = intake.check(form)[1]
        self.show_errors(errors)
        if errors or self.errors_label.text():
            errors = self._in_form_order(errors)
            first = FIELD_WIDGETS.get(errors[0].field or "") if errors else "purchase_date"
            if first:
                self.w[first].setFocus()
                self.scroll.ensureWidgetVisible(self.w[first])
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
        saved = intake.Registered(record.id, record.case_no)
        self.last_saved = saved
        self.saved.emit(record.id)
        if keep_open:
            self.reset()
            self.draft_status.setText(f"已保存 {record.case_no}，可以继续登记下一件。")
        else:
            self.accept()
        return saved

    def settle_on_the_spot(self) -> intake.Registered | None:
        if self.w["kind"].currentText() != Kind.COMPLAINT:
            self.errors_label.setText("· 只有投诉可以当场调解。")
            return None
        saved = self.submit(keep_open=False)
        if saved is None:
            return None
        if not operations.succeeded(
            self, lambda: intake.decide(saved.id, Decision.ACCEPTED, actor=self.actor), title="无法受理"
        ):
            return saved
        self.mediate_now.emit(saved.id)
        return saved

    def save_draft(self) -> None:
        intake.save_draft(self.form(), self.actor)
        self.draft_status.setText(f"草稿已自动保存 {datetime.now():%H:%M:%S}")

    def _offer_draft(self) -> None:
        found = intake.load_draft(self.actor)
        if found is None:
            return
        form, when = found
        answer = QMessageBox.question(
            self,
            "恢复草稿",
            f"发现一份未保存的登记草稿（{when:%Y-%m-%d %H:%M}），可能是上次异常退出时留下的。\n是否恢复？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.set_form(form)
        else:
            intake.discard_draft(self.actor)

    def reject(self) -> None:
        form = self.form()
        correcting = self.record_id is not None
        if correcting:
            touched = form != self._as_loaded
        else:
            touched = any(
                (form.complainant_name, form.phone, form.facts.strip(), form.respondent_name, form.clues)
            )
        what = "修改" if correcting else "登记"
        if (
            touched
            and QMessageBox.question(
                self,
                f"放弃{what}",
                f"本次{what}尚未保存，确定放弃吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self._autosave.stop()
        if self.record_id is None:
            intake.discard_draft(self.actor)
        super().reject()

    def new_business(self) -> None:
        """A business not on file yet: its details go with this registration, and it is added to the site's
        businesses only when the registration is saved."""
        name, ok = QInputDialog.getText(self, "新增商户", "商户名称：", text=self.w["respondent_name"].text())
        if not ok or not name.strip():
            return
        booth, _ = QInputDialog.getText(
            self, "新增商户", "铺位或位置（可不填）：", text=self.w["place"].text()
        )
        contact, _ = QInputDialog.getText(self, "新增商户", "负责人或联系人（可不填）：")
        phone, _ = QInputDialog.getText(self, "新增商户", "联系电话（可不填）：")
        self._respondent_id = None
        self._new_business = True
        self.w["respondent_name"].setText(name.strip())
        for field, value in (("place", booth), ("respondent_contact", contact), ("respondent_phone", phone)):
            if value.strip():
                self.w[field].setText(value.strip())
        self.draft_status.setText(f"“{name.strip()}”将在保存本次登记时加入商户名录。")
