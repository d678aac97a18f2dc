"""Login at start, the idle lock, and changing one's own password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from weiquan_desktop.services import auth, station
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations


class LoginDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        locked_user: Actor | None = None,
        check: Callable[[str, str], Actor | None] | None = None,
        heading: str | None = None,
    ) -> None:
        """``check``: how the name and password are verified (default: the station's accounts)."""
        super().__init__(parent)
        self.user: Actor | None = None
        self._check = check or auth.authenticate
        profile = station.load_profile() if check is None else None
        self.setWindowTitle("已锁定" if locked_user else "登录")
        layout = QVBoxLayout(self)
        heading = heading or (
            "工作台已锁定，请输入密码继续。" if locked_user else f"{profile.name if profile else ''}　请登录"
        )
        layout.addWidget(QLabel(f"<b>{heading}</b>"))
        form = QFormLayout()
        self.username = QLineEdit(locked_user.username if locked_user else "")
        self.username.setReadOnly(locked_user is not None)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow("登录名", self.username)
        form.addRow("密码", self.password)
        layout.addLayout(form)
        self.error = QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("解锁" if locked_user else "登录")
        if locked_user:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出程序")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter in the name moves to the password (it used to submit, and burn one of the five tries)
        self.username.returnPressed.connect(self._name_entered)
        self.password.returnPressed.connect(self.accept)
        for button in buttons.buttons():
            button.setAutoDefault(False)
            button.setDefault(False)
        self.locked = locked_user is not None
        (self.password if locked_user else self.username).setFocus()

    def _name_entered(self) -> None:
        if self.username.text().strip():
            self.password.setFocus()

    def keyPressEvent(self, event: object) -> None:  # noqa: N802
        # Enter is handled by the fields themselves; a dialog's default button would submit too
        from PySide6.QtCore import Qt

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Leaving the lock screen closes the program: asked first, never at a single click."""
        from PySide6.QtWidgets import QMessageBox

        if (
            self.locked
            and QMessageBox.question(
                self,
                "退出程序",
                "退出程序吗？未保存的登记会保存为草稿，下次打开“新登记”时可以恢复。",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        super().reject()

    def accept(self) -> None:
        user = operations.run(
            self,
            lambda: self._check(self.username.text(), self.password.text()),
            changes=False,
            show=self.error.setText,
        )
        if user is None:
            self.password.clear()
            self.password.setFocus()
            return
        self.user = user
        super().accept()


class PasswordDialog(QDialog):
    def __init__(self, user: Actor, parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle("修改密码")
        layout = QVBoxLayout(self)
        if forced:
            layout.addWidget(
                QLabel(
                    f"<b>{user.name}，您的初始密码由他人设置，请先改成只有您自己知道的密码。</b>",
                    wordWrap=True,
                )
            )
        form = QFormLayout()
        self.old, self.new, self.again = (QLineEdit(echoMode=QLineEdit.EchoMode.Password) for _ in range(3))
        form.addRow("原密码", self.old)
        form.addRow("新密码", self.new)
        form.addRow("再输一次", self.again)
        layout.addLayout(form)
        self.error = QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText("两次输入的新密码不一致。")
            return
        user = operations.run(
            self,
            lambda: auth.change_password(self.user, self.old.text(), self.new.text()),
            changes=False,
            show=self.error.setText,
        )
        if user is None:
            return
        self.user = user
        super().accept()


class IdleLock(QObject):
    """Locks the desk after the station's idle time: any key or mouse input restarts the clock."""

    timed_out = Signal()
    INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True, interval=max(minutes, 1) * 60_000)
        self.timer.timeout.connect(self.timed_out)
        self.timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self.INPUT:
            self.timer.start()
        return False
