"""The 台账 tab: every record in one table, searched, filtered and sorted in SQL."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.services import register, views
from weiquan_desktop.services.register import COLUMNS, DUE_FILTERS, RegisterQuery, RegisterRow

PAGE = 200
ModelIndex = QModelIndex | QPersistentModelIndex
OVERDUE = QColor("#f8d7d5")
DUE_SOON = QColor("#fde9c4")
COLUMN_INDEX = {key: i for i, (key, _header) in enumerate(COLUMNS)}
# data() runs for every role of every visible cell on each repaint (about 4,000 calls): plain ints compare
# faster than PySide's enum attributes looked up each time
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_AMOUNT = COLUMN_INDEX["amount"]
_NEXT_DUE = COLUMN_INDEX["next_due"]
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
ESTIMATED_TIP = "该年度尚未导入国务院放假通知，按法定节假日估算；通知发布后请在站点设置中导入。"


def display_cells(row: RegisterRow) -> tuple[str, ...]:
    """The row's text, column by column, formatted once when its page is fetched."""
    cells = []
    for key, _header in COLUMNS:
        value = row.value(key)
        if value is None:
            cells.append("")
        elif key == "received_at":
            cells.append(value.strftime("%Y-%m-%d %H:%M"))
        elif key == "next_due":
            cells.append(f"{row.due_label} {value.isoformat()}{'（估算）' if row.due_estimated else ''}")
        elif isinstance(value, Decimal):
            cells.append(f"{value:,.2f}")
        else:
            cells.append(str(value))
    return tuple(cells)


def due_colour(row: RegisterRow, today: date) -> QColor | None:
    if row.next_due is None:
        return None
    if row.next_due < today:
        return OVERDUE
    if row.next_due <= today + timedelta(days=1):
        return DUE_SOON
    return None


class _RestSignals(QObject):
    arrived = Signal(int, object)  # generation, the full list of ids (None: the read failed)


class _ReadRest(QRunnable):
    """The full ordered list of a query's ids, read on a pool thread with that thread's own connection
    (SQLite and the database driver release the interpreter lock while they work)."""

    def __init__(self, generation: int, query: RegisterQuery, signals: _RestSignals) -> None:
        super().__init__()
        self.generation, self.query, self.signals = generation, query, signals

    def run(self) -> None:
        from weiquan_desktop.services.session import close_thread_connection

        try:
            ids = register.ordered_ids(self.query)
        except Exception:  # noqa: BLE001 - the GUI thread reads the list itself instead (and shows its error)
            ids = None
        finally:
            close_thread_connection()
        with contextlib.suppress(RuntimeError):  # the register was closed meanwhile
            self.signals.arrived.emit(self.generation, ids)


_pool: QThreadPool | None = None


