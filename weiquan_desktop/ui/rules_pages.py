"""站点设置 → 节假日与调休, 办理时限: the station's calendar and time limits, editable."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError
from weiquan_desktop.services import calendar_rules
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui.widgets import read_only_table


class HolidayPage(QWidget):
    def __init__(self, parent: QWidget | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            "程序内置2004—2026年国务院公布的节假日安排。每年11月前后公布下一年安排后，请在这里录入放假日和调休上班日；"
            "本表中的日期优先于内置日历。尚未录入的年份按周一至周五计算，期限标注“估算”。"))
        layout.itemAt(0).widget().setWordWrap(True)
        row = QHBoxLayout()
        self.day = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItems(["放假", "调休上班"])
        self.name = QLineEdit(placeholderText="名称，如：春节")
        self.add_button = QPushButton("添加/修改")
        self.remove_button = QPushButton("删除所选")
        for widget in (QLabel("日期"), self.day, self.kind, self.name, self.add_button, self.remove_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.table = read_only_table(["日期", "星期", "安排", "名称"])
        layout.addWidget(self.table)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.reload()

    def reload(self) -> None:
        rows = calendar_rules.holidays()
        self.table.setRowCount(len(rows))
        for r, h in enumerate(rows):
            for c, text in enumerate([h.day.isoformat(), "一二三四五六日"[h.day.weekday()],
                                      "调休上班" if h.workday else "放假", h.name or ""]):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def add(self) -> None:
        try:
            moved = calendar_rules.set_day(self.day.date().toPython(), self.kind.currentText() == "调休上班",
                                           self.name.text(), actor=self.actor)
        except UserError as exc:
            QMessageBox.warning(self, "节假日", str(exc))
            return
        self.status.setText(f"已保存。{moved} 件未办结案件的期限已按新日历重新计算。")
        self.reload()

    def remove(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        try:
            moved = calendar_rules.remove_day(date.fromisoformat(self.table.item(row, 0).text()), actor=self.actor)
        except UserError as exc:
            QMessageBox.warning(self, "节假日", str(exc))
            return
        self.status.setText(f"已删除。{moved} 件未办结案件的期限已重新计算。")
        self.reload()


class RulesPage(QWidget):
    def __init__(self, parent: QWidget | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        note = QLabel("办理时限按生效日期适用：案件适用受理（或登记）当天有效的规定。修改后，未办结案件的期限立即重新计算。"
                      "选中一行可修改；改变生效日期即新增一条自该日起施行的规定。")
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
            for c, text in enumerate([rule.title, rule.effective_from.isoformat(), str(rule.amount),
                                      domain.TIME_UNITS.get(rule.unit, rule.unit), rule.basis]):
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
        try:
            moved = calendar_rules.save_rule(rule.code, self.effective.date().toPython(), self.amount.value(),
                                             self.unit.currentData(), rule.title, rule.basis, actor=self.actor)
        except UserError as exc:
            QMessageBox.warning(self, "无法保存", str(exc))
            return
        self.status.setText(f"已保存。{moved} 件未办结案件的期限已重新计算。")
        self.reload()
