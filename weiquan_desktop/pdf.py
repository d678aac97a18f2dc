"""ReportLab set-up shared by every printed document: the bundled Chinese font, styles, atomic output."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

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

FONT = "WenQuanYiMicroHei"
_registered = False


def register_fonts() -> str:
    """Register the bundled font once; ReportLab embeds a subset of it in every PDF."""
    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont(FONT, str(font_file()), subfontIndex=0))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
        _registered = True
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER,
                                spaceAfter=6 * mm),
        "heading": ParagraphStyle("heading", parent=body, fontSize=13, leading=20, spaceBefore=3 * mm,
                                  spaceAfter=2 * mm),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=13, textColor=colors.grey),
    }


def build(dest: Path, story: list[Flowable], *, title: str, author: str = APP_TITLE,
          on_page: Callable | None = None) -> Path:
    """Lay out ``story`` on A4 into ``dest`` atomically (a temporary file renamed into place)."""
    register_fonts()
    with atomic_write(dest) as tmp:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
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