def _reading_pool() -> QThreadPool:
    """One thread of its own for the register's reads: on the shared pool (two threads on a two-core PC) an
    export and a backup left the count at "500+ 条…" until one of them ended."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


class RegisterModel(QAbstractTableModel):
    """Holds the ordered ids of the current query; rows are fetched a page at a time when shown.

    Each query first reads the ids of its first screens (``register.first_page``) and paints them; when
    there may be more, the full list is read on a pool thread and the rows below are appended when it
    arrives, and only then is the count known (``counted``; ``partial`` says how many are shown so far)."""

    counted = Signal(int)
    partial = Signal(int)

    def __init__(
        self, parent: QWidget | None = None, *, first_rows: int | None = None, defer_rest: bool = False
    ) -> None:
        """``first_rows``: ids on the first screens (``register.FIRST_PAGE``); ``defer_rest``: the first
        query's full list waits for ``load_rest_later()`` (the main window calls it after its first paint,
        so start-up does not share the interpreter with a reading thread)."""
        super().__init__(parent)
        self.query = RegisterQuery()
        self._ids: list[int] = []
        self._pages: dict[int, list[tuple[RegisterRow, tuple[str, ...], QBrush | None]]] = {}
        self.today = date.today()
        self._first_rows = first_rows or register.FIRST_PAGE
        self._defer = defer_rest
        self._generation = 0
        self._rest_pending = False
        self._reading = False
        self._signals = _RestSignals(self)
        self._signals.arrived.connect(self._rest_arrived)

    def refresh(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self.today = date.today()
        page = register.first_page(self.query, self._first_rows)
        self._ids = page.ids
        self._pages.clear()
        self.endResetModel()
        self._rest_pending, self._reading = not page.complete, False
        deferred, self._defer = self._defer, False  # only the very first query waits
        if page.complete:
            self.counted.emit(len(self._ids))
            return
        self.partial.emit(len(self._ids))
        if not deferred:
            self.load_rest_later()

    @property
    def complete(self) -> bool:
        """Every id of the query is in the model."""
        return not self._rest_pending

    def load_rest_later(self) -> None:
        """Read the rest of the current query's ids on a pool thread; they are appended when they come."""
        if self._rest_pending and not self._reading:
            self._reading = True
            _reading_pool().start(_ReadRest(self._generation, replace(self.query), self._signals))

    def load_rest(self) -> None:
        """The rest of the current query's ids now, on this thread (Enter in the search box wants them)."""
        if self._rest_pending:
            self._generation += 1  # a read still under way is for an older list now
            self._rest_arrived(self._generation, register.ordered_ids(self.query))

    def _rest_arrived(self, generation: int, ids: list[int] | None) -> None:
        if generation != self._generation or not self._rest_pending:
            return  # a later query replaced the list meanwhile
        if ids is None:
            self._reading = False
            self.load_rest()
            return
        self._rest_pending = self._reading = False
        shown = len(self._ids)
        if len(ids) == shown and ids == self._ids:
            pass
        elif ids[:shown] == self._ids:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
        else:  # something changed in between: show the new list as it is
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
        self.counted.emit(len(self._ids))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def _cached(self, row: int) -> tuple[RegisterRow, tuple[str, ...], QBrush | None]:
        page = row // PAGE
        cached = self._pages.get(page)
        if cached is None:
            brushes = {OVERDUE.name(): QBrush(OVERDUE), DUE_SOON.name(): QBrush(DUE_SOON)}
            cached = self._pages[page] = [
                (
                    r,
                    display_cells(r),
                    brushes[c.name()] if (c := due_colour(r, self.today)) is not None else None,
                )
                for r in register.fetch_rows(self._ids[page * PAGE : (page + 1) * PAGE])
            ]
        return cached[row - page * PAGE]

    def record_id(self, row: int) -> int:
        return self._ids[row]

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> object:
        role = int(role)
        if role == _DISPLAY:
            return self._cached(index.row())[1][index.column()]
        if role == _BACKGROUND:
            return self._cached(index.row())[2]
        if role == _ALIGNMENT:
            return _RIGHT if index.column() == _AMOUNT else None
        if role == _TOOLTIP and index.column() == _NEXT_DUE and self._cached(index.row())[0].due_estimated:
            return ESTIMATED_TIP
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.query.sort = COLUMNS[column][0]
        self.query.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()


def _combo(first: str, items: list[str] | tuple[str, ...]) -> QComboBox:
    box = QComboBox()
    box.addItem(first, None)
    for item in items:
        box.addItem(item, item)
    shrinkable(box)
    return box


