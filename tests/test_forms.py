"""Designer forms load with Qt's own widgets only: no Designer plugin is loaded for them, Qt's paths stay."""

import gc
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow, QTabWidget

from weiquan_desktop.ui.forms import child, load_form


def _loaded_designer_plugins() -> list[str]:
    maps = Path("/proc/self/maps")
    return sorted({line.split()[-1] for line in maps.read_text().splitlines() if "/designer/" in line})


def test_a_form_loads_without_the_designer_plugins(app):
    """QUiLoader's constructor loads every Designer plugin it finds (Qt Quick's with the Qt Quick libraries:
    12-20 ms of the start-up, for widgets no form uses)."""
    paths = QCoreApplication.libraryPaths()
    window = QMainWindow()
    load_form("main_window.ui", window)
    assert child(window, QTabWidget, "tabs").count() >= 5
    assert QCoreApplication.libraryPaths() == paths  # image formats, styles, platform themes still found
    if not Path("/proc/self/maps").exists():
        pytest.skip("which libraries a process has loaded is read from /proc (Linux)")
    assert _loaded_designer_plugins() == []


def test_a_window_built_from_a_form_is_freed_when_let_go(app):
    """No reference cycle through the form's loader: the window goes when its last reference does, not
    when Python's cycle collector next runs, which once fell inside PySide's wrapping of one of its
    widgets and crashed the program."""
    gc.disable()
    try:
        window = QMainWindow()
        load_form("main_window.ui", window)
        tabs = child(window, QTabWidget, "tabs")
        del tabs
        gone = weakref.ref(window)
        del window
        assert gone() is None
    finally:
        gc.enable()


def test_the_same_form_loads_twice(app):
    first, second = QMainWindow(), QMainWindow()
    load_form("main_window.ui", first)
    load_form("main_window.ui", second)
    assert child(first, QTabWidget, "tabs") is not child(second, QTabWidget, "tabs")
    assert child(second, QTabWidget, "tabs").window() is second
