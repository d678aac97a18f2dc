"""ReportLab set-up shared by every printed document: the bundled Chinese font, styles, atomic output."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from weiquan_desktop import APP_TITLE, __version__
from weiquan_desktop.assets import font_file
from weiquan_desktop.fileio import atomic_write
from weiquan_desktop.text import plain_text

log = logging.getLogger(__name__)

FONT = "WenQuanYiMicroHei"
FALLBACK = "WQFallback"
# Characters beyond the bundled font (CJK Extension B and later, e.g. 𠮷 in names) come from a font of the
# system: SimSun-ExtB ships with every Chinese Windows (in its Fonts folder, wherever Windows is installed);
# on Debian, fonts-hanazono (installed by tools/run-*).
FALLBACK_CANDIDATES = (
    Path(os.environ.get("WINDIR") or "C:/Windows", "Fonts", "simsunb.ttf"),
    Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
    Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
)
# ReportLab's CJK wrapping keeps these from starting a line; it lacks the full-width Chinese ones.
CLOSING_PUNCTUATION = "，。、；：！？）》」』】〉〕”’…·"
_registered = False
_fallback: bool | None = None
_primary_chars: frozenset[int] = frozenset()
_fallback_chars: frozenset[int] = frozenset()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode map writes code points beyond U+FFFF as 5 hex digits, which PDF readers
    mis-read (𠮷 came back as ₻): write each as UTF-16BE, surrogate pairs included, as the PDF spec asks."""
    body = [f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *body,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def register_fonts() -> str:
    """Register the bundled font once; ReportLab embeds a subset of it in every PDF."""
    global _registered, _primary_chars
    if not _registered:
        font = TTFont(FONT, str(font_file()), subfontIndex=0)
        pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
        _primary_chars = frozenset(font.face.charToGlyph)
        from reportlab.lib import textsplit
        from reportlab.platypus import paragraph

        for module in (textsplit, paragraph):  # plain text wraps in textsplit, marked-up text in paragraph
            missing = "".join(ch for ch in CLOSING_PUNCTUATION if ch not in module.ALL_CANNOT_START)
            module.ALL_CANNOT_START += missing
        from reportlab.graphics import shapes
        from reportlab.pdfbase import ttfonts

        ttfonts.makeToUnicodeCMap = _to_unicode_cmap

        # drawings (QR codes, charts) start in this font: Chinese labels render, and no unembedded
        # Helvetica is added to the file
        shapes.STATE_DEFAULTS["fontName"] = FONT
        _registered = True
    return FONT


def _register_fallback() -> bool:
    """Load the system's fallback font on first need (it is large: parse it only when a rare character
    actually occurs)."""
    global _fallback, _fallback_chars
    if _fallback is None:
        _fallback = False
        for candidate in FALLBACK_CANDIDATES:
            if candidate.is_file():
                font = TTFont(FALLBACK, str(candidate))
                pdfmetrics.registerFont(font)
                _fallback_chars = frozenset(font.face.charToGlyph)
                _fallback = True
                break
        else:
            log.warning("no fallback font for characters beyond %s; they will print blank", FONT)
    return _fallback


def markup(text: str | None) -> str:
    """Paragraph markup for plain text: escaped, line breaks kept (Word's too), control characters dropped
    (ReportLab drew them as a gap), rare characters in the fallback font."""
    register_fonts()
    text = plain_text(text or "")
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append("<br/>")
        elif (
            ord(ch) in _primary_chars
            or ch in " \t"
            or not _register_fallback()
            or ord(ch) not in _fallback_chars
        ):
            out.append(escape(ch))
        else:
            out.append(f'<font name="{FALLBACK}">{escape(ch)}</font>')
    return "".join(out).replace(f'</font><font name="{FALLBACK}">', "")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=3 * mm
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontSize=13,
            leading=19,
            spaceBefore=2 * mm,
            spaceAfter=1 * mm,
            keepWithNext=1,
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=13, textColor=colors.grey),
    }


