"""GUI start-up: one instance per data folder, fonts, translations, crash handler, first run, main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from weiquan_desktop import APP_NAME, APP_TITLE, __version__, logsetup
from weiquan_desktop.assets import FONT_FAMILY, font_file, resource_path
from weiquan_desktop.errors import UserError
from weiquan_desktop.paths import DataDir
from weiquan_desktop.ui import pyside_fixes

log = logging.getLogger(__name__)

# System Chinese UI fonts first (they match the platform), the bundled one last so text always renders.
PREFERRED_FAMILIES = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    FONT_FAMILY,
]


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, set up."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    icon = resource_path("icons", "app.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    setup_fonts(app)
    setup_translations(app)
    if not app.property("weiquan_fit"):
        from weiquan_desktop.ui.widgets import FOCUS_STYLE, ScreenFit

        fitter = ScreenFit(app)
        app.installEventFilter(fitter)
        app.setProperty("weiquan_fit", True)
        app.setStyleSheet(app.styleSheet() + FOCUS_STYLE)
    return app


def setup_fonts(app: QApplication) -> None:
    if QFontDatabase.addApplicationFont(str(font_file())) < 0:
        log.warning("bundled font %s could not be loaded", font_file())
    font = QFont(app.font())
    font.setFamilies(PREFERRED_FAMILIES)
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)


class MissingChinese(QTranslator):
    """What Qt's own zh_CN catalogue leaves in English (the file dialog's "Look in:" and "Files of type:", the
    print dialog's "Page Set:"); installed after it, so it is asked first."""

    TEXTS = {
        "&Look in:": "查找范围(&L)：",
        "Look in:": "查找范围：",
        "Files of &type:": "文件类型(&T)：",
        "Files of type:": "文件类型：",
        "Page &Set:": "页面范围(&S)：",
        "Page Set:": "页面范围：",
    }

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return self.TEXTS.get(source)  # None (a null string): the next catalogue is asked

    def isEmpty(self) -> bool:  # noqa: N802
        return False


