"""站点设置 → 辖区机构: the 12315 body, the market-regulation office and the consumer association."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import ValidationError
from weiquan_desktop.services import station
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui.widgets import read_only_table


class BodiesPage(QWidget):
    """辖区机构: the 12315 body, the market-regulation office and the consumer association, with contacts."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        self.table = read_only_table(["类别", "名称", "联系人", "电话", "地址"])
        layout.addWidget(self.table)
        form = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItems([*domain.BODY_KINDS, "其他"])
        self.name, self.contact, self.phone, self.address = (
            QLineEdit(placeholderText=p) for p in ("名称", "联系人", "电话", "地址")
        )
        self.new_button, self.save_button = QPushButton("新增"), QPushButton("保存")
        for widget in (
            self.kind,
            self.name,
            self.contact,
            self.phone,
            self.address,
            self.new_button,
            self.save_button,
        ):
            form.addWidget(widget)
        layout.addLayout(form)
        self.status = QLabel(wordWrap=True)
        layout.addWidget(self.status)
        self.selected: int | None = None
        self.table.currentCellChanged.connect(lambda *_: self._pick())
        self.new_button.clicked.connect(self._new)
        self.save_button.clicked.connect(self.save)
        self.reload()

    def reload(self) -> None:
        self.rows = station.bodies()
        self.table.setRowCount(len(self.rows))
        for r, b in enumerate(self.rows):
            for c, text in enumerate([b.kind, b.name, b.contact or "", b.phone or "", b.address or ""]):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _pick(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            b = self.rows[row]
            self.selected = b.id
            self.kind.setCurrentText(b.kind)
            for edit, value in (
                (self.name, b.name),
                (self.contact, b.contact),
                (self.phone, b.phone),
                (self.address, b.address),
            ):
                edit.setText(value or "")

    def _new(self) -> None:
        self.selected = None
        for edit in (self.name, self.contact, self.phone, self.address):
            edit.clear()

    def save(self) -> None:
        try:
            station.save_body(
                self.kind.currentText(),
                self.name.text(),
                self.contact.text(),
                self.phone.text(),
                self.address.text(),
                body_id=self.selected,
                actor=self.actor,
            )
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText("已保存。")
        self.reload()
