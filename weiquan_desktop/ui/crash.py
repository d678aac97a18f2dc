"""Uncaught exceptions: logged to the rotating log file and shown in a dialog; the app keeps running."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import __version__

log = logging.getLogger("weiquan_desktop.crash")


class ExceptionDialog(QDialog):
    def __init__(self, details: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        where = f"已记录到日志文件：{log_path}" if log_path else "已记录到日志。"
        message = QLabel(
            "程序遇到一个意外错误，刚才的操作可能没有完成，已保存的数据不受影响。您可以继续工作。\n"
            f"{where}\n如果问题反复出现，请点“复制详细信息”，发给技术支持。"
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("复制详细信息")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        self.copy_button.clicked.connect(self.copy)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("已复制")


class ExceptionHandler(QObject):
    """Installed as sys.excepthook and threading.excepthook; a signal moves worker-thread errors to the GUI."""

    _show = Signal(str)
    _warn = Signal(str)

    def __init__(self, log_path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: ExceptionDialog | None = None
        self._show.connect(self._show_dialog, Qt.ConnectionType.QueuedConnection)
        self._warn.connect(self._warn_user, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        from weiquan_desktop.errors import UserError
        from weiquan_desktop.services.session import storage_error

        storage = exc if isinstance(exc, UserError) else storage_error(exc)
        if storage is not None:  # the disk, not the program: say so plainly, no traceback
            log.warning("storage problem: %s", exc)
            self._warn.emit(str(storage))
            return
        details = f"weiquan-desktop {__version__}\n" + "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception\n%s", details)
        self._show.emit(details)

    def _warn_user(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(QApplication.activeWindow(), "无法完成", message)

    def _show_dialog(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():  # one dialog at a time; add to it
            self.dialog.details.appendPlainText("\n" + details)
            return
        self.dialog = ExceptionDialog(details, self.log_path, QApplication.activeWindow())
        self.dialog.show()
