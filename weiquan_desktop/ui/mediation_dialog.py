"""调解: sessions, the clock, and the outcome (和解成功 with terms, 调解终止, 撤回) of an accepted complaint."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.domain import State
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.services import mediation, views
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.services.mediation import TermInput
from weiquan_desktop.ui.forms import child, load_form
from weiquan_desktop.ui.widgets import run_modal

TERM_COLUMNS = ["类别", "内容（谁做什么）", "金额（元）", "履行方", "履行期限（YYYY-MM-DD）"]
PUNITIVE_BASES = ["", "消费者权益保护法第五十五条", "食品安全法第一百四十八条"]


class LawDialog(QDialog):
    """法规速查: the articles staff cite most, one line each (also opened from consultations)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("法规速查")
        self.resize(720, 360)
        from PySide6.QtWidgets import QVBoxLayout

        layout = QVBoxLayout(self)
        table = QTableWidget(len(mediation.LAWS), 2)
        table.setHorizontalHeaderLabels(["条文", "要点"])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for r, (article, summary) in enumerate(mediation.LAWS):
            table.setItem(r, 0, QTableWidgetItem(article))
            table.setItem(r, 1, QTableWidgetItem(summary))
        table.resizeRowsToContents()
        layout.addWidget(table)
        self.table = table


