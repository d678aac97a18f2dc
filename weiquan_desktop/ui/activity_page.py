"""The 活动 tab: publicity and training activities, and the dialog that edits one."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.services import activities, staff, views
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui.widgets import fill, read_only_table, run_modal


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
        fill(
            self.table,
            [
                [
                    a.held_on.isoformat(),
                    a.type,
                    a.place,
                    "" if a.participants is None else str(a.participants),
                    a.staff,
                    a.materials,
                ]
                for a in self.rows
            ],
        )

    def edit(self, activity_id: int | None) -> None:
        if run_modal(ActivityDialog(activity_id, self.actor, self)):
            self.reload()


class ActivityDialog(QDialog):
    """A publicity or training activity: when, what, where, how many, who went, what was handed out."""

    def __init__(
        self, activity_id: int | None = None, actor: Actor | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.activity_id, self.actor = activity_id, actor
        self.setWindowTitle("宣传培训活动")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.held_on = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.type = QComboBox()
        self.type.addItems(domain.ACTIVITY_TYPES)
        self.place = QLineEdit()
        self.participants = QSpinBox(maximum=100000)
        self.materials = QLineEdit(placeholderText="如：宣传册300份、环保袋100个")
        self.description = QLineEdit()
        self.staff = QListWidget()
        for person in staff.roster():
            item = QListWidgetItem(person.name)
            item.setData(256, person.id)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.staff.addItem(item)
        for label, widget in (
            ("日期", self.held_on),
            ("类型", self.type),
            ("地点", self.place),
            ("参与人数", self.participants),
            ("发放资料", self.materials),
            ("内容", self.description),
            ("参加工作人员", self.staff),
        ):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if activity_id:
            a = views.activity_form(activity_id)
            self.held_on.setDate(QDate(a.held_on))
            self.type.setCurrentText(a.type)
            self.place.setText(a.place)
            self.participants.setValue(a.participants)
            self.materials.setText(a.materials)
            self.description.setText(a.description)
            for i in range(self.staff.count()):
                item = self.staff.item(i)
                if item.data(256) in a.staff_ids:
                    item.setCheckState(Qt.CheckState.Checked)

    def chosen_staff(self) -> list[int]:
        return [
            self.staff.item(i).data(256)
            for i in range(self.staff.count())
            if self.staff.item(i).checkState() == Qt.CheckState.Checked
        ]

    def accept(self) -> None:
        try:
            activities.save_activity(
                self.held_on.date().toPython(),
                self.type.currentText(),
                self.place.text(),
                self.participants.value(),
                self.materials.text(),
                self.description.text(),
                self.chosen_staff(),
                activity_id=self.activity_id,
                actor=self.actor,
            )
        except (UserError, ValidationError) as exc:
            self.error.setText(str(exc))
            return
        super().accept()
