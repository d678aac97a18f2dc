"""The 台账 tab: every record in one table, searched, filtered and sorted in SQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
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


def due_colour(row: RegisterRow, today: date) -> QColor | None:
    if row.next_due is None:
        return None
    if row.next_due < today:
        return OVERDUE
    if row.next_due <= today + timedelta(days=1):
        return DUE_SOON
    return None


class RegisterModel(QAbstractTableModel):
    """Holds the ordered ids of the current query; rows are fetched a page at a time when shown."""

    counted = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, first_rows: int | None = None) -> None:
        super().__init__(parent)
        self.query = RegisterQuery()
        self._ids: list[int] = []
        self._pages: dict[int, list[RegisterRow]] = {}
        self.today = date.today()
        self._first_rows = first_rows
        self._rest_pending = False

    def refresh(self) -> None:
        limit, self._first_rows = self._first_rows, None
        self.beginResetModel()
        self.today = date.today()
        self._ids = register.ordered_ids(self.query, limit)
        self._pages.clear()
        self.endResetModel()
        self._rest_pending = limit is not None and len(self._ids) == limit
        if not self._rest_pending:
            self.counted.emit(len(self._ids))

    def load_rest(self) -> None:
        """After a first load of only ``first_rows``: the other ids, appended below the rows shown."""
        if not self._rest_pending:
            return  # everything is there, or a later query replaced the first screen
        self._rest_pending = False
        ids = register.ordered_ids(self.query)
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

    def row_at(self, row: int) -> RegisterRow:
        page = row // PAGE
        if page not in self._pages:
            self._pages[page] = register.fetch_rows(self._ids[page * PAGE:(page + 1) * PAGE])
        return self._pages[page][row - page * PAGE]

    def record_id(self, row: int) -> int:
        return self._ids[row]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(index.row())
            value = row.value(key)
            if value is None:
                return ""
            if key == "received_at":
                return value.strftime("%Y-%m-%d %H:%M")
            if key == "next_due":
                return f"{row.due_label} {value.isoformat()}{'（估算）' if row.due_estimated else ''}"
            if isinstance(value, Decimal):
                return f"{value:,.2f}"
            return str(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = due_colour(self.row_at(index.row()), self.today)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and key == "next_due":
            row = self.row_at(index.row())
            if row.due_estimated:
                return "该年度尚未导入国务院放假通知，按法定节假日估算；通知发布后请在站点设置中导入。"
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "amount":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
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
    return box


class RegisterView(QWidget):
    open_record = Signal(int)
    new_record = Signal()

    def __init__(self, parent: QWidget | None = None, *, first_rows: int | None = None) -> None:
        """``first_rows``: the first query shows only that many rows; ``model.load_rest()`` reads the others
        (the main window calls it after its first paint, which so does not wait for 200,000 ids)."""
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_button = QPushButton("新登记(Ctrl+N)")
        self.new_button.clicked.connect(self.new_record)
        self.search = QLineEdit(placeholderText="搜索编号、姓名、电话、被投诉方（可用拼音首字母）、商品或事实…")
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
        self.date_from = QDateEdit(QDate.currentDate().addMonths(-3), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.clear_button = QPushButton("清除筛选")
        for widget in (self.kind, self.state, self.source, self.category, self.handler, self.due,
                       self.use_dates, self.date_from, QLabel("至"), self.date_to, self.clear_button):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.reload_handlers()

        self.model = RegisterModel(self, first_rows=first_rows)
        self.model.counted.connect(lambda n: self.count_label.setText(f"共 {n:,} 条"))
        self.table = QTableView()
        self.table.setModel(self.model)
        # indicator first: enabling sorting then runs the first query once, newest first
        self.table.horizontalHeader().setSortIndicator(COLUMN_INDEX["received_at"], Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.legend = QLabel("<span style='background:#f8d7d5'>　红色　</span> 已逾期　"
                             "<span style='background:#fde9c4'>　黄色　</span> 今明两天到期　回车或双击打开案件")
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
        for column, sample in enumerate(("WXH01-2026-00000", "咨询", "调解终止", "2026-12-01 10:00", "欧阳**",
                                         "苏宁易购东胜万象汇店", "首饰及文体用品类", "28,600.00", "王建国",
                                         "调解期限 2026-12-31（估算）")):
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

        q.kinds, q.states, q.sources, q.categories = one(self.kind), one(self.state), one(self.source), one(self.category)
        q.handler_id = self.handler.currentData()
        q.due = self.due.currentData() or ""
        dated = self.use_dates.isChecked()
        self.date_from.setEnabled(dated)
        self.date_to.setEnabled(dated)
        q.received_from = self.date_from.date().toPython() if dated else None
        q.received_to = self.date_to.date().toPython() if dated else None
        self.model.refresh()
