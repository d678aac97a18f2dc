"""Load Qt Designer forms from forms/ onto an existing widget (like PyQt's uic.loadUi(file, self))."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from weiquan_desktop.assets import form_path

T = TypeVar("T", bound=QObject)


class _BaseInstanceLoader(QUiLoader):
    """Builds the form's top-level widget *as* ``base`` so our subclass gets the form's children.

    One loader, owned by no widget and holding ``base`` only while it loads: a loader that was the form's
    child and kept ``base`` made a reference cycle (the form keeps its children's wrappers, the loader kept
    the form), so every window and dialog built from a form was freed by Python's cycle collector at an
    arbitrary moment instead of when it was let go. Once that moment fell inside PySide's making of a
    wrapper for one of the form's own widgets (the collector runs on any allocation): the widget was freed
    under it and the program crashed (tests/test_forms.py)."""

    def __init__(self) -> None:
        super().__init__()
        self._base: QWidget | None = None

    def build(self, file: QFile, base: QWidget) -> QWidget | None:
        self._base = base
        try:
            return self.load(file, None)
        finally:
            self._base = None

    def createWidget(self, class_name: str, parent: QWidget | None = None, name: str = "") -> QWidget:  # noqa: N802
        if parent is None and self._base is not None:
            base, self._base = self._base, None
            return base
        # children are found with child()/findChild, never set as attributes: a widget named like a
        # method of the class (save, reject...) would shadow it
        return super().createWidget(class_name, parent, name)


_loader: _BaseInstanceLoader | None = None


def _the_loader() -> _BaseInstanceLoader:
    # QUiLoader's constructor loads every Designer plugin on Qt's library paths (PySide's own, Qt Quick's
    # widget with the Qt Quick libraries behind it: 12-20 ms of the start-up); the forms use Qt's own
    # widgets only, so it is built once, with no plugin path
    global _loader
    if _loader is None:
        paths = QCoreApplication.libraryPaths()
        QCoreApplication.setLibraryPaths([])
        try:
            _loader = _BaseInstanceLoader()
        finally:
            QCoreApplication.setLibraryPaths(paths)
    return _loader


def load_form(name: str, base: QWidget) -> QWidget:
    path = form_path(name)
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(path)
    try:
        loader = _the_loader()
        loaded = loader.build(file, base)
        if loaded is None:
            raise RuntimeError(f"cannot load form {path}: {loader.errorString()}")
    finally:
        file.close()
    return loaded


def child(parent: QObject, kind: type[T], name: str) -> T:
    found = parent.findChild(kind, name)
    if found is None:
        raise LookupError(f"form has no {kind.__name__} named {name!r}")
    return found
