"""Running a service call from a screen: its UserError shown in Chinese, and every open screen told that
records changed (one signal for the whole program instead of each dialog wiring its own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from weiquan_desktop.errors import UserError

T = TypeVar("T")


class _Hub(QObject):
    records_changed = Signal()  # something a register, a list or a case window shows may be different now


hub = _Hub()


def run(
    parent: QWidget | None,
    call: Callable[[], T],
    *,
    title: str = "无法完成",
    changes: bool = True,
    quiet: bool = False,
    show: Callable[[str], object] | None = None,
) -> T | None:
    """Call a service; on UserError show it (in a message box titled ``title``, or through ``show``, such as
    a dialog's own error label; nowhere when ``quiet``) and return None. ``changes``: tell every screen
    afterwards, even after a refusal (another desk's change may be the reason)."""
    try:
        result = call()
    except UserError as exc:
        if show is not None:
            show(str(exc))
        elif not quiet:
            QMessageBox.warning(parent, title, str(exc))
        if changes:
            hub.records_changed.emit()
        return None
    if changes:
        hub.records_changed.emit()
    return result


def succeeded(parent: QWidget | None, call: Callable[[], object], **options: object) -> bool:
    """``run`` for a call whose result is not needed (or may be None): whether it went through."""
    done: list[bool] = []

    def call_and_note() -> None:
        call()
        done.append(True)

    run(parent, call_and_note, **options)
    return bool(done)
