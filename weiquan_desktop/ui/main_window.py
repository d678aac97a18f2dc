"""The main window: tabs 台账, 跟进, 报表, 活动, 站点设置; menus; a status bar with what needs attention.

Start-up shows the register as soon as it can: the other tabs are built when first opened (or first used by
code), their modules imported then, and the status bar's due counts and the automatic backup's timer start
just after the first paint.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from weiquan_desktop import APP_TITLE, __version__
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import audit, calendar_rules, register, station
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.forms import child, load_form
from weiquan_desktop.ui.register_view import RegisterView
from weiquan_desktop.ui.tasks import Task
from weiquan_desktop.ui.widgets import run_modal, show_window

if TYPE_CHECKING:
    from weiquan_desktop.ui.activity_page import ActivityPage
    from weiquan_desktop.ui.backup_ui import AutoBackup
    from weiquan_desktop.ui.case_detail import CaseDetailDialog
    from weiquan_desktop.ui.due_panel import DuePanel
    from weiquan_desktop.ui.followup import FollowUpPage
    from weiquan_desktop.ui.intake_dialog import IntakeDialog
    from weiquan_desktop.ui.report_page import ReportPage
    from weiquan_desktop.ui.settings.tab import SettingsPage

FIRST_ROWS = 500  # the register's first screenful at start-up; the rest follows after the first paint


class MainWindow(QMainWindow):
    def __init__(
        self,
        data_dir: DataDir,
        user: Actor | None = None,
        parent: QWidget | None = None,
        *,
        database_url: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.user = user
        self.database_url = database_url  # a desk on a shared database stays on it, also after a restore
        load_form("main_window.ui", self)
        self.tabs = child(self, QTabWidget, "tabs")
        self.register_view = RegisterView(first_rows=FIRST_ROWS, defer_rest=True)
        child(self, QWidget, "registerTab").layout().addWidget(self.register_view)
        self._pages: dict[str, QWidget] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {
            "followupTab": self._make_followup,
            "reportTab": self._make_report,
            "activityTab": self._make_activities,
            "settingsTab": self._make_settings,
        }
        self.tabs.currentChanged.connect(lambda index: self._page(self.tabs.widget(index).objectName()))
        self.station_label = QLabel()
        # the station's name gives way first: its full width, with December's calendar reminder and the due
        # counts beside it, made the window wider than a 1366×768 screen at 125% (the name is in the title too)
        self.station_label.setMinimumWidth(1)
        self.attention_label = QLabel()
        self.calendar_label = QLabel(
            styleSheet="color: #8a5a00;"
        )  # December: next year's holidays not in yet
        self.statusBar().addWidget(self.station_label, 1)
        self.statusBar().addPermanentWidget(self.calendar_label)
        self.statusBar().addPermanentWidget(self.attention_label)
        actions = {
            "actionOpenDataFolder": self.open_data_folder,
            "actionQuit": self.close,
            "actionRefresh": self.refresh,
            "actionCheck": self.run_check,
            "actionTestPage": self.test_page,
            "actionAbout": self.about,
            "actionNewRecord": self.new_record,
            "actionDuePanel": self.show_due_panel,
            "actionExportLedger": self.export_ledger,
            "actionImportLedger": self.import_ledger,
            "actionLaws": self.show_laws,
            "actionImportTransfers": self.import_transfers,
            "actionPassword": self.change_password,
            "actionLock": self.lock,
            "actionAudit": self.show_audit,
            "actionBackup": self.backup_to_usb,
            "actionRestore": self.restore,
        }
        for name, slot in actions.items():
            child(self, QAction, name).triggered.connect(slot)
        self.register_view.new_record.connect(self.new_record)
        self.register_view.open_record.connect(self.open_record)
        self._backup_head = audit.head()  # what the automatic backup compares against
        # the due counts change with the clock, not only with edits (a desk left open past midnight)
        self._status_timer = QTimer(self, interval=10 * 60_000)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        self._auto_backup: AutoBackup | None = None
        self.refresh_title()
        self.locked = False
        self._painted = False
        self.started = False  # painted once, and what waited for that has run

    def show_fitting(self) -> None:
        """A station's 1366×768 screen: the window fills it (above the taskbar, status bar in view)."""
        from weiquan_desktop.ui.widgets import available_area, fit_to_screen

        area = available_area(self)
        fit_to_screen(
            self
        )  # fits even where maximizing is not honoured (no window manager, a remote desktop)
        if area.width() < 1500 or area.height() < 900:
            self.showMaximized()
        else:
            self.resize(min(self.width(), area.width()), min(self.height(), area.height()))
            self.show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._painted:
            self.windowHandle().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # the window's first expose paints it; what is queued from here runs after that first frame
        if watched is self.windowHandle() and event.type() == QEvent.Type.Expose and not self._painted:
            self._painted = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._after_first_paint)
        return super().eventFilter(watched, event)

    def _after_first_paint(self) -> None:
        self.register_view.model.load_rest_later()
        self.refresh_status()
        _ = self.auto_backup  # starts its half-hourly timer
        self.started = True

    # --- pages built on first use ---------------------------------------------------------------------

    def _page(self, name: str) -> QWidget | None:
        if name not in self._factories:
            return None
        page = self._pages.get(name)
        if page is None:
            from weiquan_desktop.ui.widgets import scrolling

            page = self._pages[name] = self._factories[name]()
            # a page taller than a 1366×768 screen at 125% scrolls; it grew the window past the taskbar
            child(self, QWidget, name).layout().addWidget(scrolling(page))
        return page

    def _make_followup(self) -> QWidget:
        from weiquan_desktop.ui.followup import FollowUpPage

        page = FollowUpPage()
        page.open_record.connect(self.open_record)
        return page

    def _make_report(self) -> QWidget:
        from weiquan_desktop.ui.report_page import ReportPage

        return ReportPage(actor=self.user)

    def _make_activities(self) -> QWidget:
        from weiquan_desktop.ui.activity_page import ActivityPage

        return ActivityPage(actor=self.user)

    def _make_settings(self) -> QWidget:
        from weiquan_desktop.ui.settings.tab import SettingsPage

        page = SettingsPage(user=self.user)
        page.save_button.clicked.connect(self.refresh_status)
        return page

    @property
    def followup(self) -> FollowUpPage:
        return self._page("followupTab")

    @property
    def report_page(self) -> ReportPage:
        return self._page("reportTab")

    @property
    def activities(self) -> ActivityPage:
        return self._page("activityTab")

    @property
    def settings(self) -> SettingsPage:
        return self._page("settingsTab")

    @property
    def auto_backup(self) -> AutoBackup:
        if self._auto_backup is None:
            from weiquan_desktop.ui.backup_ui import AutoBackup

            self._auto_backup = AutoBackup(self.data_dir, self, last_head=self._backup_head)
        return self._auto_backup

    def restore(self) -> None:
        from weiquan_desktop.ui import backup_ui

        if backup_ui.restore_from_backup(self, self.data_dir, self.database_url, actor=self.user):
            self.refresh()

    def backup_to_usb(self) -> Task | None:
        from weiquan_desktop.ui import backup_ui

        return backup_ui.backup_to_usb(self, self.data_dir, self.user)

    def show_laws(self) -> None:
        from weiquan_desktop.ui.mediation_dialog import LawDialog

        show_window(LawDialog(self))

    def new_record(self) -> IntakeDialog:
        from weiquan_desktop.ui.intake_dialog import IntakeDialog

        dialog = IntakeDialog(actor=self.user, parent=self)
        dialog.setModal(True)
        dialog.saved.connect(lambda _id: self.refresh_records())
        dialog.mediate_now.connect(lambda record_id: self.open_record(record_id).mediate())
        dialog.finished.connect(self._back_to_register)
        return show_window(dialog)

    def _back_to_register(self) -> None:
        """After a registration the keyboard is back at the register's search (it was nowhere)."""
        if self.isVisible() and not any(
            w.isModal() and w.isVisible() for w in QApplication.topLevelWidgets() if w is not self
        ):
            self.activateWindow()
            self.register_view.focus_search()

    def open_record(self, record_id: int) -> CaseDetailDialog:
        from weiquan_desktop.ui.case_detail import CaseDetailDialog

        dialog = CaseDetailDialog(record_id, self.user, parent=self)
        dialog.changed.connect(lambda _id: self.refresh_records())
        return show_window(dialog)

    def show_audit(self) -> None:
        from weiquan_desktop.ui.audit_dialog import AuditDialog

        operations.run(
            self, lambda: show_window(AuditDialog(self.user, self)), title="审计日志", changes=False
        )

    def change_password(self) -> None:
        from weiquan_desktop.ui.login import PasswordDialog

        if self.user is None:
            QMessageBox.information(self, "修改密码", "本站尚未设置工作人员账号。")
            return
        dialog = PasswordDialog(self.user, self)
        if run_modal(dialog):
            self.user = dialog.user
            QMessageBox.information(self, "修改密码", "密码已修改，下次登录请使用新密码。")

    def lock(self) -> bool:
        """The idle lock (or Ctrl+L): every window is covered, so the consumer at the counter sees nothing,
        and the same user's password opens the desk again; leaving asks first and then quits."""
        from PySide6.QtWidgets import QApplication

        from weiquan_desktop.ui.login import LoginDialog
        from weiquan_desktop.ui.widgets import Cover

        if self.user is None:
            return True
        covers = [
            Cover(window)
            for window in QApplication.topLevelWidgets()
            if window.isVisible() and window.isWindow() and not isinstance(window, LoginDialog)
        ]
        self.locked = True
        try:
            dialog = LoginDialog(self, locked_user=self.user)
            accepted = run_modal(dialog) == QDialog.DialogCode.Accepted
        finally:
            self.locked = False
            for cover in covers:
                cover.deleteLater()
        if accepted:
            return True
        self.close()
        return False

    def show_due_panel_if_needed(self) -> None:
        from weiquan_desktop.ui.due_panel import DuePanel

        if DuePanel.worth_showing():
            self.show_due_panel()

    def show_due_panel(self) -> DuePanel:
        from weiquan_desktop.ui.due_panel import DuePanel

        panel = DuePanel(self)
        panel.open_record.connect(self.open_record)
        return show_window(panel)

    def export_ledger(self) -> Task | None:
        from weiquan_desktop.ui import ledger_dialogs

        model = self.register_view.model
        return ledger_dialogs.export_ledger(self, copy.deepcopy(model.query), model.rowCount(), self.user)

    def import_ledger(self) -> None:
        from weiquan_desktop.ui import ledger_dialogs

        ledger_dialogs.import_ledger(self, self.refresh, self.user)

    def import_transfers(self) -> None:
        from weiquan_desktop.ui.transfer_dialog import TransferImportDialog

        source, _ = QFileDialog.getOpenFileName(self, "选择转办表", str(Path.home()), "Excel 工作簿 (*.xlsx)")
        if not source:
            return
        dialog = operations.run(
            self, lambda: TransferImportDialog(Path(source), self), title="无法导入", changes=False
        )
        if dialog is None:
            return
        if run_modal(dialog):
            QMessageBox.information(self, "导入完成", f"已导入 {dialog.imported} 件转办投诉。")
            self.refresh()

    def refresh_records(self) -> None:
        self.register_view.apply_filters()
        if "followupTab" in self._pages:
            self.followup.reload()
        self.refresh_status()

    def refresh(self) -> None:
        """F5, and after an import or a restore: every page built so far reads the database again."""
        self.register_view.reload_handlers()
        self.register_view.apply_filters()
        for name, page in self._pages.items():
            getattr(page, "reload_snapshots" if name == "reportTab" else "reload")()
        self.refresh_status()

    def refresh_title(self) -> None:
        profile = station.load_profile()
        name = profile.name if profile else "（尚未填写站点信息）"
        self.setWindowTitle(f"{name} - {APP_TITLE}")
        who = f"　当前用户：{self.user.name}（{self.user.role}）" if self.user else ""
        self.station_label.setText(f"{name}　数据文件夹：{self.data_dir.root}{who}")

    def refresh_status(self) -> None:
        from weiquan_desktop.services.session import new_day

        new_day()  # a window left open overnight counts paused clocks on
        self.refresh_title()
        reminder = calendar_rules.next_year_missing()
        self.calendar_label.setText(f"尚未导入{date.today().year + 1}年放假安排" if reminder else "")
        self.calendar_label.setToolTip(reminder or "")
        due = register.due_summary()
        overdue = f"<span style='color:#b3261e'>已逾期 {due.overdue} 件</span>　" if due.overdue else ""
        self.attention_label.setText(
            f"{overdue}今日到期 {due.today} 件　明日到期 {due.tomorrow} 件　本周到期 {due.this_week} 件"
        )

    def bring_to_front(self) -> None:
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir.root)))

    def run_check(self) -> None:
        from weiquan_desktop.services import health

        report = health.check(self.data_dir, actor=self.user)
        text = "\n".join(report.lines)
        if report.ok:
            QMessageBox.information(self, "数据检查", "检查完成，未发现问题。\n\n" + text)
        else:
            QMessageBox.warning(self, "数据检查", f"发现 {len(report.problems)} 个问题：\n\n" + text)

    def test_page(self) -> None:
        default = str(Path.home() / f"打印测试页-{date.today():%Y%m%d}.pdf")
        target, _ = QFileDialog.getSaveFileName(self, "保存打印测试页", default, "PDF 文件 (*.pdf)")
        if not target:
            return
        from weiquan_desktop import pdf

        name = station.load_profile().name if station.is_configured() else None
        if not operations.succeeded(
            self, lambda: pdf.test_page(Path(target), name), title="无法生成测试页", changes=False
        ):
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(target))

    def about(self) -> None:
        QMessageBox.about(
            self,
            "关于",
            f"<b>{APP_TITLE}</b><br>版本 {__version__}<br><br>"
            "面向12315消费维权服务站的离线工作软件：受理登记、调解、文书、台账与统计报表。<br>"
            "内置字体：文泉驿微米黑（Apache-2.0）。",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.auto_backup.run_now()  # on exit, when something changed
        event.accept()
