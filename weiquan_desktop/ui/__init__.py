"""Qt widgets, models and dialogs: thin, calling the services."""

from weiquan_desktop.ui import pyside_fixes

# before any of our Qt code runs: PySide6 6.12 on Python 3.11 loses references to None and True (see there)
pyside_fixes.apply()

import PySide6.QtCore  # noqa: E402, F401 (its import hook is there from now on)

pyside_fixes.skip_source_scan()  # before the modules of the start-up are imported
