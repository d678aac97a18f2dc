"""Work around a PySide6 6.12.0 reference-count bug: handing an item to a view (QTableWidget.setItem,
QListWidget.addItem, QStandardItemModel.setItem, ...) drops one reference to Python's None, and so does every
call of QCoreApplication's static processEvents and sendPostedEvents. Before Python
3.12 None is not immortal, so after enough items None is freed and the interpreter aborts ("none_dealloc").

At import we measure the leak on a throw-away item; only when it is there do we wrap the affected methods to
give None its reference back. A PySide6 without the bug, or Python 3.12+, is left untouched.
"""

from __future__ import annotations

import ctypes
import functools
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QTableWidget, QTableWidgetItem

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None

# class, method, the owner, and the arguments of the n-th call (each hands one new item over)
_PROBES = (
    (QTableWidget, "setItem", lambda: QTableWidget(2, 1), lambda n: (n, 0, QTableWidgetItem("x"))),
    (QListWidget, "addItem", QListWidget, lambda n: (QListWidgetItem("x"),)),
    (QListWidget, "insertItem", QListWidget, lambda n: (0, QListWidgetItem("x"))),
    (QStandardItemModel, "setItem", lambda: QStandardItemModel(2, 1), lambda n: (n, 0, QStandardItem("x"))),
    (QStandardItemModel, "appendRow", QStandardItemModel, lambda n: (QStandardItem("x"),)),
)
# static methods: the class is the owner
_STATIC_PROBES = ((QCoreApplication, "processEvents"), (QCoreApplication, "sendPostedEvents"))


def _leak(make_owner: object, method: str, arguments: object) -> int:
    """References to None lost by one call. The first call on an owner warms caches up: measure the second."""
    owner = make_owner()
    getattr(owner, method)(*arguments(0))
    call_args = arguments(1)
    before = sys.getrefcount(None)
    getattr(owner, method)(*call_args)
    return before - sys.getrefcount(None)


def _wrap(cls: type, method: str, lost: int) -> None:
    original = getattr(cls, method)

    @functools.wraps(original)
    def wrapper(self: object, *args: object) -> object:
        result = original(self, *args)
        for _ in range(lost):
            _incref(None)
        return result

    setattr(cls, method, wrapper)


def _wrap_static(cls: type, method: str, lost: int) -> None:
    original = getattr(cls, method)

    @functools.wraps(original)
    def wrapper(*args: object) -> object:
        result = original(*args)
        for _ in range(lost):
            _incref(None)
        return result

    setattr(cls, method, staticmethod(wrapper))


_applied: list[str] | None = None


def apply() -> list[str]:
    """Patch the methods that leak (once; needs a QApplication); returns their names."""
    global _applied
    if _applied is not None:
        return _applied
    if sys.version_info >= (3, 12):
        _applied = []
        return _applied  # None is immortal
    patched = []
    for cls, method, make_owner, arguments in _PROBES:
        lost = _leak(make_owner, method, arguments)
        if lost > 0:
            _wrap(cls, method, lost)
            patched.append(f"{cls.__name__}.{method}")
    for cls, method in _STATIC_PROBES:
        lost = _leak(lambda cls=cls: cls, method, lambda n: ())
        if lost > 0:
            _wrap_static(cls, method, lost)
            patched.append(f"{cls.__name__}.{method}")
    _applied = patched
    return patched
