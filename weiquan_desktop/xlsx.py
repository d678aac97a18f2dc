"""A streaming .xlsx writer for large plain sheets: rows are written as SpreadsheetML text, no object per cell.

The ledger export spent three quarters of its time in openpyxl's per-cell objects (docs/performance.md).
This writes the same workbook openpyxl's write-only mode writes for those sheets (inline strings, numbers
and Excel date serials with the same formats, column widths, frozen panes, an auto-filter), several times
faster, in constant memory. It knows only what the ledger needs; charts and merged cells stay with openpyxl
(the report workbook).

Text is written as text whatever it looks like; text that Excel would take for a formula when the cell is
edited also gets the quote-prefix style, as ``exchange.keep_as_text`` does in openpyxl. Characters XML
cannot hold (control characters pasted from other programs) are dropped, vertical tab and form feed
(Word's line and page breaks) become line breaks: ``text.plain_text``, which the openpyxl writers use too.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from weiquan_desktop.text import CONTROL, plain_text

# what a text cell's XML must escape (the characters it cannot hold are taken out first, text.CONTROL)
_SPECIAL = re.compile(r"[&<>\r]")
MAX_ROWS = 1_048_576  # rows in an Excel sheet: a longer one makes Excel "repair" the file and drop the rest
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(start[0] for start in FORMULA_STARTS)  # a set lookup of the first character
# what str.isspace calls space (tests/test_xlsx.py checks), as a set: no call per text cell
SPACES = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
CELL_LIMIT = 32767  # characters in a cell: Excel's limit, where openpyxl cuts text too
DATE_FORMAT = "yyyy-mm-dd"  # openpyxl's formats for date and datetime values, so a reader sees the same
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"


def column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_EPOCH = datetime(1899, 12, 30)


def excel_serial(value: date) -> float:
    """A date or naive datetime as Excel's day number, as openpyxl computes it (to_excel), bit for bit."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    days = (moment - _EPOCH).days
    if 0 < days <= 60:  # Excel's 1900 leap-year bug
        days -= 1
    return (
        days + (moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 10**6) / 86400
    )


class TooManyRows(ValueError):
    def __init__(self, title: str) -> None:
        super().__init__(f"sheet {title!r} has more than {MAX_ROWS:,} rows")
        self.title = title


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@dataclass(frozen=True)
class Style:
    """How a cell looks; the few properties the ledger uses."""

    number_format: str | None = None
    bold: bool = False
    fill: str | None = None  # RGB, e.g. "DDE5F0"
    center: bool = False
    quote_prefix: bool = False


@dataclass(frozen=True)
class Layout:
    """A sheet's fixed parts: its name, header row, column widths, frozen panes, money-like columns."""

    title: str
    header: Sequence[str]
    widths: Sequence[float] = ()
    freeze: str | None = None  # the top-left cell that scrolls, "B2": first column and row frozen
    header_style: Style = Style()
    column_formats: dict[int, str] = field(default_factory=dict)  # 0-based column -> number format
    auto_filter: bool = False


# Excel's built-in number formats that read the same in every locale (14, the short date, does not)
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}


