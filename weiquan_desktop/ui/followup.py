"""跟进: what still needs a call or a letter after a case left the desk."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLabel,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.privacy import mask_name
from weiquan_desktop.services import mediation
from weiquan_desktop.ui.widgets import fill, read_only_table


class FollowUpPage(QWidget):
    open_record = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("双击一行打开案件。"))
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.visits = read_only_table(["编号", "办结时间", "状态", "消费者", "被投诉方"])
        self.referrals = read_only_table(["移交单号", "案件编号", "接收单位", "移交时间", "应反馈日期"])
        self.transfers = read_only_table(["编号", "转办编号", "登记时间", "状态", "反馈期限"])
        self.groups = read_only_table(["编号", "登记时间", "类别", "状态", "被投诉方"])
        for title, table in (
            ("待回访", self.visits),
            ("移交待反馈", self.referrals),
            ("转办待反馈", self.transfers),
            ("群体性/重大", self.groups),
        ):
            self.tabs.addTab(table, title)
            table.cellDoubleClicked.connect(lambda row, _col, t=table: self._open(t, row))
        self._ids: dict[int, list[int]] = {}
        self.reload()

    def _fill(self, table: QTableWidget, rows: list[tuple[int, list[str]]]) -> None:
        self._ids[id(table)] = [record_id for record_id, _ in rows]
        fill(table, [cells for _id, cells in rows])
        index = self.tabs.indexOf(table)
        self.tabs.setTabText(index, f"{self.tabs.tabText(index).split('（')[0]}（{len(rows)}）")

    def _open(self, table: QTableWidget, row: int) -> None:
        self.open_record.emit(self._ids[id(table)][row])

    def reload(self) -> None:
        fmt = "%Y-%m-%d %H:%M"
        self._fill(
            self.visits,
            [
                (
                    r.id,
                    [
                        r.case_no,
                        r.closed_at.strftime(fmt),
                        r.state,
                        mask_name(r.complainant_name),
                        r.respondent_name or "",
                    ],
                )
                for r in mediation.awaiting_visit()
            ],
        )
        self._fill(
            self.referrals,
            [
                (
                    f.record_id,
                    [
                        f.number,
                        f.record.case_no,
                        f.body_name,
                        f.referred_at.strftime(fmt),
                        f.feedback_due.isoformat() if f.feedback_due else "",
                    ],
                )
                for f in mediation.awaiting_feedback()
            ],
        )
        self._fill(
            self.transfers,
            [
                (
                    r.id,
                    [
                        r.case_no,
                        r.external_no or "",
                        r.received_at.strftime(fmt),
                        r.state,
                        r.next_due.isoformat() if r.next_due else "",
                    ],
                )
                for r in mediation.transfers_awaiting_feedback()
            ],
        )
        self._fill(
            self.groups,
            [
                (
                    r.id,
                    [
                        r.case_no,
                        r.received_at.strftime(fmt),
                        "群体性" if r.is_group else "重大",
                        r.state,
                        r.respondent_name or "",
                    ],
                )
                for r in mediation.group_cases()
            ],
        )
