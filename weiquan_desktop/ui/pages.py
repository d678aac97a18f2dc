"""The 活动 tab."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services import activities
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui.widgets import fill, read_only_table


class ActivityPage(QWidget):
    HEADERS = ["日期", "类型", "地点", "参与人数", "工作人员", "发放资料"]

    def __init__(self, parent: QWidget | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>宣传与培训活动</b>（计入报表和工作人员考核；双击修改）"))
        bar.addStretch(1)
        self.add_button = QPushButton("新增活动…")
        self.add_button.clicked.connect(lambda: self.edit(None))
        bar.addWidget(self.add_button)
        layout.addLayout(bar)
        self.table = read_only_table(self.HEADERS)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.edit(self.rows[row].id))
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        self.rows = activities.list_activities()
        fill(self.table, [[a.held_on.isoformat(), a.type, a.place, "" if a.participants is None else str(a.participants),
                            a.staff, a.materials] for a in self.rows])

    def edit(self, activity_id: int | None) -> None:
        from weiquan_desktop.ui.station_pages import ActivityDialog

        if ActivityDialog(activity_id, self.actor, self).exec():
            self.reload()
