"""The start-up panel: what is overdue, due today, tomorrow and this week."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services import duties, register
from weiquan_desktop.ui.register_view import due_colour


class DuePanel(QDialog):
    open_record = Signal(int)

    def __init__(self, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("今日待办")
        self.resize(760, 420)
        today = today or date.today()
        week_end = today + timedelta(days=6 - today.weekday())
        summary = register.due_summary(today)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"<b>已逾期 {summary.overdue} 件，今日到期 {summary.today} 件，明日到期 {summary.tomorrow} 件，"
                f"本周到期 {summary.this_week} 件。</b>　双击打开案件。"
            )
        )
        self.rows = register.due_list(max(week_end, today + timedelta(days=1)), today)
        self.table = QTableWidget(len(self.rows), 6)
        self.table.setHorizontalHeaderLabels(["期限", "日期", "编号", "类型", "状态", "被投诉方"])
        for r, row in enumerate(self.rows):
            when = row.next_due.isoformat() + ("（估算）" if row.due_estimated else "")
            for c, text in enumerate(
                [row.due_label, when, row.case_no, row.kind, row.state, row.respondent_name]
            ):
                item = QTableWidgetItem(text)
                colour = due_colour(row, today)
                if colour is not None:
                    item.setBackground(QBrush(colour))
                self.table.setItem(r, c, item)
        self.table.doubleClicked.connect(lambda index: self.open_record.emit(self.rows[index.row()].id))
        # what the last 30 days kept late or missed (feedback to 12315 after its date, a reply after 24 hours)
        self.late = duties.late_between(today - timedelta(days=30), today)
        self.late_table = QTableWidget(len(self.late), 4)
        self.late_table.setHorizontalHeaderLabels(["期限", "应办日期", "编号", "实际办理"])
        for table in (self.table, self.late_table):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        # a referral's label names its body and can be long: that column gives way (the full text as a tip),
        # so 实际办理 is never cut off at 1366x768
        header = self.late_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r, item in enumerate(self.late):
            done = item.done_at.strftime("%Y-%m-%d %H:%M") + " 逾期办理" if item.done_at else "未办理，已逾期"
            for c, text in enumerate([item.label, item.due.isoformat(), item.case_no, done]):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.late_table.setItem(r, c, cell)
        self.late_table.doubleClicked.connect(
            lambda index: self.open_record.emit(self.late[index.row()].record_id)
        )
        tabs = QTabWidget()
        tabs.addTab(self.table, f"待办（{len(self.rows)}）")
        tabs.addTab(self.late_table, f"近30日逾期（{len(self.late)}）")
        layout.addWidget(tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    @staticmethod
    def worth_showing(today: date | None = None) -> bool:
        summary = register.due_summary(today)
        return bool(summary.overdue or summary.this_week or summary.tomorrow)
