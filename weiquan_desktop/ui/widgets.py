"""Small widget helpers shared by the tabs and dialogs."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# --- windows that go when they are closed ---------------------------------------------------------------
# A dialog made with a parent is owned by it: closed, it only hides, and stays (with every widget in it, and a
# print preview's open PDF) until the parent goes, for the main window at the end of the day: 634 widgets more
# for each walk-in and case opened and closed (tests/test_long_day.py).

_Window = TypeVar("_Window", bound=QWidget)

# Python's side of each window Qt is to delete, held until Qt has finished deleting it. Otherwise the last
# reference can be a slot's (a lambda that names the window, connected to its own signal), released by Qt
# while it disconnects that very window in its destructor: PySide6 then frees the window's signal data
# under Qt's hands and the program crashes (seen: the holiday notice dialog, once it deleted itself).
_deleting: dict[int, QWidget] = {}


def _hold_until_deleted(window: QWidget) -> None:
    """Python's side of ``window`` kept (in ``_deleting``) until Qt has deleted the window."""
    key = id(window)
    _deleting[key] = window
    # let go in the event loop's next round, after the destructor that emitted destroyed has returned (a
    # slot of no parameters: PySide6 then does not wrap the object being destroyed to pass it on)
    window.destroyed.connect(lambda: QTimer.singleShot(0, lambda: _deleting.pop(key, None)))


def _deleted_once_closed(window: _Window) -> _Window:
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _hold_until_deleted(window)
    return window


def show_window(window: _Window) -> _Window:
    """Shown, and deleted by Qt once it is closed (a reference kept to it is then to a deleted window)."""
    _deleted_once_closed(window).show()
    return window


def open_window(dialog: _Window) -> _Window:
    """Opened window-modal (QDialog.open), and deleted by Qt once it is closed."""
    _deleted_once_closed(dialog).open()
    return dialog


def run_modal(dialog: QDialog) -> int:
    """``dialog.exec()``, then the dialog is deleted once control is back in the event loop (what it holds in
    Python, its fields and results, can still be read by the caller until then)."""
    _hold_until_deleted(dialog)
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


def read_only_table(headers: list[str]) -> QTableWidget:
    """A table of rows to read and select, sized to its contents, the last column stretched."""
    table = QTableWidget(0, len(headers))
    setup_read_only(table, headers)
    return table


def setup_read_only(table: QTableWidget, headers: list[str]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)


def fill(table: QTableWidget, rows: list[list[str]], *, right_aligned_from: int | None = None) -> None:
    """Replace the table's rows; columns from ``right_aligned_from`` on hold numbers."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if right_aligned_from is not None and c >= right_aligned_from:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


# --- every window on the screen it opens on ----------------------------------------------------------

FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)  # a Windows frame and title bar at 100%: the least room left for it


class ScreenFit(QObject):
    """Installed on the application: each window or dialog, when first shown, is made no larger than the
    screen's available area and moved over its parent and inside that area (a 1366×768 screen at 125% is
    1093×574 logical pixels above the taskbar; 保存 and 关闭 were off it)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Show
            and isinstance(obj, QWidget)
            and obj.isWindow()
            and not obj.property("weiquan_fitted")
            and isinstance(obj, (QDialog, QMainWindow))
        ):
            obj.setProperty("weiquan_fitted", True)
            if not obj.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
                fit_to_screen(obj)
        return False


def available_area(widget: QWidget) -> QRect:
    anchor = widget.parentWidget().window() if widget.parentWidget() is not None else widget
    screen = anchor.screen() or QApplication.primaryScreen()
    return screen.availableGeometry()


def frame_margins(window: QWidget) -> QMargins:
    """The frame around the window's client area; never less than FRAME_ALLOWANCE (before the first show a
    frame reads as nothing, and a window sized to that lost its buttons under the taskbar)."""
    frame, inner = window.frameGeometry(), window.geometry()
    return QMargins(
        max(inner.left() - frame.left(), FRAME_ALLOWANCE.left()),
        max(inner.top() - frame.top(), FRAME_ALLOWANCE.top()),
        max(frame.right() - inner.right(), FRAME_ALLOWANCE.right()),
        max(frame.bottom() - inner.bottom(), FRAME_ALLOWANCE.bottom()),
    )


