"""One GUI per data folder: a second launch brings the first window forward and exits.

The owner holds an operating-system lock on a file in the data folder (weiquan_desktop.filelock: it ends
with the process, however it ends; a PID written in a lock file, as QLockFile keeps it, blocked every start
after a kill or a power cut once the PID was reused). It listens on a local socket named after the folder,
and a second launch connects and asks it to show its window. The second launch never opens the database.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from weiquan_desktop.filelock import FileLock

LOCK_NAME = ".gui.lock"
ACTIVATE = b"activate\n"


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:20]
    return f"weiquan-desktop-{digest}"


class SingleInstance(QObject):
    activated = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(data_dir / LOCK_NAME)
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True: we are the only GUI on this folder and now listen for later launches."""
        if not self._lock.acquire():
            return False
        QLocalServer.removeServer(self.name)  # a socket left by a crash; we hold the lock, so it is stale
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        if not self._server.listen(self.name):
            self._lock.release()
            return False
        return True

    def hand_over(self, timeout_s: float = 5.0) -> bool:
        """Ask the running GUI to show itself. Retries while it is still starting up."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(500):
                socket.write(ACTIVATE)
                socket.flush()
                socket.waitForBytesWritten(1000)
                socket.disconnectFromServer()
                return True
            time.sleep(0.2)
        return False

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.release()

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # the second launch writes at once after connecting, so this wait is short
            arrived = socket.bytesAvailable() or socket.waitForReadyRead(1000)
            if arrived and ACTIVATE.strip() in bytes(socket.readAll().data()):
                self.activated.emit()
            socket.disconnectFromServer()
            socket.deleteLater()
