"""Work around a PySide6 6.12.0 reference-count bug: handing an item to a view (QTableWidget.setItem,
QListWidget.addItem, QStandardItemModel.setItem, ...) drops one reference to Python's None, and so does every
call of QCoreApplication's static processEvents and sendPostedEvents. Before Python
3.12 None is not immortal, so after enough items None is freed and the interpreter aborts ("none_dealloc").

``apply`` measures the leak on a throw-away item; only when it is there does it wrap the affected methods to
give None its reference back. A PySide6 without the bug, or Python 3.12+, is left untouched. The program
measures the event-loop calls at once and the item methods just after its first paint (ui/app.py): the
probes' widgets make PySide6 create the Python enums of five widget classes (35 ms) that the first screen
does not need, and the few items handed over before then cannot bring None near zero.
"""

from __future__ import annotations

import ctypes
import functools
import sys

from PySide6.QtCore import QCoreApplication

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def _item_probes() -> tuple:
    """(class, method, the owner, the arguments of the n-th call: each hands one new item over). Imported
    here: the first use of these classes is what costs (see above)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QListWidget, QListWidgetItem, QTableWidget, QTableWidgetItem

    return (
        (QTableWidget, "setItem", lambda: QTableWidget(2, 1), lambda n: (n, 0, QTableWidgetItem("x"))),
        (QListWidget, "addItem", QListWidget, lambda n: (QListWidgetItem("x"),)),
        (QListWidget, "insertItem", QListWidget, lambda n: (0, QListWidgetItem("x"))),
        (
            QStandardItemModel,
            "setItem",
            lambda: QStandardItemModel(2, 1),
            lambda n: (n, 0, QStandardItem("x")),
        ),
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


# functools.wraps reads each method's __doc__, which makes PySide6 build its signature text (30 ms at start).
# That is needed: wrapped without it, the register benchmark (bench/register.py, 200,000 records) aborted at
# exit with "bool_dealloc: deallocating True or False", another lost reference whose source is not found yet.


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


_patched: list[str] = []
_probed: set[str] = set()  # "static", "items": what has been measured (and patched where it leaks)


def apply(*, items: bool = True) -> list[str]:
    """Patch the methods that leak (each once; needs a QApplication); returns the names patched so far.

    ``items=False`` measures only processEvents and sendPostedEvents, which must be measured while no events
    are queued (at start, before any window: once a window is up a call may deliver events that take or give
    references of their own); the item probes can follow later, at any time."""
    if sys.version_info >= (3, 12):
        return []  # None is immortal
    if "static" not in _probed:
        _probed.add("static")
        for cls, method in _STATIC_PROBES:
            lost = _leak(lambda cls=cls: cls, method, lambda n: ())
            if lost > 0:
                _wrap_static(cls, method, lost)
                _patched.append(f"{cls.__name__}.{method}")
    if items and "items" not in _probed:
        _probed.add("items")
        for cls, method, make_owner, arguments in _item_probes():
            lost = _leak(make_owner, method, arguments)
            if lost > 0:
                _wrap(cls, method, lost)
                _patched.append(f"{cls.__name__}.{method}")
    return list(_patched)