def shrinkable(box: QComboBox, characters: int = 5) -> None:
    """A filter box as wide as its current text needs, at least ``characters`` wide, its list as wide as the
    longest item: sized to its longest item (首饰及文体用品类), the filter row kept the main window wider
    than a 1366×768 screen at 125% with Windows' fonts."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(characters)
    metrics = box.fontMetrics()
    widest = max((metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count())), default=0)
    box.view().setMinimumWidth(widest + 40)


class RegisterView(QWidget):
    open_record = Signal(int)
    new_record = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, first_rows: int | None = None, defer_rest: bool = False
    ) -> None:
        """``first_rows`` and ``defer_rest``: see ``RegisterModel``."""
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_button = QPushButton("新登记(Ctrl+N)")
        self.new_button.clicked.connect(self.new_record)
        self.search = QLineEdit(
            placeholderText="搜索编号、姓名、电话、被投诉方（可用拼音首字母）、商品或事实…"
        )
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        bar.addWidget(self.new_button)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        filters = QHBoxLayout()
        self.kind = _combo("全部类型", domain.KINDS)
        self.state = _combo("全部状态", domain.ALL_STATES)
        self.source = _combo("全部来源", domain.SOURCES)
        self.category = _combo("全部大类", domain.CATEGORIES)
        self.handler = QComboBox()
        self.due = _combo("全部期限", DUE_FILTERS[1:])
        self.use_dates = QCheckBox("登记日期")
        self.date_from = QDateEdit(
            QDate.currentDate().addMonths(-3), calendarPopup=True, displayFormat="yyyy-MM-dd"
        )
        self.date_to = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.clear_button = QPushButton("清除筛选")
        for widget in (
            self.kind,
            self.state,
            self.source,
            self.category,
            self.handler,
            self.due,
            self.use_dates,
            self.date_from,
            QLabel("至"),
            self.date_to,
            self.clear_button,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.reload_handlers()

        self.model = RegisterModel(self, first_rows=first_rows, defer_rest=defer_rest)
        # as short as the count it stands for: a longer text widened the whole window past a 125% screen
        self.model.counted.connect(
            lambda n: (self.count_label.setText(f"共 {n:,} 条"), self.count_label.setToolTip(""))
        )
        self.model.partial.connect(
            lambda n: (
                self.count_label.setText(f"{n:,}+ 条…"),
                self.count_label.setToolTip("正在查找其余的记录"),
            )
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        # indicator first: enabling sorting then runs the first query once, newest first
        self.table.horizontalHeader().setSortIndicator(
            COLUMN_INDEX["received_at"], Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.legend = QLabel(
            "<span style='background:#f8d7d5'>　红色　</span> 已逾期　"
            "<span style='background:#fde9c4'>　黄色　</span> 今明两天到期　回车或双击打开案件"
        )
        layout.addWidget(self.legend)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.kind, self.state, self.source, self.category, self.handler, self.due):
            box.currentIndexChanged.connect(self.apply_filters)
        self.use_dates.toggled.connect(self.apply_filters)
        self.date_from.dateChanged.connect(self.apply_filters)
        self.date_to.dateChanged.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        # activated: Enter on the selected row, or a double click (keyboard first)
        self.table.activated.connect(lambda index: self.open_record.emit(self.model.record_id(index.row())))
        # widths from the text they hold, so nothing is cut at 100% or 125%: a case number, a date, a deadline
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(
            (
                "WXH01-2026-00000",
                "咨询",
                "调解终止",
                "2026-12-01 10:00",
                "欧阳**",
                "苏宁易购东胜万象汇店",
                "首饰及文体用品类",
                "28,600.00",
                "王建国",
                "调解期限 2026-12-31（估算）",
            )
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)  # Ctrl+F
        self.search.returnPressed.connect(self._search_entered)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_entered(self) -> None:
        """Enter in the search box: the list now, and a single hit opened at once."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.apply_filters()
        self.model.load_rest()
        if self.model.rowCount() == 1:
            self.open_record.emit(self.model.record_id(0))
        elif self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def reload_handlers(self) -> None:
        current = self.handler.currentData()
        self.handler.blockSignals(True)
        self.handler.clear()
        self.handler.addItem("全部经办人", None)
        for option in views.staff_options(active_only=False):
            self.handler.addItem(option.label, option.id)
        self.handler.setCurrentIndex(max(self.handler.findData(current), 0))
        shrinkable(self.handler)
        self.handler.blockSignals(False)

    def clear_filters(self) -> None:
        for box in (self.kind, self.state, self.source, self.category, self.handler, self.due):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.use_dates.blockSignals(True)
        self.use_dates.setChecked(False)
        self.use_dates.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def apply_filters(self) -> None:
        q = self.model.query
        q.search = self.search.text()

        def one(box: QComboBox) -> tuple[str, ...]:
            return (box.currentData(),) if box.currentData() else ()

        q.kinds, q.states, q.sources, q.categories = (
            one(self.kind),
            one(self.state),
            one(self.source),
            one(self.category),
        )
        q.handler_id = self.handler.currentData()
        q.due = self.due.currentData() or ""
        dated = self.use_dates.isChecked()
        self.date_from.setEnabled(dated)
        self.date_to.setEnabled(dated)
        q.received_from = self.date_from.date().toPython() if dated else None
        q.received_to = self.date_to.date().toPython() if dated else None
        self.model.refresh()