def setup_translations(app: QApplication) -> bool:
    """Qt's own Chinese strings for standard buttons and dialogs (确定/取消/打开); False if not found."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            app.installTranslator(MissingChinese(app))
            app.setProperty("weiquan_qt_translated", True)
            return True
    log.warning("Qt's Chinese translations were not found in %s", folder)
    return False


def run(data_root: Path, database_url: str | None = None, *, quit_after_start: bool = False) -> int:
    """Start the GUI. ``quit_after_start`` (``--quit-after-start``) checks an installation: it quits with
    status 0 as soon as the main window has been painted and the event loop is idle."""
    from weiquan_desktop.services import auth, health, station
    from weiquan_desktop.services.session import close_session, on_start, open_session
    from weiquan_desktop.ui.crash import ExceptionHandler
    from weiquan_desktop.ui.main_window import MainWindow
    from weiquan_desktop.ui.single_instance import SingleInstance

    app = application()
    instance = SingleInstance(data_root)
    if not instance.acquire():
        if instance.hand_over():
            print(f"{APP_TITLE} 已在运行（数据文件夹 {data_root}），已切换到已打开的窗口。")
            return 0
        QMessageBox.critical(
            None, APP_TITLE, f"数据文件夹 {data_root} 正被另一个程序窗口使用，且无法与其联系。"
        )
        return 1
    data_dir = DataDir(data_root).ensure()
    log_path = logsetup.configure(data_dir.logs)
    handler = ExceptionHandler(log_path, app)
    handler.install()
    from weiquan_desktop import crashlog

    trace = crashlog.new_trace(data_dir)  # left by the previous run, before this one starts its own
    crash_path = crashlog.enable(data_dir)
    log.info("starting %s %s on %s (pid %d)", APP_NAME, __version__, data_root, os.getpid())
    # done when weiquan_desktop.ui was first imported; said here, where there is a log
    if pyside_fixes.apply():
        log.info(
            "PySide6 work-around: None, True and False made immortal (Python %s)", sys.version.split()[0]
        )
    check = health.startup_check(data_dir)
    recovered = None
    if not check.ok:
        recovered = offer_recovery(data_dir, check, database_url)
        if recovered is None:
            instance.release()
            return 1
    try:
        if recovered is not None:
            from weiquan_desktop.services import backup

            backup.reopen_after_restore(data_dir, *recovered)
        else:
            open_session(data_dir, database_url)
        notes = on_start(data_dir, unclean=check.unclean)
    except UserError as exc:
        QMessageBox.critical(None, APP_TITLE, str(exc))
        instance.release()
        return 1
    health.mark_running(data_dir)
    if check.unclean or trace:
        log.warning("the previous run ended abnormally%s", f"; its trace:\n{trace}" if trace else "")
    try:
        user = None
        if not station.is_configured():
            from weiquan_desktop.ui.settings.station import FirstRunDialog

            first = FirstRunDialog()
            if first.exec() != QDialog.DialogCode.Accepted:
                return 0
            user = first.user
        elif auth.accounts_exist():
            from weiquan_desktop.ui.login import LoginDialog

            login = LoginDialog()
            if login.exec() != QDialog.DialogCode.Accepted:
                return 0
            user = login.user
            if user.must_change_password:
                from weiquan_desktop.ui.login import PasswordDialog

                change = PasswordDialog(user, forced=True)
                if change.exec() != QDialog.DialogCode.Accepted:
                    return 0
                user = change.user
        window = MainWindow(data_dir, user, database_url=database_url)
        if user is not None:
            from weiquan_desktop.ui.login import IdleLock

            idle = IdleLock(int(station.setting("idle_lock_minutes") or 15), window)
            idle.timed_out.connect(lambda: window.lock() and idle.timer.start())
            app.installEventFilter(idle)
        instance.activated.connect(window.bring_to_front)
        window.show_fitting()
        unclean = abnormal_end_message(check.unclean, trace, crash_path)
        anchored = (
            (
                "数据检查发现问题：\n"
                + "\n".join(f"· {p}" for p in notes.problems + notes.done)
                + "\n请联系站长，并用“文件 → 检查数据完整性”查看详情。"
            )
            if notes.problems
            else None
        )
        if quit_after_start:
            for message in (unclean, anchored):
                if message:
                    print(message, file=sys.stderr, flush=True)
            QTimer.singleShot(0, lambda: _started(window, app))
        else:
            for message in (unclean, anchored):
                if message:
                    QMessageBox.warning(window, APP_TITLE, message)
            window.show_due_panel_if_needed()
        return app.exec()
    finally:
        close_session()
        health.mark_stopped(data_dir)
        crashlog.disable()
        instance.release()


def abnormal_end_message(unclean: bool, trace: str | None, crash_path: Path) -> str | None:
    """What the user is told when the last run did not end normally (power cut, forced close, crash)."""
    if not (unclean or trace):
        return None
    why = "程序崩溃" if trace else "可能是断电、强制关闭或程序崩溃"
    where = (
        f"\n崩溃时的详细信息已记录在：{crash_path}\n如问题反复出现，请把这个文件发给技术支持。"
        if trace
        else ""
    )
    return (
        f"上次程序没有正常退出（{why}）。\n已保存的数据不受影响，数据库已检查完好；"
        f"如有未保存的登记，打开“新登记”时可以恢复草稿。{where}"
    )


def _started(window: QWidget, app: QApplication) -> None:
    if not window.started:  # not painted yet, or the register's other rows still to read
        QTimer.singleShot(5, lambda: _started(window, app))
        return
    if not app.property("weiquan_qt_translated"):
        print("警告：未找到 Qt 的中文翻译，标准按钮将显示英文。", file=sys.stderr, flush=True)
    print(f"{APP_TITLE} 已启动，台账 {window.register_view.model.rowCount():,} 条。", flush=True)
    app.quit()


def offer_recovery(data_dir: DataDir, check: object, database_url: str | None) -> tuple | None:
    """The database failed its check after an unclean shutdown: never overwrite it silently. Offer the
    newest good backup and say what would be lost; the damaged file is kept beside it either way. A head
    logs in first (checked against that backup, the damaged database cannot say who may). Returns the
    restored backup and the grant, for reopening; None: nothing was restored."""
    from weiquan_desktop.services import backup

    if check.backup is None:
        QMessageBox.critical(
            None,
            APP_TITLE,
            f"数据库检查未通过（{check.problem}），且数据文件夹中没有可用的备份。\n"
            f"请不要删除 {data_dir.root}，联系技术支持协助修复。程序将退出，未作任何改动。",
        )
        return None
    info = check.backup
    answer = QMessageBox.question(
        None,
        APP_TITLE,
        f"上次程序没有正常退出，数据库检查未通过：{check.problem}\n\n"
        f"最近一次完好的备份：{info.created_at:%Y-%m-%d %H:%M}（{info.records} 条记录）。\n"
        f"用它恢复后，{info.created_at:%Y-%m-%d %H:%M} 之后登记或修改的内容会丢失（损坏的数据库会另存，不会删除）。\n\n"
        "现在用这个备份恢复吗？选“否”将退出程序，不作改动。",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    from weiquan_desktop.ui.login import LoginDialog

    granted: list[backup.RestoreGrant] = []

    def check_login(username: str, password: str) -> object:
        granted.append(backup.authorise_restore_damaged(data_dir, username, password, info.path))
        return granted[-1].actor

    try:
        if backup._has_accounts(info.path):  # noqa: SLF001 - the same question the grant asks
            login = LoginDialog(check=check_login, heading="恢复数据须由站长或副站长登录")
            if login.exec() != QDialog.DialogCode.Accepted:
                return None
        else:
            granted.append(backup.authorise_restore_damaged(data_dir, None, "", info.path))
        backup.restore(info.path, data_dir, granted[-1])
    except UserError as exc:
        QMessageBox.critical(None, APP_TITLE, f"恢复失败：{exc}")
        return None
    return backup.verify_archive(info.path), granted[-1]