def fit_to_screen(window: QWidget) -> None:
    """No larger than the available area with a frame around it, and placed (by its frame) inside it."""
    area = available_area(window)
    margins = frame_margins(window)
    max_w = area.width() - margins.left() - margins.right()
    max_h = area.height() - margins.top() - margins.bottom()
    if window.minimumWidth() > max_w or window.minimumHeight() > max_h:
        window.setMinimumSize(min(window.minimumWidth(), max_w), min(window.minimumHeight(), max_h))
    window.resize(min(window.width(), max_w), min(window.height(), max_h))
    parent = window.parentWidget().window() if window.parentWidget() is not None else None
    centre = parent.frameGeometry().center() if parent is not None and parent.isVisible() else area.center()
    width = window.width() + margins.left() + margins.right()
    height = window.height() + margins.top() + margins.bottom()
    left = min(max(centre.x() - width // 2, area.left()), area.right() - width + 1)
    top = min(max(centre.y() - height // 2, area.top()), area.bottom() - height + 1)
    window.move(left, top)


# Focus must be seen: a checkbox that had the focus showed nothing, and the name typed next went nowhere.
FOCUS_STYLE = """
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateTimeEdit:focus, QDateEdit:focus, QSpinBox:focus {
    border: 2px solid #1a73e8; border-radius: 2px; }
QCheckBox:focus, QRadioButton:focus { background: #dbe8fc; }
QPushButton:focus { border: 2px solid #1a73e8; border-radius: 3px; padding: 3px 8px; }
"""


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a scroll area without a frame: a tall form scrolls instead of being clipped."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(content)
    return area


class Cover(QWidget):
    """An opaque sheet over a window while the desk is locked: nothing of it can be read."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("#2f3b4c"))
        self.setPalette(palette)
        layout = QVBoxLayout(self)
        label = QLabel("工作台已锁定")
        label.setStyleSheet("color: white; font-size: 20pt;")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())
            self.raise_()
        return False


def ask(parent: QWidget | None, title: str, fields: list[tuple], note: str = "") -> dict | None:
    """A small form for a few values (what the service needs, nothing more); None when cancelled.

    ``fields``: (key, label, kind, default, options) with kind "text", "lines", "choice", "edit_choice",
    "datetime", "int"."""
    from PySide6.QtCore import QDateTime
    from PySide6.QtWidgets import (
        QComboBox,
        QDateTimeEdit,
        QDialogButtonBox,
        QFormLayout,
        QLineEdit,
        QPlainTextEdit,
        QSpinBox,
    )

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    if note:
        text = QLabel(note)
        text.setWordWrap(True)
        layout.addWidget(text)
    form = QFormLayout()
    editors: dict[str, QWidget] = {}
    for key, label, kind, default, *rest in fields:
        options = rest[0] if rest else ()
        if kind in ("choice", "edit_choice"):
            editor = QComboBox()
            editor.addItems([str(o) for o in options])
            editor.setEditable(kind == "edit_choice")
            if default:
                editor.setCurrentText(str(default))
        elif kind == "lines":
            editor = QPlainTextEdit(str(default or ""))
            editor.setTabChangesFocus(True)
            editor.setMinimumHeight(60)
        elif kind == "datetime":
            editor = QDateTimeEdit(QDateTime(default) if default else QDateTime.currentDateTime())
            editor.setDisplayFormat("yyyy-MM-dd HH:mm")
            editor.setCalendarPopup(True)
            editor.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        elif kind == "int":
            editor = QSpinBox()
            editor.setRange(0, 100000)
            editor.setValue(int(default or 0))
        else:
            editor = QLineEdit(str(default or ""))
        editors[key] = editor
        form.addRow(label, editor)
    layout.addLayout(form)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.editors = editors  # for a test to fill in, as a clerk types
    if run_modal(dialog) != QDialog.DialogCode.Accepted:
        return None
    values: dict = {}
    for key, editor in editors.items():
        if isinstance(editor, QComboBox):
            values[key] = editor.currentText()
        elif isinstance(editor, QPlainTextEdit):
            values[key] = editor.toPlainText()
        elif isinstance(editor, QDateTimeEdit):
            values[key] = editor.dateTime().toPython().replace(second=0, microsecond=0)
        elif isinstance(editor, QSpinBox):
            values[key] = editor.value()
        else:
            values[key] = editor.text()
    return values
