"""Load Qt Designer forms from forms/ onto an existing widget (like PyQt's uic.loadUi(file, self))."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from weiquan_desktop.assets import form_path

T = TypeVar("T", bound=QObject)


class _BaseInstanceLoader(QUiLoader):
    """Builds the form's top-level widget *as* ``base`` so our subclass gets the form's children."""

    def __init__(self, base: QWidget) -> None:
        super().__init__(base)
        self._base = base

    def createWidget(self, class_name: str, parent: QWidget | None = None, name: str = "") -> QWidget:  # noqa: N802
        if parent is None:
            return self._base
        # children are found with child()/findChild, never set as attributes: a widget named like a
        # method of the class (save, reject...) would shadow it
        return super().createWidget(class_name, parent, name)


def load_form(name: str, base: QWidget) -> QWidget:
    path = form_path(name)
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(path)
    try:
        loader = _BaseInstanceLoader(base)
        loaded = loader.load(file, None)
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
