"""站点设置 → 工作人员: the roster, accounts, the coordinator's filing and the notice board."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.services import auth, printing, staff, views
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.widgets import read_only_table


def _save_pdf(parent: QWidget, title: str, make: object) -> Path | None:
    target, _ = QFileDialog.getSaveFileName(
        parent, f"保存{title}", str(Path.home() / f"{title}.pdf"), "PDF 文件 (*.pdf)"
    )
    if not target:
        return None
    if not operations.succeeded(parent, lambda: make(Path(target)), title="无法生成", changes=False):
        return None
    QDesktopServices.openUrl(QUrl.fromLocalFile(target))
    return Path(target)


class RosterPage(QWidget):
    """工作人员: who works at the desk, their accounts, the notice board and the coordinator filing."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        self.table = read_only_table(["姓名", "职务", "电话", "文化程度", "登录名", "培训次数"])
        layout.addWidget(self.table)
        form = QHBoxLayout()
        self.name = QLineEdit(placeholderText="姓名")
        self.role = QComboBox()
        self.role.addItems(domain.STAFF_ROLES)
        self.phone = QLineEdit(placeholderText="电话")
        self.education = QComboBox()
        self.education.addItems(["", *domain.EDUCATION_LEVELS])
        self.save_button = QPushButton("保存")
        self.new_button = QPushButton("新增")
        for widget in (self.name, self.role, self.phone, self.education, self.new_button, self.save_button):
            form.addWidget(widget)
        layout.addLayout(form)
        actions = QHBoxLayout()
        self.account_button = QPushButton("设置登录账号…")
        self.deactivate_button = QPushButton("停用")
        self.training_button = QPushButton("登记培训…")
        self.board_a4 = QPushButton("打印公示栏（A4）…")
        self.board_a3 = QPushButton("打印公示栏（A3）…")
        self.filing_button = QPushButton("打印协调员变更备案表…")
        for widget in (
            self.account_button,
            self.training_button,
            self.deactivate_button,
            self.board_a4,
            self.board_a3,
            self.filing_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status = QLabel(wordWrap=True)
        layout.addWidget(self.status)
        self.table.currentCellChanged.connect(lambda *_: self._pick())
        self.new_button.clicked.connect(self._new)
        self.save_button.clicked.connect(self.save)
        self.account_button.clicked.connect(self.make_account)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.training_button.clicked.connect(self.add_training)
        self.board_a4.clicked.connect(
            lambda: _save_pdf(self, "公示栏", lambda p: printing.notice_board(p, size="A4"))
        )
        self.board_a3.clicked.connect(
            lambda: _save_pdf(self, "公示栏", lambda p: printing.notice_board(p, size="A3"))
        )
        self.filing_button.clicked.connect(self.print_filing)
        self.selected: int | None = None
        self.reload()

    def reload(self) -> None:
        self.people = staff.roster()
        self.table.setRowCount(len(self.people))
        for r, s in enumerate(self.people):
            for c, text in enumerate(
                [s.name, s.role, s.phone or "", s.education or "", s.username or "", str(s.trainings.count())]
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.filing_button.setEnabled(views.latest_filing_id() is not None)

    def _pick(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.people):
            s = self.people[row]
            self.selected = s.id
            self.name.setText(s.name)
            self.role.setCurrentText(s.role)
            self.phone.setText(s.phone or "")
            self.education.setCurrentText(s.education or "")

    def _new(self) -> None:
        self.selected = None
        self.table.clearSelection()
        for edit in (self.name, self.phone):
            edit.clear()
        self.name.setFocus()

    def save(self) -> None:
        data = staff.StaffInput(
            self.name.text(), self.role.currentText(), self.phone.text(), self.education.currentText()
        )
        try:
            _person, filing = staff.save_staff(data, staff_id=self.selected, actor=self.actor)
        except (UserError, ValidationError) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(
            "已保存。" + ("协调员已变更，请打印“协调员变更备案表”报辖区12315机构备案。" if filing else "")
        )
        self.reload()

    def make_account(self) -> None:
        if self.selected is None:
            self.status.setText("请先在表中选择一名工作人员。")
            return
        person = next(p for p in self.people if p.id == self.selected)
        username, ok = QInputDialog.getText(self, "设置登录账号", f"{person.name} 的登录名：")
        if not ok:
            return
        password, ok = QInputDialog.getText(
            self, "设置登录账号", "初始密码（至少 8 位，请本人登录后修改）：", QLineEdit.EchoMode.Password
        )
        if not ok:
            return
        try:
            auth.create_account(person.name, person.role, username, password, actor=self.actor)
        except (UserError, ValidationError) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(f"已为 {person.name} 设置登录账号 {username}。")
        self.reload()

    def add_training(self) -> None:
        if self.selected is None:
            self.status.setText("请先在表中选择一名工作人员。")
            return
        topic, ok = QInputDialog.getText(self, "登记培训", "培训内容（如：消费者权益保护法培训）：")
        if not ok:
            return
        hours, ok = QInputDialog.getInt(self, "登记培训", "学时：", 2, 1, 200)
        if not ok:
            return
        try:
            staff.add_training(self.selected, date.today(), topic, hours, actor=self.actor)
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText("培训记录已保存。")
        self.reload()

    def deactivate(self) -> None:
        if self.selected is None:
            return
        if not operations.succeeded(
            self, lambda: staff.deactivate(self.selected, actor=self.actor), show=self.status.setText
        ):
            return
        self.reload()

    def print_filing(self) -> None:
        latest = views.latest_filing_id()
        if latest is not None:
            _save_pdf(self, "协调员变更备案表", lambda p: printing.coordinator_filing(latest, p))
