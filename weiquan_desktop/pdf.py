"""ReportLab set-up shared by every printed document: the bundled Chinese font, styles, atomic output."""

from __future__ import annotations

import logging
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
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from weiquan_desktop import APP_TITLE, __version__
from weiquan_desktop.assets import font_file
from weiquan_desktop.fileio import atomic_write

log = logging.getLogger(__name__)

FONT = "WenQuanYiMicroHei"
FALLBACK = "WQFallback"
# Characters beyond the bundled font (CJK Extension B and later, e.g. 𠮷 in names) come from a font of the
# system: SimSun-ExtB ships with every Windows; on Debian, fonts-hanazono (installed by tools/run-*).
FALLBACK_CANDIDATES = (
    Path("C:/Windows/Fonts/simsunb.ttf"),
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
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar", *body, "endbfchar",
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


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
    """Paragraph markup for plain text: escaped, line breaks kept, rare characters in the fallback font."""
    register_fonts()
    text = text or ""
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append("<br/>")
        elif ord(ch) in _primary_chars or ch in " \t" or not _register_fallback() or ord(ch) not in _fallback_chars:
            out.append(escape(ch))
        else:
            out.append(f'<font name="{FALLBACK}">{escape(ch)}</font>')
    return "".join(out).replace(f'</font><font name="{FALLBACK}">', "")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER,
                                spaceAfter=6 * mm),
        "heading": ParagraphStyle("heading", parent=body, fontSize=13, leading=20, spaceBefore=3 * mm,
                                  spaceAfter=2 * mm, keepWithNext=1),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=13, textColor=colors.grey),
    }


def build(dest: Path, story: list[Flowable], *, title: str, author: str = APP_TITLE,
          on_page: Callable | None = None, pagesize: tuple[float, float] = A4) -> Path:
    """Lay out ``story`` on A4 into ``dest`` atomically (a temporary file renamed into place)."""
    register_fonts()
    with atomic_write(dest) as tmp:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=pagesize, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
            bottomMargin=20 * mm, title=title, author=author, creator=f"weiquan-desktop {__version__}",
            invariant=True,  # same input, same bytes: documents are reproducible
            initialFontName=FONT, initialFontSize=11,  # no stray Helvetica in the font list
        )
        kwargs = {"onFirstPage": on_page, "onLaterPages": on_page} if on_page else {}
        doc.build(story, **kwargs)
    return dest


TEST_TEXT = (
    "消费者权益保护法第二十四条：经营者提供的商品或者服务不符合质量要求的，消费者可以依照国家规定、"
    "当事人约定退货，或者要求经营者履行更换、修理等义务。"
)


def test_page(dest: Path, station_name: str | None = None) -> Path:
    """A page to check that the printer and the Chinese font work: text, table, punctuation, digits."""
    st = styles()
    rows = [["项目", "内容"], ["站点", station_name or "（尚未填写站点信息）"],
            ["生成时间", datetime.now().strftime("%Y年%m月%d日 %H:%M")], ["金额示例", "¥1,234.50（壹仟贰佰叁拾肆元伍角）"],
            ["标点示例", "，。、；：！？“”‘’（）《》【】——……"]]
    table = Table(rows, colWidths=[35 * mm, 130 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 11),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story: list[Flowable] = [
        Paragraph("打印测试页", st["title"]),
        Paragraph("如果本页的中文、标点和表格线都清晰完整，说明打印机和中文字体工作正常。", st["body"]),
        Spacer(1, 6 * mm), table, Spacer(1, 6 * mm),
        Paragraph(TEST_TEXT * 2, st["body"]),
        Spacer(1, 10 * mm),
        Paragraph(f"{APP_TITLE} {__version__} · 字体：文泉驿微米黑（已嵌入）", st["small"]),
    ]
    return build(dest, story, title="打印测试页")
