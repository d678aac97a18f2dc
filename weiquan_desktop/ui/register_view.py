"""The 台账 tab: every record in one table, searched, filtered and sorted in SQL."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.services import register
from weiquan_desktop.services.register import COLUMNS, RegisterQuery, RegisterRow

PAGE = 200
ModelIndex = QModelIndex | QPersistentModelIndex


class RegisterModel(QAbstractTableModel):
    """Holds the ordered ids of the current query; rows are fetched a page at a time when shown."""

    counted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query = RegisterQuery()
        self._ids: list[int] = []
        self._pages: dict[int, list[RegisterRow]] = {}

    def refresh(self) -> None:
        self.beginResetModel()
        self._ids = register.ordered_ids(self.query)
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
            value = self.row_at(index.row()).value(key)
            if value is None:
                return ""
            if key == "received_at":
                return value.strftime("%Y-%m-%d %H:%M")
            if isinstance(value, Decimal):
                return f"{value:,.2f}"
            return str(value)
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


class RegisterView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit(placeholderText="搜索编号、姓名、电话、被投诉方、商品或事实…")
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.addItems(["全部类型", *domain.KINDS])
        self.count_label = QLabel()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.kind)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.model = RegisterModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.kind.currentIndexChanged.connect(self.apply_filters)
        self.model.counted.connect(lambda n: self.count_label.setText(f"共 {n:,} 条"))
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        for column, width in enumerate((150, 50, 70, 130, 80, 180, 130, 90, 70)):
            self.table.setColumnWidth(column, width)

    def apply_filters(self) -> None:
        self.model.query.search = self.search.text()
        kind = self.kind.currentText()
        self.model.query.kinds = (kind,) if kind in domain.KINDS else ()
        self.model.refresh()
