"""导入转办表: match the bureau's columns to ours, check every row, then import all of them or none."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.services import transfer_import
from weiquan_desktop.ui import operations


class TransferImportDialog(QDialog):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet = transfer_import.read_sheet(path)
        self.checked: transfer_import.Preview | None = None
        self.setWindowTitle(f"导入转办表 - {path.name}")
        self.resize(900, 640)
        layout = QHBoxLayout(self)
        left = QFormLayout()
        suggested = transfer_import.suggest_mapping(self.sheet.headers)
        self.combos: dict[str, QComboBox] = {}
        left.addRow(QLabel("<b>本表的列 → 本站的项目</b>"))
        self.source = QComboBox()
        self.source.addItems(domain.TRANSFER_SOURCES)
        left.addRow("来源", self.source)
        for key, (label, _synonyms, required) in transfer_import.FIELDS.items():
            box = QComboBox()
            box.addItem(transfer_import.NOT_IMPORTED, None)
            for header in self.sheet.headers:
                if header:
                    box.addItem(header, header)
            box.setCurrentIndex(max(box.findData(suggested.get(key)), 0))
            box.currentIndexChanged.connect(self._stale)
            self.combos[key] = box
            left.addRow(f"{label}{' *' if required else ''}", box)
        check = QPushButton("检查全部行")
        check.clicked.connect(self.check)
        left.addRow(check)
        layout.addLayout(left)
        right = QVBoxLayout()
        self.summary = QLabel(f"共 {len(self.sheet.rows)} 行。请核对左侧对应关系，然后点“检查全部行”。")
        self.summary.setWordWrap(True)
        right.addWidget(self.summary)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["行号", "列", "问题"])
        self.table.horizontalHeader().setStretchLastSection(True)
        right.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        layout.addLayout(right, 1)

    def mapping(self) -> dict[str, str | None]:
        return {key: box.currentData() for key, box in self.combos.items()}

    def _stale(self) -> None:
        self.checked = None
        self.import_button.setEnabled(False)

    def check(self) -> None:
        self.checked = transfer_import.preview(self.sheet, self.mapping(), self.source.currentText())
        errors = self.checked.errors
        self.table.setRowCount(len(errors))
        for r, issue in enumerate(errors):
            for c, text in enumerate((str(issue.row), issue.column, issue.message)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if errors:
            self.summary.setText(
                f"<span style='color:#b3261e'>发现 {len(errors)} 处问题，不能导入。</span>"
                "请修改原表或调整列的对应后重新检查。"
            )
        else:
            self.summary.setText(f"检查通过：{len(self.checked.forms)} 件转办投诉可以导入。")
        self.import_button.setEnabled(not errors and bool(self.checked.forms))

    def accept(self) -> None:
        if self.checked is None:
            return
        imported = operations.run(self, lambda: transfer_import.apply(self.checked), title="导入失败")
        if imported is None:
            return
        self.imported = imported
        super().accept()
