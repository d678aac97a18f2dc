"""站点设置 → 办理时限: the time limits, editable from a date on."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.services import (
    calendar_rules,
)
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.widgets import read_only_table


class RulesPage(QWidget):
    def __init__(self, parent: QWidget | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        note = QLabel(
            "办理时限按生效日期适用：案件适用受理（或登记）当天有效的规定。修改后，未办结案件的期限立即重新计算。"
            "选中一行可修改；改变生效日期即新增一条自该日起施行的规定。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = read_only_table(["时限", "生效日期", "期限", "单位", "依据"])
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.effective = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.amount = QSpinBox(minimum=1, maximum=365)
        self.unit = QComboBox()
        for code, label in domain.TIME_UNITS.items():
            self.unit.addItem(label, code)
        self.save_button = QPushButton("保存时限")
        for widget in (QLabel("自"), self.effective, QLabel("起"), self.amount, self.unit, self.save_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.table.currentCellChanged.connect(lambda *_: self._pick())
        self.save_button.clicked.connect(self.save)
        self.reload()

    def reload(self) -> None:
        self.rows = calendar_rules.rules()
        self.table.setRowCount(len(self.rows))
        for r, rule in enumerate(self.rows):
            for c, text in enumerate(
                [
                    rule.title,
                    rule.effective_from.isoformat(),
                    str(rule.amount),
                    domain.TIME_UNITS.get(rule.unit, rule.unit),
                    rule.basis,
                ]
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _pick(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            rule = self.rows[row]
            self.effective.setDate(QDate(rule.effective_from))
            self.amount.setValue(rule.amount)
            self.unit.setCurrentIndex(self.unit.findData(rule.unit))

    def save(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            QMessageBox.information(self, "办理时限", "请先在表中选择要修改的时限。")
            return
        rule = self.rows[row]
        moved = operations.run(
            self,
            lambda: calendar_rules.save_rule(
                rule.code,
                self.effective.date().toPython(),
                self.amount.value(),
                self.unit.currentData(),
                rule.title,
                rule.basis,
                actor=self.actor,
            ),
            title="无法保存",
        )
        if moved is None:
            return
        self.status.setText(f"已保存。{moved} 件未办结案件的期限已重新计算。")
        self.reload()
