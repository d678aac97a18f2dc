"""Long work off the GUI thread, with a progress dialog and a cancel button.

``Task`` runs a function on the thread pool: for work that waits on SQLite, zlib or the disk (reports,
backups), which release the interpreter lock. ``ProcessTask`` runs a service function in a child process
(weiquan_desktop/worker.py): for pure-Python work such as openpyxl and ReportLab, which would hold the lock
and stall every repaint of the window. The service function receives a ``progress(done, total) -> bool``
callback; returning False asks it to stop. Peewee gives each thread its own connection, a process has its
own too, and WAL lets the GUI keep reading meanwhile.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from weiquan_desktop.errors import UserError


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str, bool)  # message, is a user error


class _Runnable(QRunnable):
    def __init__(
        self, fn: Callable[[Callable[[int, int], bool]], Any], signals: _Signals, cancelled: threading.Event
    ) -> None:
        super().__init__()
        self.fn, self.signals, self.cancelled = fn, signals, cancelled

    def run(self) -> None:
        from weiquan_desktop.services.session import close_thread_connection, storage_error

        def progress(done: int, total: int) -> bool:
            self.signals.progress.emit(done, total)
            return not self.cancelled.is_set()

        try:
            result = self.fn(progress)
        except UserError as exc:
            self.signals.failed.emit(str(exc), True)
        except Exception as exc:  # noqa: BLE001 - shown to the user and logged by the crash handler's logger
            storage = storage_error(exc)
            if storage is not None:
                self.signals.failed.emit(str(storage), True)
            else:
                self.signals.failed.emit(traceback.format_exc(), False)
        else:
            self.signals.done.emit(result)
        finally:
            close_thread_connection()


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
        self._fn = fn

    def start(self) -> Task:
        self._runnable = _Runnable(self._fn, self.signals, self.cancelled)
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


class ProcessTask(Task):
    """Runs ``target`` ("package.module:function") with ``kwargs`` in a child process on the same database;
    the same dialog, signals and cancel button as ``Task``."""

    POLL_MS = 50

    def __init__(self, parent: QWidget, title: str, target: str, **kwargs: Any) -> None:
        super().__init__(parent, title, lambda _progress: None)
        self.target, self.kwargs = target, kwargs
        self._process: Any = None
        self._answered = False
        self._poll = QTimer(self, interval=self.POLL_MS)
        self._poll.timeout.connect(self._read_events)

    def start(self) -> ProcessTask:
        from weiquan_desktop import worker
        from weiquan_desktop.services.session import location

        context = worker.context()
        self._events = context.Queue()
        self._cancel = context.Event()
        self.dialog.canceled.connect(self._cancel.set)  # the child's progress callback then says stop
        self._process = context.Process(
            target=worker.run,
            daemon=True,
            args=(
                str(location()[0].root),
                location()[1],
                self.target,
                self.kwargs,
                self._events,
                self._cancel,
            ),
        )
        self._process.start()
        self._poll.start()
        return self

    def _read_events(self) -> None:
        import queue

        if self._answered:  # only reaping the child now: it closes its database and exits on its own
            if not self._process.is_alive():
                self._poll.stop()
                self._process.join(0)
            return
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                break
            if event[0] == "progress":
                self.signals.progress.emit(event[1], event[2])
                continue
            self._answered = True  # never join here: the GUI would wait for the child's exit
            if event[0] == "done":
                self.signals.done.emit(event[1])
            else:
                self.signals.failed.emit(event[1], event[2])
            return
        if not self._process.is_alive() and self._events.empty():
            self._answered = True  # ended without a word: killed, or out of memory
            self.signals.failed.emit(f"后台进程意外退出（退出码 {self._process.exitcode}），未作改动。", True)
