"""The 站点设置 tab: one page per part of the station's set-up, each from the module of its name beside this."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services import (
    station,
)
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui.settings.bodies import BodiesPage
from weiquan_desktop.ui.settings.calendar import HolidayPage
from weiquan_desktop.ui.settings.preferences import PreferencesPage
from weiquan_desktop.ui.settings.retention import RetentionPage
from weiquan_desktop.ui.settings.rules import RulesPage
from weiquan_desktop.ui.settings.staff import RosterPage
from weiquan_desktop.ui.settings.station import StationForm
from weiquan_desktop.ui.settings.wuyou import WuyouPage


class SettingsPage(QWidget):
    """站点设置 tab: the profile (saved with an audit entry of what changed), the calendar, the time limits."""

    def __init__(self, parent: QWidget | None = None, user: Actor | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        self.tabs = QTabWidget()
        outer.addWidget(self.tabs)
        profile_page = QWidget()
        layout = QVBoxLayout(profile_page)
        self.form = StationForm(self)
        layout.addWidget(self.form)
        row = QHBoxLayout()
        self.status = QLabel()
        self.save_button = QPushButton("保存站点信息")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.user = user
        self.holidays = HolidayPage(actor=user)
        self.rules = RulesPage(actor=user)
        self.tabs.addTab(profile_page, "站点信息")
        self.roster = RosterPage(actor=user)
        self.wuyou = WuyouPage(actor=user)
        self.retention = RetentionPage(actor=user)
        self.bodies = BodiesPage(actor=user)
        self.preferences = PreferencesPage(actor=user)
        self.tabs.addTab(self.bodies, "辖区机构")
        self.tabs.addTab(self.roster, "工作人员")
        self.tabs.addTab(self.wuyou, "五有")
        self.tabs.addTab(self.holidays, "节假日与调休")
        self.tabs.addTab(self.rules, "办理时限")
        self.tabs.addTab(self.retention, "保存期限")
        self.tabs.addTab(self.preferences, "其他设置")
        self.reload()

    def reload(self) -> None:
        profile = station.load_profile()
        if profile is not None:
            self.form.set_profile(profile)

    def save(self) -> None:
        if self.form.save(actor=self.user):
            self.status.setText("已保存。")
            self.reload()
        else:
            self.status.clear()
