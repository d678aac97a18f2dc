"""Printing the station's PDF documents through Qt: the print preview, whose print button reaches any printer.

QtPdf renders each page at the printer's resolution; the PDF stays the single source of what is printed,
so paper and the copy kept with the case are the same document.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from weiquan_desktop.errors import UserError


def _document(path: Path) -> QPdfDocument:
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_:
        raise UserError(f"无法读取要打印的文件：{path}")
    return document


def _printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF has its own margins
    return printer


def paint(printer: QPrinter, document: QPdfDocument) -> int:
    """Draw every page of ``document`` on ``printer``; returns the number of pages."""
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("无法连接打印机，请检查打印机是否开启。")
    try:
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            area = painter.viewport()
            size = document.pagePointSize(index).toSize().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            image = document.render(index, QSize(size.width(), size.height()))
            painter.drawImage(QRect(area.topLeft(), size), image)
    finally:
        painter.end()
    return document.pageCount()


def preview(path: Path, parent: QWidget | None = None) -> None:
    document = _document(path)
    dialog = QPrintPreviewDialog(_printer(), parent)
    dialog.setWindowTitle(f"打印预览 - {path.name}")
    dialog.paintRequested.connect(lambda printer: paint(printer, document))
    dialog.exec()