class CopyMark(Flowable):
    """Marks where a copy of a document begins (一式N份 in one file): pages are numbered within a copy, and
    the copy's holder is printed in the page header."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._wq_copy = self.label  # noqa: SLF001 - read back by NumberedCanvas


class NumberedCanvas(Canvas):
    """Holds every page until the end, when their number is known: 第 X 页 共 Y 页 (within each copy), and
    on a copy of several pages the note to seal across them (骑缝)."""

    def __init__(
        self, *args: object, seal_note: str | None = None, header: str | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._wq_copy = ""
        self.seal_note = seal_note
        self.header = header

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        runs: list[list[dict]] = []
        for state in self._saved:  # consecutive pages of one copy form a run
            if runs and runs[-1][0].get("_wq_copy") == state.get("_wq_copy"):
                runs[-1].append(state)
            else:
                runs.append([state])
        for run in runs:
            for number, state in enumerate(run, 1):
                self.__dict__.update(state)
                self._footer(number, len(run), state.get("_wq_copy") or "")
                super().showPage()
        super().save()

    def _footer(self, number: int, total: int, copy: str) -> None:
        width, height = self._pagesize
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(colors.grey)
        self.drawCentredString(width / 2, 10 * mm, f"第 {number} 页　共 {total} 页")
        if number > 1 and self.header:  # the heading of a long document on every further page
            self.drawString(20 * mm, height - 10 * mm, f"{self.header}（续）")
        if copy:
            self.drawRightString(width - 20 * mm, 10 * mm, copy)
        if total > 1 and self.seal_note:
            self.drawString(20 * mm, 10 * mm, self.seal_note.format(total=total))
            self.setDash(3, 3)
            self.setStrokeColor(colors.grey)
            self.line(width - 8 * mm, 40 * mm, width - 8 * mm, 257 * mm)
            self.saveState()
            self.translate(width - 5 * mm, 150 * mm)
            self.rotate(90)
            self.drawCentredString(0, 0, "骑　缝　处")
            self.restoreState()
        self.restoreState()


def build(
    dest: Path,
    story: list[Flowable],
    *,
    title: str,
    author: str = APP_TITLE,
    on_page: Callable | None = None,
    pagesize: tuple[float, float] = A4,
    seal_note: str | None = None,
    header: str | None = None,
) -> Path:
    """Lay out ``story`` on A4 into ``dest`` atomically (a temporary file renamed into place); every page
    says 第 X 页 共 Y 页. ``seal_note`` (with {total}) is printed on documents of several pages."""
    register_fonts()
    with atomic_write(dest) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=pagesize,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=title,
            author=author,
            creator=f"weiquan-desktop {__version__}",
            invariant=True,  # same input, same bytes: documents are reproducible
            initialFontName=FONT,
            initialFontSize=11,  # no stray Helvetica in the font list
        )
        kwargs = {"onFirstPage": on_page, "onLaterPages": on_page} if on_page else {}
        doc.build(
            story,
            canvasmaker=lambda *a, **k: NumberedCanvas(*a, seal_note=seal_note, header=header, **k),
            **kwargs,
        )
    return dest


TEST_TEXT = (
    "消费者权益保护法第二十四条：经营者提供的商品或者服务不符合质量要求的，消费者可以依照国家规定、"
    "当事人约定退货，或者要求经营者履行更换、修理等义务。"
)


def test_page(dest: Path, station_name: str | None = None) -> Path:
    """A page to check that the printer and the Chinese font work: text, table, punctuation, digits."""
    st = styles()
    rows = [
        ["项目", "内容"],
        ["站点", station_name or "（尚未填写站点信息）"],
        ["生成时间", datetime.now().strftime("%Y年%m月%d日 %H:%M")],
        ["金额示例", "¥1,234.50（壹仟贰佰叁拾肆元伍角）"],
        ["标点示例", "，。、；：！？“”‘’（）《》【】——……"],
    ]
    table = Table(rows, colWidths=[35 * mm, 130 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 11),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story: list[Flowable] = [
        Paragraph("打印测试页", st["title"]),
        Paragraph("如果本页的中文、标点和表格线都清晰完整，说明打印机和中文字体工作正常。", st["body"]),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 6 * mm),
        Paragraph(TEST_TEXT * 2, st["body"]),
        Spacer(1, 10 * mm),
        Paragraph(f"{APP_TITLE} {__version__} · 字体：文泉驿微米黑（已嵌入）", st["small"]),
    ]
    return build(dest, story, title="打印测试页")


# --- layout shared by the station's documents ------------------------------------------------------

LABEL_FILL = colors.HexColor("#f0f0f0")
CHECKED, UNCHECKED = "■", "□"  # the bundled font has no ballot box with a tick


def doc_styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.enums import TA_RIGHT

    st = styles()
    body = st["body"]
    st["label"] = ParagraphStyle("label", parent=body, fontSize=10, leading=14)
    st["cell"] = ParagraphStyle("cell", parent=body, fontSize=10, leading=14)
    st["center"] = ParagraphStyle("center", parent=body, alignment=TA_CENTER)
    st["right"] = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    st["indent"] = ParagraphStyle("indent", parent=body, firstLineIndent=22, leading=20)
    st["term"] = ParagraphStyle("term", parent=body, leftIndent=22, firstLineIndent=-22, leading=20)
    st["sign"] = ParagraphStyle(
        "sign", parent=body, fontSize=10, leading=15
    )  # room to sign between the lines
    st["section"] = ParagraphStyle(
        "section", parent=body, fontSize=11, leading=16, spaceBefore=2 * mm, spaceAfter=1 * mm, keepWithNext=1
    )
    return st


def para(text: str | None, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), style)


def choice(options: tuple[str, ...] | list[str], chosen: set[str] | str | None) -> str:
    """■是　□否: every option shown, the chosen ones filled (a paper form is read by its boxes)."""
    picked = {chosen} if isinstance(chosen, str) else (chosen or set())
    return "　".join(f"{CHECKED if option in picked else UNCHECKED}{option}" for option in options)


def pieces(text: str | None, size: int = 240) -> list[str]:
    """A long text cut at sentence ends into pieces of about ``size`` characters: a table row cannot be split
    over two pages, so a long value goes into several rows (2,000 characters of facts in one cell did not fit
    on a page and the document failed)."""
    text = text or ""
    out: list[str] = []
    while len(text) > size:
        cut = max(text.rfind(mark, 0, size) for mark in "。；！？\n")
        cut = cut + 1 if cut >= size // 3 else size
        out.append(text[:cut].rstrip("\n"))
        text = text[cut:].lstrip("\n")
    out.append(text)
    return out


def field_table(
    rows: list[tuple[str, str]],
    st: dict[str, ParagraphStyle],
    *,
    long_at: int = 18,
    widths: tuple[float, float] = (30 * mm, 55 * mm),
) -> Table:
    """Label/value pairs, two pairs a row; a long value, or a pair left alone at the end of a row, takes the
    rest of the row. Only label cells are shaded, so a value spanning a row shows no grey through it; an
    empty value stays blank, for filling in by hand."""
    label_w, value_w = widths
    cells: list[list[object]] = []
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, 10),  # also for empty cells: no stray Helvetica in the file
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    pending: list[tuple[str, str]] = []

    def flush(pairs: list[tuple[str, str]]) -> None:
        row = len(cells)
        line: list[object] = []
        for label, value in pairs:
            line += [para(label, st["label"]), para(value, st["cell"])]
        style.append(("BACKGROUND", (0, row), (0, row), LABEL_FILL))
        if len(pairs) == 2:
            style.append(("BACKGROUND", (2, row), (2, row), LABEL_FILL))
        else:
            line += ["", ""]
            style.append(("SPAN", (1, row), (3, row)))
        cells.append(line)

    for label, value in rows:
        if len(value or "") > long_at or "\n" in (value or ""):
            if pending:
                flush(pending)
                pending = []
            for index, piece in enumerate(pieces(value)):
                flush([(label if index == 0 else "", piece)])
        else:
            pending.append((label, value))
            if len(pending) == 2:
                flush(pending)
                pending = []
    if pending:
        flush(pending)
    table = Table(cells, colWidths=[label_w, value_w, label_w, value_w])
    table.setStyle(TableStyle(style))
    return table


def box(label: str, text: str, st: dict[str, ParagraphStyle], *, min_height: float = 0) -> Table:
    """A labelled box across the page for a long text (the facts, the demands, a statement); a long text runs
    on over several rows, which may fall on the next page."""
    parts = pieces(text)
    table = Table(
        [
            [para(label if i == 0 else "", st["label"]), para(part, st["cell"])]
            for i, part in enumerate(parts)
        ],
        colWidths=[30 * mm, 140 * mm],
    )
    last = len(parts) - 1
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                ("LINEAFTER", (0, 0), (0, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *([("BOTTOMPADDING", (1, last), (1, last), min_height)] if min_height else []),
            ]
        )
    )
    return table


def signature_table(rows: list[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    """Signature blocks, two a row: who signs, a line to sign on, the date line."""
    cells = []
    for i in range(0, len(rows), 2):
        pair = rows[i : i + 2]
        cells.append(
            [para(f"{who}\n\n{when}", st["sign"]) for who, when in pair] + ([""] if len(pair) == 1 else [])
        )
    table = Table(cells, colWidths=[85 * mm, 85 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def cn_date(value: object) -> str:
    """2026年09月28日, or the blanks to fill it in by hand."""
    return f"{value:%Y年%m月%d日}" if value else "＿＿＿＿年＿＿月＿＿日"
