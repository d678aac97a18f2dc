"""Printing the station's PDF documents through Qt: a print preview whose print button reaches any printer.

QtPdf renders each page at the printer's resolution; the PDF stays the single source of what is printed,
so paper and the copy kept with the case are the same document. Printed to a PDF file instead of paper,
each page also gets the document's text, invisible over the picture, so the file can be searched.

Every Qt object the dialog uses (the printer, the loaded document) belongs to the dialog and lives as long
as it: a printer freed by Python while the preview still painted on it closed the whole program.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QMessageBox, QWidget

from weiquan_desktop.errors import UserError

PAPER_DPI = 600  # enough for 8-point Chinese on a laser printer
FILE_DPI = 300


def _printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF has its own margins
    printer.setDocName("weiquan-desktop")
    return printer


def is_preview(printer: QPrinter) -> bool:
    """The preview paints on a picture engine; a printer, or a PDF file, on its own."""
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


def _text_layer(painter: QPainter, document: QPdfDocument, index: int, scale: float, origin: QRect) -> None:
    """The page's lines of text, fully transparent, where they stand on the page."""
    selection = document.getAllText(index)
    painter.save()
    painter.setPen(QColor(0, 0, 0, 0))
    offset = 0
    for line in selection.text().split("\r\n"):
        if line.strip():
            where = document.getSelectionAtIndex(index, offset, len(line)).boundingRectangle()
            if where.isValid():
                font = QFont()
                font.setPixelSize(max(1, int(where.height() * scale * 0.9)))
                painter.setFont(font)
                box = QRectF(
                    origin.left() + where.left() * scale,
                    origin.top() + where.top() * scale,
                    where.width() * scale * 1.5,
                    where.height() * scale,
                )
                painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
        offset += len(line) + 2
    painter.restore()


def pages_to_print(printer: QPrinter, count: int) -> list[int]:
    """The page indexes to print: every page, or those chosen in the print dialog (页数 从…到…), as a
    clerk reprints the signature page alone. The preview always shows every page."""
    if is_preview(printer) or printer.printRange() != QPrinter.PrintRange.PageRange:
        return list(range(count))
    chosen = printer.pageRanges()
    return [index for index in range(count) if chosen.contains(index + 1)]


def paint(printer: QPrinter, document: QPdfDocument) -> int:
    """Draw the pages of ``document`` the printer asks for (all, or the chosen range) on ``printer``;
    returns the number of pages drawn."""
    pages = pages_to_print(printer, document.pageCount())
    if not pages:
        raise UserError(
            f"所选的页码不在这份文书之内（共 {document.pageCount()} 页），没有打印。请重新选择打印范围。"
        )
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("无法连接打印机，请检查打印机是否开启、是否选对了打印机。")
    to_file = printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and not is_preview(printer)
    # a PDF printer claims 1200 dpi: rendered at that, three pages made a 30 MB file
    scale = min(1.0, (FILE_DPI if to_file else PAPER_DPI) / max(printer.resolution(), 1))
    try:
        for index in pages:
            if index != pages[0]:
                printer.newPage()
            area = painter.viewport()
            points = document.pagePointSize(index)
            size = points.toSize().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            image = document.render(index, QSize(int(size.width() * scale), int(size.height() * scale)))
            target = QRect(area.topLeft(), size)
            painter.drawImage(target, image)
            if to_file:
                _text_layer(painter, document, index, size.width() / points.width(), target)
    finally:
        painter.end()
    return len(pages)


class PrintPreview(QPrintPreviewDialog):
    """The preview of one PDF; ``printed`` is emitted only when it was really printed (or printed to a file),
    never for painting the preview itself."""

    printed = Signal(int)  # pages

    def __init__(self, path: Path, parent: QWidget | None = None, title: str | None = None) -> None:
        self._print_target = _printer()  # owned by the dialog: see the module's docstring
        super().__init__(self._print_target, parent)
        self.document = QPdfDocument(self)
        if self.document.load(str(path)) != QPdfDocument.Error.None_:
            raise UserError(f"无法读取要打印的文件：{path}")
        self.path = Path(path)
        # the print dialog's page range starts as the whole document (Windows' showed 0 to 1)
        self._print_target.setFromTo(1, max(1, self.document.pageCount()))
        self.setWindowTitle(f"打印预览 - {title or path.name}")
        self.paintRequested.connect(self._paint)
        self.pages_painted = 0

    @property
    def printer(self) -> QPrinter:
        return self._print_target

    @property
    def widget(self) -> QPrintPreviewWidget:
        return self.findChild(QPrintPreviewWidget)

    def _paint(self, printer: QPrinter) -> None:
        preview = is_preview(printer)
        try:
            pages = paint(printer, self.document)
        except UserError as exc:
            QMessageBox.warning(self, "无法打印", str(exc))
            return
        self.pages_painted += pages
        if not preview:
            self.printed.emit(pages)