class _Styles:
    """The styles part, built from the Style values used; ids handed out as they are first asked for."""

    def __init__(self) -> None:
        self.xfs: dict[Style, int] = {Style(): 0}
        self.formats: dict[str, int] = {}

    def id(self, style: Style) -> int:
        found = self.xfs.get(style)
        if found is None:
            found = self.xfs[style] = len(self.xfs)
            if style.number_format and style.number_format not in _BUILTIN_FORMATS:
                self.formats.setdefault(style.number_format, 164 + len(self.formats))
        return found

    def _format_id(self, style: Style) -> int:
        if not style.number_format:
            return 0
        if style.number_format in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[style.number_format]
        return self.formats[style.number_format]

    def xml(self) -> str:
        fills = ["none", "gray125"]
        fill_of: dict[str | None, int] = {None: 0}
        for style in self.xfs:
            if style.fill and style.fill not in fill_of:
                fill_of[style.fill] = len(fills)
                fills.append(style.fill)
        xfs = []
        for style in self.xfs:  # dicts keep insertion order: position == id
            number = self._format_id(style)
            attrs = (
                f'numFmtId="{number}" fontId="{1 if style.bold else 0}" fillId="{fill_of[style.fill]}" '
                'borderId="0" xfId="0"'
            )
            if number:
                attrs += ' applyNumberFormat="1"'
            if style.bold:
                attrs += ' applyFont="1"'
            if style.fill:
                attrs += ' applyFill="1"'
            if style.quote_prefix:
                attrs += ' quotePrefix="1"'
            if style.center:
                xfs.append(
                    f'<xf {attrs} applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>'
                )
            else:
                xfs.append(f"<xf {attrs}/>")
        fill_xml = "".join(
            f'<fill><patternFill patternType="{f}"/></fill>'
            if f in ("none", "gray125")
            else f'<fill><patternFill patternType="solid"><fgColor rgb="00{f}"/><bgColor indexed="64"/>'
            "</patternFill></fill>"
            for f in fills
        )
        formats = "".join(
            f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>"
            for code, i in self.formats.items()
        )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if self.formats else "")
            + f'<fonts count="2"><font>{font}</font><font><b val="1"/>{font}</font></fonts>'
            f'<fills count="{len(fills)}">{fill_xml}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class Sheet:
    """One sheet being written: ``append`` a row of Python values at a time (None and "" leave the cell
    empty; str, int, float, Decimal, bool, date and datetime as openpyxl writes them)."""

    _FLUSH = 500  # rows per write to the sheet's temporary file

    def __init__(self, book: StreamWorkbook, stream: IO[bytes], layout: Layout) -> None:
        self.book, self.stream, self.layout = book, stream, layout
        self.rows = 0
        self.columns = len(layout.header)
        self._letters = [column_letter(i) for i in range(1, len(layout.header) + 1)]
        self._pending: list[str] = []
        styles = book.styles
        self._text_quoted = styles.id(Style(quote_prefix=True))
        self._number_style = {i: styles.id(Style(number_format=f)) for i, f in layout.column_formats.items()}
        self._date = styles.id(Style(number_format=DATE_FORMAT))
        self._datetime = styles.id(Style(number_format=DATETIME_FORMAT))
        self._write_head()
        header_style = styles.id(layout.header_style)
        self._append([str(h) for h in layout.header], header_style)

    def _write_head(self) -> None:
        layout = self.layout
        first = not self.book.sheets  # the sheet Excel shows on opening: selected, as Excel writes it
        selected = ' tabSelected="1"' if first else ""
        views = f'<sheetView{selected} workbookViewId="0">'
        if layout.freeze:
            col, row = _split(layout.freeze)
            cell = layout.freeze
            if col and row:
                views += (
                    f'<pane xSplit="{col}" ySplit="{row}" topLeftCell="{cell}" activePane="bottomRight" '
                    'state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/>'
                    f'<selection pane="bottomRight" activeCell="{cell}" sqref="{cell}"/>'
                )
            elif row:
                views += (
                    f'<pane ySplit="{row}" topLeftCell="{cell}" activePane="bottomLeft" state="frozen"/>'
                    f'<selection pane="bottomLeft" activeCell="{cell}" sqref="{cell}"/>'
                )
            elif col:
                views += (
                    f'<pane xSplit="{col}" topLeftCell="{cell}" activePane="topRight" state="frozen"/>'
                    f'<selection pane="topRight" activeCell="{cell}" sqref="{cell}"/>'
                )
        views += "</sheetView>"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
            for i, w in enumerate(layout.widths, 1)
        )
        self.stream.write(
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
                f'<sheetViews>{views}</sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
                + (f"<cols>{cols}</cols>" if cols else "")
                + "<sheetData>"
            ).encode()
        )

    def append(self, values: Iterable[object]) -> None:
        self._append(values if isinstance(values, (list, tuple)) else list(values), None)

    def _append(self, values: list[object] | tuple[object, ...], style: int | None) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise TooManyRows(self.layout.title)
        try:
            row = self._row(values, style)
        except _Unusual:  # a subclass of a plain type somewhere in the row: convert the row, once
            row = self._row([_plain(v) for v in values], style)
        self._pending.append(row)
        if len(self._pending) >= self._FLUSH:
            self._flush()

    def _row(self, values: Sequence[Any], style: int | None) -> str:
        """The row's XML. Runs once per cell of the whole export (3.4 million times for 100,000 ledger
        rows): one class test per value, no call per cell on the usual path."""
        n = str(self.rows)
        letter = self._letters
        if len(values) > len(letter):
            letter.extend(column_letter(i) for i in range(len(letter) + 1, len(values) + 1))
        cells = [f'<row r="{n}">']
        add = cells.append
        for i, value in enumerate(values):
            if value is None:
                continue
            kind = value.__class__
            if kind is str:
                if CONTROL.search(value):  # records stored before the intake cleaned text, imported cells
                    value = plain_text(value)
                if not value:
                    continue
                if len(value) > CELL_LIMIT:
                    value = value[:CELL_LIMIT]
                text = _escape(value) if _SPECIAL.search(value) else value
                s = style
                if s is None and value[0] in FORMULA_FIRST:
                    s = self._text_quoted
                if value[0] in SPACES or value[-1] in SPACES:
                    text = f'<t xml:space="preserve">{text}</t>'
                else:
                    text = f"<t>{text}</t>"
                if s:
                    add(f'<c r="{letter[i]}{n}" s="{s}" t="inlineStr"><is>{text}</is></c>')
                else:
                    add(f'<c r="{letter[i]}{n}" t="inlineStr"><is>{text}</is></c>')
            elif kind is datetime or kind is date:
                if kind is datetime and value.tzinfo is not None:
                    raise TypeError("a sheet cannot hold a datetime with a time zone")
                s = style or (self._datetime if kind is datetime else self._date)
                add(f'<c r="{letter[i]}{n}" s="{s}" t="n"><v>{"%.16g" % excel_serial(value)}</v></c>')  # noqa: UP031 (openpyxl's own formatting)
            elif kind is bool:
                add(f'<c r="{letter[i]}{n}"{_s(style)} t="b"><v>{int(value)}</v></c>')
            elif (
                kind is int
                or (kind is float and math.isfinite(value))
                or (kind is Decimal and value.is_finite())
            ):
                s = style or self._number_style.get(i)
                add(f'<c r="{letter[i]}{n}"{_s(s)} t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
            elif kind is float or kind is Decimal:
                continue  # NaN and infinity have no cell value (openpyxl leaves them empty too)
            else:
                raise _Unusual()
        add("</row>")
        return "".join(cells)

    def _flush(self) -> None:
        if self._pending:
            self.stream.write("".join(self._pending).encode())
            self._pending.clear()

    def close(self) -> None:
        self._flush()
        tail = "</sheetData>"
        if self.layout.auto_filter:
            tail += f'<autoFilter ref="{self.filter_range()}"/>'
        tail += '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        self.stream.write((tail + "</worksheet>").encode())
        self.book._store(self)

    def filter_range(self) -> str:
        return f"A1:{column_letter(max(self.columns, 1))}{max(self.rows, 1)}"


class _Unusual(Exception):
    pass


def _plain(value: object) -> object:
    """A value of a subclass of a type a cell holds (an IntEnum, a StrEnum) as that plain type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime):
        return datetime.fromisoformat(value.isoformat())
    if isinstance(value, date):
        return date.fromordinal(value.toordinal())
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Decimal):
        return Decimal(value)
    raise TypeError(f"cannot write {value.__class__.__name__} to a sheet cell")


def _s(style: int | None) -> str:
    return f' s="{style}"' if style else ""


def _split(cell: str) -> tuple[int, int]:
    """The frozen columns and rows of a pane's top-left cell: "B2" -> (1, 1)."""
    found = re.fullmatch(r"([A-Z]{1,3})([1-9][0-9]*)", cell)
    if found is None:
        raise ValueError(f"not a cell reference: {cell!r}")
    column = 0
    for letter in found[1]:
        column = column * 26 + ord(letter) - 64
    return column - 1, int(found[2]) - 1


class StreamWorkbook:
    """A workbook written sheet after sheet into ``path``; ``close()`` writes the rest and ends the file.

    Only one sheet is open at a time. Its XML goes to a temporary file first and into the zip when the sheet
    is done, its size known: a member streamed into a zip of unknown size needs the zip64 extension in its
    header, which openpyxl never wrote and older Excel and other readers may refuse. On an exception the
    caller discards the file (fileio.atomic_write); ``abort()`` closes it without finishing."""

    def __init__(self, path: Path, *, creator: str = "weiquan-desktop") -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self.styles = _Styles()
        self.sheets: list[tuple[str, Sheet]] = []
        self.creator = creator
        self._open: Sheet | None = None

    def __enter__(self) -> StreamWorkbook:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def sheet(self, layout: Layout) -> Sheet:
        if self._open is not None:
            self._open.close()
        if len(layout.title) > 31 or any(c in layout.title for c in "[]:*?/\\"):
            raise ValueError(f"not a sheet name Excel accepts: {layout.title!r}")
        self._open = Sheet(self, tempfile.TemporaryFile(), layout)  # noqa: SIM115 (closed by _store or abort)
        self.sheets.append((layout.title, self._open))
        return self._open

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None
        count = len(self.sheets)
        sheets = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
            for i, (title, _sheet) in enumerate(self.sheets, 1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{_escape(_quote_sheet(title))}!{_absolute(sheet.filter_range())}</definedName>"
            for i, (title, sheet) in enumerate(self.sheets)
            if sheet.layout.auto_filter
        )
        write = self.zip.writestr
        write(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                for i in range(1, count + 1)
            )
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>",
        )
        write(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
        )
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        write(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{_escape(self.creator)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>",
        )
        write(
            "docProps/app.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>{_escape(self.creator)}</Application></Properties>",
        )
        write(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>',
        )
        write(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        write("xl/styles.xml", self.styles.xml())
        self.zip.close()

    def _store(self, sheet: Sheet) -> None:
        """The finished sheet's XML into the zip, from its temporary file (closed, so removed, either way)."""
        stream = sheet.stream
        try:
            size = stream.tell()
            stream.seek(0)
            number = next(i for i, (_t, s) in enumerate(self.sheets, 1) if s is sheet)
            member = zipfile.ZipInfo(f"xl/worksheets/sheet{number}.xml", time.localtime()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.file_size = size  # zip64 only where the sheet really needs it (over 2 GB)
            with self.zip.open(member, "w") as into:
                shutil.copyfileobj(stream, into, 1 << 20)
        finally:
            stream.close()

    def abort(self) -> None:
        """Stop without finishing the workbook (the caller removes the file)."""
        try:
            if self._open is not None:
                self._open.stream.close()
        finally:
            self.zip.close()


def _quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """ "A1:AK10" -> "$A$1:$AK$10"."""
    return ":".join(re.sub(r"^([A-Z]+)([0-9]+)$", r"$\1$\2", part) for part in ref.split(":"))
