"""Work around PySide6 6.12's reference counting of None, True and False on Python 3.11, and its reading of
every module's source (``skip_source_scan``).

PySide6 6.12.0 hands None, True and False back to Python without counting the reference, as if they were
immortal, which they are only from Python 3.12 on (PEP 683). On Python 3.11 every call of a method that
returns nothing (``setText``, ``setVisible``, ``show``, ``QWidget.setTabOrder``, ``processEvents``, ...)
drops one reference to None, and every signal emitted or connected drops one to True. None starts with
some 30,000 references; one intake form costs 762 of them (tests/test_pyside_fixes.py measures each kind of
call), so an ordinary morning at the desk brings the count to zero and the interpreter aborts
("none_dealloc", "bool_dealloc": both were seen, in the suite and in the register benchmark).

Wrapping the affected methods one by one (what this module did before) cannot keep up: every void method of
every class is affected. ``apply`` instead makes the three objects immortal the way Python 3.12 does: their
reference counts are raised so far that no number of lost references can bring them to zero (a reference
lost per microsecond would take 36,000 years). None, True and False are never freed in a running
interpreter anyway, so nothing else changes. Python 3.12 and newer (the Windows build's 3.13) need nothing.
"""

from __future__ import annotations

import ctypes
import sys

# far from zero, and far from the top of Py_ssize_t (2**63) whatever is counted on top of it
IMMORTAL = 1 << 60
SINGLETONS = (None, True, False)

_applied = False


def _ignored(module: object) -> bool:
    return False


def skip_source_scan() -> bool:
    """Stop PySide6 reading the source of every module imported after it; True when done.

    Once QtCore is imported, PySide6's ``shibokensupport.feature`` hook runs after every import and asks
    whether the new module uses PySide6 by reading its whole source file (``inspect.getsource``), for the
    sake of ``from __feature__ import snake_case, true_property``, which this program never uses: 121
    modules read before the first paint, 16-45 ms (tests/test_pyside_fixes.py). A module it is told does
    not use PySide6 is marked "ignore this module" (select id -1), which for a program without features
    is what every module is anyway. Nothing is done where the hook is not there (other PySide6 versions)."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _ignored
    return True


def _refcount_field(obj: object) -> ctypes.c_ssize_t:
    # a release build's object starts with its reference count (Py_TRACE_REFS builds put two pointers
    # before it: apply() checks the field against sys.getrefcount before it writes anything)
    return ctypes.c_ssize_t.from_address(id(obj))


def apply() -> bool:
    """Make None, True and False immortal on Python before 3.12 (once per process); True when done here."""
    global _applied
    if sys.version_info >= (3, 12) or _applied:
        return _applied
    fields = [_refcount_field(obj) for obj in SINGLETONS]
    # getrefcount counts its own argument: one more than the field holds
    if any(field.value != sys.getrefcount(obj) - 1 for field, obj in zip(fields, SINGLETONS, strict=True)):
        return False  # not the object layout we know: leave it alone rather than write a wrong word
    for field in fields:
        field.value += IMMORTAL
    _applied = True
    return True
