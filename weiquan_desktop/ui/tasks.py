"""Long work (exports, imports) off the GUI thread, with a progress dialog and a cancel button.

The service function receives a ``progress(done, total) -> bool`` callback; returning False asks it to stop.
Peewee gives each thread its own SQLite connection, and WAL lets the GUI keep reading meanwhile.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from weiquan_desktop.errors import UserError


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str, bool)  # message, is a user error


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Callable[[int, int], bool]], Any], signals: _Signals,
                 cancelled: threading.Event) -> None:
        super().__init__()
        self.fn, self.signals, self.cancelled = fn, signals, cancelled

    def run(self) -> None:
        from weiquan_desktop.models.schema import database_proxy

        def progress(done: int, total: int) -> bool:
            self.signals.progress.emit(done, total)
            return not self.cancelled.is_set()

        try:
            result = self.fn(progress)
        except UserError as exc:
            self.signals.failed.emit(str(exc), True)
        except Exception:  # noqa: BLE001 - shown to the user and logged by the crash handler's logger
            self.signals.failed.emit(traceback.format_exc(), False)
        else:
            self.signals.done.emit(result)
        finally:
            db = database_proxy.obj
            if db is not None and not db.is_closed():
                db.close()  # this thread's connection


class Task(QObject):
    """Runs ``fn`` on the shared thread pool; ``finished``/``failed`` arrive on the GUI thread."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QWidget, title: str, fn: Callable[[Callable[[int, int], bool]], Any]) -> None:
        super().__init__(parent)
        self.cancelled = threading.Event()
        self.signals = _Signals()
        self.dialog = QProgressDialog(title, "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.canceled.connect(self.cancelled.set)
        self.signals.progress.connect(self._progress)
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self._runnable = _Runnable(fn, self.signals, self.cancelled)

    def start(self) -> Task:
        QThreadPool.globalInstance().start(self._runnable)
        return self

    def _progress(self, done: int, total: int) -> None:
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, total))
        self.dialog.setLabelText(f"{self.dialog.windowTitle()}：{done:,} / {total:,}")

    def _done(self, result: object) -> None:
        self.dialog.reset()
        self.finished.emit(result)

    def _failed(self, message: str, user_error: bool) -> None:
        self.dialog.reset()
        if not user_error:
            import logging

            logging.getLogger(__name__).error("background task failed\n%s", message)
            message = "后台任务出错，未作改动。详细信息已写入日志。\n\n" + message.strip().splitlines()[-1]
        self.failed.emit(message)