class MediationDialog(QDialog):
    changed = Signal(int)

    def __init__(self, record_id: int, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record_id, self.actor = record_id, actor
        load_form("mediation_dialog.ui", self)
        self.summary = child(self, QLabel, "summary")
        self.errors = child(self, QLabel, "errors")
        self.sessions = child(self, QTableWidget, "sessions")
        self.terms = child(self, QTableWidget, "terms")
        self.outcomes = child(self, QTabWidget, "outcomes")
        self.f = {
            name: self.findChild(QWidget, name)
            for name in (
                "held_at",
                "mode",
                "mediator",
                "attendees",
                "consumer_statement",
                "business_statement",
                "notes",
                "recovered",
                "punitive",
                "punitive_basis",
                "third_party",
                "third_party_role",
                "third_party_contact",
                "third_party_phone",
                "third_party_address",
                "ground",
                "party",
                "withdraw_reason",
            )
        }
        self.b = {
            name: child(self, QPushButton, name)
            for name in (
                "addSession",
                "addTerm",
                "removeTerm",
                "laws",
                "settle",
                "terminate",
                "withdraw",
                "pause",
                "close",
            )
        }
        self.helper = child(self, QLabel, "helper")
        # three past sessions in view (one and a half were), the rest scroll; the whole dialog scrolls too
        rows = self.sessions.verticalHeader().defaultSectionSize()
        self.sessions.setMinimumHeight(self.sessions.horizontalHeader().sizeHint().height() + 3 * rows + 6)
        self.sessions.setMaximumHeight(self.sessions.horizontalHeader().sizeHint().height() + 5 * rows + 6)
        self.terms.setMinimumHeight(140)
        self.b["pause"].setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.f["mode"].addItems(domain.MEDIATION_MODES)
        self.f["mediator"].addItem("", None)
        for option in views.staff_options():
            self.f["mediator"].addItem(option.label, option.id)
        if actor is not None:
            self.f["mediator"].setCurrentIndex(max(self.f["mediator"].findData(actor.id), 0))
        self.f["punitive_basis"].addItems(PUNITIVE_BASES)
        self.f["ground"].addItem("（请选择终止理由）", None)
        for ground in views.grounds("termination"):
            self.f["ground"].addItem(ground, ground)
        self.f["party"].addItem("", None)
        for party in domain.TERMINATION_PARTIES:
            self.f["party"].addItem(party, party)
        self.f["ground"].currentIndexChanged.connect(self._ground_changed)
        self._ground_changed()
        self.terms.setColumnCount(len(TERM_COLUMNS))
        self.terms.setHorizontalHeaderLabels(TERM_COLUMNS)
        self.terms.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.terms.setColumnWidth(4, 170)
        self.terms.verticalHeader().setVisible(False)
        self.terms.itemChanged.connect(self._terms_changed)
        self._recovered_edited = False
        self.f["recovered"].textEdited.connect(lambda _t: setattr(self, "_recovered_edited", True))
        self.b["addSession"].clicked.connect(self.add_session)
        self.b["addTerm"].clicked.connect(lambda: self.add_term())
        self.b["removeTerm"].clicked.connect(self.remove_term)
        self.b["laws"].clicked.connect(lambda: run_modal(LawDialog(self)))
        self.b["settle"].clicked.connect(self.settle)
        self.b["terminate"].clicked.connect(self.terminate)
        self.b["withdraw"].clicked.connect(self.withdraw)
        self.b["pause"].clicked.connect(self.toggle_pause)
        self.b["close"].clicked.connect(self.close)
        self.f["held_at"].setDateTime(QDateTime.currentDateTime())
        self.reload()
        if self.terms.rowCount() == 0:
            self.add_term()

    # --- display ----------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.view = views.mediation_view(self.record_id)
        v = self.view
        due = f"　{v.due.text}" if v.due else ""
        conflict = f"<br><span style='color:#b3261e'>{v.conflict}</span>" if v.conflict else ""
        self.summary.setText(f"<b>{v.case_no}</b>　{v.summary}　状态：{v.state}{due}{conflict}")
        self.b["pause"].setText("恢复计时" if v.paused else "暂停计时（检测/鉴定）…")
        self.sessions.setColumnCount(5)
        self.sessions.setHorizontalHeaderLabels(["时间", "方式", "调解员", "参加人员", "调解情况"])
        self.sessions.setRowCount(len(v.sessions))
        self.sessions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sessions.verticalHeader().setVisible(False)
        self.sessions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.sessions.horizontalHeader().setStretchLastSection(True)
        for i, s in enumerate(v.sessions):
            for c, text in enumerate(
                [s.held_at.strftime("%Y-%m-%d %H:%M"), s.mode, s.mediator, s.attendees, s.notes]
            ):
                self.sessions.setItem(i, c, QTableWidgetItem(text))
        open_ = v.state == State.MEDIATING
        for name in ("addSession", "settle", "terminate", "withdraw", "pause", "addTerm", "removeTerm"):
            self.b[name].setEnabled(open_)
        self.helper.setText(mediation.compensation_hint(v.amount, v.category))

    def _fail(self, exc: Exception) -> None:
        self.errors.setText(str(exc))

    def _done(self) -> None:
        self.errors.clear()
        self.reload()
        self.changed.emit(self.record_id)

    # --- sessions and clock -----------------------------------------------------------------------------

    def add_session(self) -> None:
        f = self.f
        try:
            mediation.add_session(
                self.record_id,
                held_at=f["held_at"].dateTime().toPython().replace(second=0, microsecond=0),
                mode=f["mode"].currentText(),
                mediator_id=f["mediator"].currentData(),
                attendees=f["attendees"].text(),
                consumer_statement=f["consumer_statement"].text(),
                business_statement=f["business_statement"].text(),
                notes=f["notes"].text(),
                actor=self.actor,
                version=self.view.version,
            )
        except (UserError, ValidationError) as exc:
            self._fail(exc)
            return
        for name in ("attendees", "consumer_statement", "business_statement", "notes"):
            f[name].clear()
        self._done()

    def toggle_pause(self) -> None:
        try:
            if self.view.paused:
                mediation.resume_clock(
                    self.record_id, date.today(), actor=self.actor, version=self.view.version
                )
            else:
                reason, ok = QInputDialog.getItem(
                    self,
                    "暂停计时",
                    "原因（检验、检测、鉴定期间不计入调解期限）：",
                    ["送检测", "送鉴定", "送检验"],
                    0,
                    True,
                )
                if not ok:
                    return
                mediation.pause_clock(
                    self.record_id, date.today(), reason, actor=self.actor, version=self.view.version
                )
        except (UserError, ValidationError) as exc:
            self._fail(exc)
            return
        self._done()

    # --- terms ------------------------------------------------------------------------------------------

    def add_term(
        self, kind: str = "退款", action: str = "", amount: str = "", obligor: str = "乙方", due: str = ""
    ) -> int:
        row = self.terms.rowCount()
        self.terms.insertRow(row)
        box = QComboBox()
        box.addItems(domain.TERM_KINDS)
        box.setCurrentText(kind)
        box.currentTextChanged.connect(lambda _t: self._terms_changed())
        self.terms.setCellWidget(row, 0, box)
        for column, text in ((1, action), (2, amount), (3, obligor), (4, due)):
            self.terms.setItem(row, column, QTableWidgetItem(text))
        return row

    def remove_term(self) -> None:
        row = self.terms.currentRow()
        if row >= 0:
            self.terms.removeRow(row)
            self._terms_changed()

    def term_inputs(self) -> list[TermInput]:
        out = []
        for row in range(self.terms.rowCount()):

            def text(column: int, row: int = row) -> str:
                item = self.terms.item(row, column)
                return item.text().strip() if item else ""

            due_text = text(4)
            try:
                due = date.fromisoformat(due_text) if due_text else None
            except ValueError:
                raise ValidationError(
                    f"第{row + 1}项条款的履行期限应写成 YYYY-MM-DD：{due_text}", "和解条款"
                ) from None
            out.append(
                TermInput(self.terms.cellWidget(row, 0).currentText(), text(1), text(2) or None, text(3), due)
            )
        return out

    def _terms_changed(self, *_args: object) -> None:
        if self._recovered_edited:
            return
        try:
            total = mediation.recovered_from_terms(self.term_inputs())
        except ValidationError:
            return
        self.f["recovered"].setText(f"{total:.2f}")

    # --- outcomes -----------------------------------------------------------------------------------------

    def settle(self) -> None:
        f = self.f
        try:
            mediation.settle(
                self.record_id,
                self.term_inputs(),
                recovered=f["recovered"].text() or None,
                punitive_amount=f["punitive"].text() or None,
                punitive_basis=f["punitive_basis"].currentText(),
                third_party=mediation.ThirdParty(
                    f["third_party"].text(),
                    f["third_party_role"].text(),
                    f["third_party_contact"].text(),
                    f["third_party_phone"].text(),
                    f["third_party_address"].text(),
                ),
                actor=self.actor,
                version=self.view.version,
            )
        except (UserError, ValidationError) as exc:
            self._fail(exc)
            return
        self._done()
        QMessageBox.information(
            self, "和解成功", f"案件 {self.view.case_no} 已和解，可在案件详情中打印和解协议书。"
        )

    def _ground_changed(self) -> None:
        needs_party = self.f["ground"].currentData() in domain.GROUNDS_WITH_PARTY
        self.f["party"].setEnabled(needs_party)
        if not needs_party:
            self.f["party"].setCurrentIndex(0)

    def terminate(self) -> bool:
        ground = self.f["ground"].currentData()
        if not ground:
            self._fail(ValidationError("请选择终止调解的理由。", "终止理由"))
            return False
        if (
            QMessageBox.question(self, "终止调解", f"以“{ground}”终止调解？终止后本案不能再调解。")
            != QMessageBox.StandardButton.Yes
        ):
            return False
        try:
            mediation.terminate(
                self.record_id,
                ground,
                party=self.f["party"].currentData(),
                actor=self.actor,
                version=self.view.version,
            )
        except (UserError, ValidationError) as exc:
            self._fail(exc)
            return False
        self._done()
        self.offer_referral()
        return True

    def offer_referral(self) -> ReferralDialog | None:
        """The station's rules: a mediation that failed goes to the 12315 body with its materials, unless the
        consumer is told to go elsewhere (then 不移交的原因 in the case). Offered at once, never forced."""
        if (
            QMessageBox.question(
                self,
                "调解终止",
                "调解已终止。是否现在将案件及材料移交辖区12315机构（或市场监管部门）？"
                "\n选“否”可稍后在案件中移交，或记录不移交的原因。",
            )
            != QMessageBox.StandardButton.Yes
        ):
            return None
        self.referral = ReferralDialog(self.record_id, self.actor, self)
        self.referral.accepted.connect(lambda: self._done())
        self.referral.open()  # window-modal over this dialog, without a nested event loop
        return self.referral

    def withdraw(self) -> None:
        try:
            mediation.withdraw(
                self.record_id,
                reason=self.f["withdraw_reason"].text(),
                actor=self.actor,
                version=self.view.version,
            )
        except (UserError, ValidationError) as exc:
            self._fail(exc)
            return
        self._done()


class ReferralDialog(QDialog):
    """移交: receiving body, reason, materials with counts and pages, report-back date."""

    def __init__(self, record_id: int, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtCore import QDate
        from PySide6.QtWidgets import QDateEdit, QDialogButtonBox, QFormLayout, QVBoxLayout

        self.record_id, self.actor = record_id, actor
        self.version = views.record_version(
            record_id
        )  # as read when opened: a save by another desk since then is refused
        self.setWindowTitle("移交")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.body = QComboBox(editable=True)
        for option in views.body_options():
            self.body.addItem(option.label, option.id)
        self.reason = QComboBox()
        self.reason.addItems(domain.REFERRAL_REASONS)
        due = mediation.referral_feedback_due(date.today())
        self.due = QDateEdit(QDate(due), calendarPopup=True, displayFormat="yyyy-MM-dd")
        form.addRow("接收单位", self.body)
        form.addRow("移交原因", self.reason)
        form.addRow("请于此日前反馈", self.due)
        layout.addLayout(form)
        self.materials = QTableWidget(0, 3)
        self.materials.setHorizontalHeaderLabels(["材料名称", "份数", "页数"])
        self.materials.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for name, count, pages in (("投诉登记表", "1", "1"), ("调解记录", "1", "1")):
            self.add_material(name, count, pages)
        layout.addWidget(QLabel("移交材料（可修改，双击编辑）"))
        layout.addWidget(self.materials)
        add = QPushButton("增加材料")
        add.clicked.connect(lambda: self.add_material("", "1", "1"))
        layout.addWidget(add)
        self.error = QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("移交")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def add_material(self, name: str, count: str, pages: str) -> None:
        row = self.materials.rowCount()
        self.materials.insertRow(row)
        for column, text in enumerate((name, count, pages)):
            self.materials.setItem(row, column, QTableWidgetItem(text))

    def accept(self) -> None:
        items = []
        for row in range(self.materials.rowCount()):
            cells = [
                (self.materials.item(row, c).text().strip() if self.materials.item(row, c) else "")
                for c in range(3)
            ]
            if not any(cells):
                continue
            try:
                items.append(mediation.Material(cells[0], int(cells[1]), int(cells[2])))
            except ValueError:
                self.error.setText(f"第{row + 1}行材料的份数和页数应为整数。")
                return
        body_id = (
            self.body.currentData()
            if self.body.currentText() == self.body.itemText(self.body.currentIndex())
            else None
        )
        try:
            self.referral = mediation.refer(
                self.record_id,
                self.reason.currentText(),
                body_id=body_id,
                body_name=self.body.currentText(),
                materials=items,
                feedback_due=self.due.date().toPython(),
                actor=self.actor,
                version=self.version,
            )
        except (UserError, ValidationError) as exc:
            self.error.setText(str(exc))
            return
        super().accept()
