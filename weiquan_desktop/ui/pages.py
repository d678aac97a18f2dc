"""The 报表 overview and 活动 tabs."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.services import activities, statistics


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class OverviewPage(QWidget):
    """Quarter by quarter for a year: what came in, what was accepted, settled and recovered."""

    HEADERS = ["季度", *domain.KINDS, "受理投诉", "解决件数", "投诉解决率", "挽回经济损失（元）"]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>年度概况</b>　年份："))
        self.year = QSpinBox(minimum=2000, maximum=2100, value=date.today().year)
        self.year.valueChanged.connect(self.reload)
        bar.addWidget(self.year)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.table = _table(self.HEADERS)
        layout.addWidget(self.table)
        layout.addWidget(QLabel("按季度统计登记时间在该季度内的记录；解决件数与挽回经济损失按办结时间统计。"))
        self.reload()

    def reload(self) -> None:
        rows = []
        for q in statistics.year_overview(self.year.value()):
            rate = "—" if q.resolution_rate is None else f"{q.resolution_rate:.2%}"
            rows.append([f"第{'一二三四'[q.quarter - 1]}季度", *(str(q.received[k]) for k in domain.KINDS),
                         str(q.accepted), str(q.resolved), rate, f"{q.recovered:,.2f}"])
        _fill(self.table, rows)


class ActivityPage(QWidget):
    HEADERS = ["日期", "类型", "地点", "参与人数", "工作人员", "发放资料"]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>宣传与培训活动</b>"))
        self.table = _table(self.HEADERS)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        _fill(self.table, [[a.held_on.isoformat(), a.type, a.place, "" if a.participants is None else str(a.participants),
                            a.staff, a.materials] for a in activities.list_activities()])
