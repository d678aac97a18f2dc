"""The statistics report as a workbook (with native Excel charts) and as a PDF (with charts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from weiquan_desktop import pdf
from weiquan_desktop.fileio import atomic_write
from weiquan_desktop.services import anchor, audit, auth, exchange, station, statistics
from weiquan_desktop.services.actor import Actor, name_of
from weiquan_desktop.services.statistics import Period
from weiquan_desktop.text import plain_text

# --- Excel --------------------------------------------------------------------------------------------

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")


class _Grid:
    """The summary sheet's cells by (row, column), written in order into a write-only sheet at the end:
    the workbook streams, so the ledger sheet of a whole year never sits in memory."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.cells: dict[tuple[int, int], WriteOnlyCell] = {}

    def cell(self, row: int, col: int, value: object = None) -> WriteOnlyCell:
        cell = self.cells.get((row, col))
        if cell is None:
            cell = self.cells[(row, col)] = WriteOnlyCell(self.ws)
        if value is not None:
            cell.value = plain_text(value) if isinstance(value, str) else value
            exchange.keep_as_text(cell)
        return cell

    def merge(self, row: int, first: int, last: int) -> None:
        self.ws.merged_cells.add(CellRange(min_row=row, max_row=row, min_col=first, max_col=last))

    def write(self) -> None:
        rows = max(r for r, _c in self.cells)
        columns = max(c for _r, c in self.cells)
        for r in range(1, rows + 1):
            self.ws.append([self.cells.get((r, c)) for c in range(1, columns + 1)])


def _table(
    grid: _Grid, row: int, headers: list[str], rows: list[list[object]], formats: dict[int, str]
) -> int:
    for col, title in enumerate(headers, 1):
        cell = grid.cell(row, col, title)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center")
    for r, values in enumerate(rows, row + 1):
        for col, value in enumerate(values, 1):
            cell = grid.cell(r, col, value)
            cell.border = BOX
            if col in formats:
                cell.number_format = formats[col]
    return row + len(rows) + 2


@dataclass
class Signed:
    """Who made the report, who checks it, and when it is handed in (blank lines when not known)."""

    made_by: str | None = None
    checked_by: str | None = None
    submitted_on: date | None = None

    def line(self) -> str:
        return (
            f"制表人：{self.made_by or '＿＿＿＿＿＿'}　　审核人：{self.checked_by or '＿＿＿＿＿＿'}　　"
            f"报送日期：{pdf.cn_date(self.submitted_on)}"
        )


NUMBER_FORMATS = {"int": "#,##0", "rate": "0.00%", "money": "#,##0.00"}
CHANGE_FORMATS = {
    "int": "+#,##0;-#,##0;0",
    "rate": "+0.00%;-0.00%;0.00%",
    "money": "+#,##0.00;-#,##0.00;0.00",
}


def _change(now: Any, then: Any) -> Any:  # numbers of one kind: int, float or Decimal
    if now is None or then is None:
        return None
    return now - then


def _title_rows(grid: _Grid, title: str, figures: dict, period: Period, signed: Signed) -> None:
    profile = station.load_profile()
    grid.cell(
        1,
        1,
        f"{profile.name if profile else ''} {title}"
        f"（{period.label or period.start.isoformat() + '至' + period.end.isoformat()}）",
    ).font = Font(bold=True, size=14)
    grid.cell(
        2,
        1,
        f"站点编码：{profile.code if profile else ''}　统计期间：{figures['period']['start']} 至 "
        f"{figures['period']['end']}　制表时间：{datetime.now():%Y-%m-%d %H:%M}",
    )


def _signed(signed: Signed | None, made_by: str | None, actor: Actor | None) -> Signed:
    signed = signed or Signed(made_by)
    if signed.made_by is None and actor is not None:
        signed.made_by = actor.name  # 制表人: the one logged in (the window's user, the command's --user)
    return signed


def to_xlsx(
    figures: dict,
    period: Period,
    dest: Path,
    *,
    hotspots: str | None = None,
    measures: str = "",
    made_by: str | None = None,
    masked: bool = True,
    signed: Signed | None = None,
    actor: Actor | None = None,
) -> Path:
    """The report as a bureau adds it up: sheet 汇总 with every figure in a fixed cell (the same row in every
    station's workbook), numbers as numbers, rates as fractions shown as percentages, on one A4 page; sheet 分类
    with every category, nature and source (zeros included, fixed order) and two native charts; sheet 分析 with
    the hotspots, measures, respondents and the monthly trend; and the period's ledger. Written to a temporary
    file and renamed into place when complete."""
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    if not masked:
        auth.require(actor, "unmasked_export")
    signed = _signed(signed, made_by, actor)
    with atomic_write(Path(dest)) as tmp, exchange.closing_streams(Workbook(write_only=True)) as wb:
        _summary_sheet(wb, figures, period, signed)
        _categories_sheet(wb, figures, period)
        _analysis_sheet(wb, figures, period, hotspots, measures, signed)
        exchange.write_ledger_sheet(wb, "台账", exchange.ledger_rows(period.start, period.end, masked=masked))
        wb.save(tmp)
    audit.log(
        "report.export",
        actor=name_of(actor) if actor else signed.made_by,
        detail={"期间": figures["period"], "格式": "xlsx", "去标识化": masked, "制表人": signed.made_by},
    )
    return Path(dest)


def _page(ws: Worksheet, *, landscape_page: bool = False, one_page: bool = False) -> None:
    ws.page_setup.orientation = "landscape" if landscape_page else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # else Excel ignores fitToWidth
    ws.print_options.horizontalCentered = True


SUMMARY_FIRST_ROW = (
    5  # the headline table's header row; its figures start on the row below, in HEADLINES order
)


def _summary_sheet(wb: Workbook, figures: dict, period: Period, signed: Signed) -> None:
    ws = wb.create_sheet("汇总")
    _page(ws, one_page=True)
    for letter, width in zip("ABCDEFG", (34, 13, 13, 12, 13, 12, 2), strict=True):
        ws.column_dimensions[letter].width = width
    grid = _Grid(ws)
    _title_rows(grid, "投诉统计报表", figures, period, signed)
    grid.cell(3, 1, signed.line())
    rows = [
        [label, now, before, _change(now, before), ago, _change(now, ago)]
        for label, now, before, ago, kind in statistics.headline_values(figures)
    ]
    kinds = [kind for *_rest, kind in statistics.headline_values(figures)]
    row = _table(
        grid, SUMMARY_FIRST_ROW, ["指标", "本期", "上期", "环比增减", "去年同期", "同比增减"], rows, {}
    )
    for r, kind in enumerate(kinds, SUMMARY_FIRST_ROW + 1):
        for col, fmt in (
            (2, NUMBER_FORMATS),
            (3, NUMBER_FORMATS),
            (4, CHANGE_FORMATS),
            (5, NUMBER_FORMATS),
            (6, CHANGE_FORMATS),
        ):
            grid.cell(r, col).number_format = fmt[kind]
    on_time = [v for v in (figures.get("extra") or {}).get("on_time", {}).values()]
    row = _table(
        grid,
        row,
        ["办理时限", "应办件数", "按时", "逾期办理", "逾期未办", "按时率"],
        [[v["label"], v["due"], v["on_time"], v["late"], v["missing"], v["rate"]] for v in on_time],
        {6: "0.00%"},
    )
    grid.cell(row, 1, anchor.head_line()).font = Font(size=8, color="666666")
    ws.freeze_panes = f"B{SUMMARY_FIRST_ROW + 1}"
    grid.write()


def _categories_sheet(wb: Workbook, figures: dict, period: Period) -> None:
    from weiquan_desktop import domain

    ws = wb.create_sheet("分类")
    _page(ws, landscape_page=True)
    for letter, width in zip("ABCDEF", (26, 10, 13, 13, 16, 13), strict=True):
        ws.column_dimensions[letter].width = width
    grid = _Grid(ws)
    _title_rows(grid, "投诉分类统计", figures, period, Signed())
    previous = (figures.get("previous") or {}).get("by_category", {})
    accepted = (figures.get("extra") or {}).get("by_category_accepted", {})
    categories = figures["by_category"]
    rows = [
        [
            name,
            categories.get(name, {}).get("count", 0),
            categories.get(name, {}).get("share", 0.0),
            previous.get(name, {}).get("share", 0.0),
            figures.get("share_change", {}).get(name, 0.0),
            accepted.get(name, {}).get("share", 0.0),
        ]
        for name in domain.CATEGORIES
    ]
    cat_start = 4
    row = _table(
        grid,
        cat_start,
        ["商品服务大类", "件数", "占登记投诉", "上期占比", "占比变化（百分点）", "占受理投诉"],
        rows,
        {2: "#,##0", 3: "0.00%", 4: "0.00%", 5: "+0.00;-0.00;0.00", 6: "0.00%"},
    )
    groups = figures["by_category_group"]
    row = _table(
        grid, row, ["大类分组", "件数"], [[g, groups.get(g, 0)] for g in domain.CATEGORY_GROUPS], {2: "#,##0"}
    )
    natures = figures["by_nature"]
    accepted_natures = (figures.get("extra") or {}).get("by_nature_accepted", {})
    row = _table(
        grid,
        row,
        ["问题性质", "件数", "占登记投诉", "占受理投诉"],
        [
            [
                n,
                natures.get(n, {}).get("count", 0),
                natures.get(n, {}).get("share", 0.0),
                accepted_natures.get(n, {}).get("share", 0.0),
            ]
            for n in domain.NATURES
        ],
        {2: "#,##0", 3: "0.00%", 4: "0.00%"},
    )
    _table(
        grid, row, ["来源", "件数"], [[k, v] for k, v in figures["received_by_source"].items()], {2: "#,##0"}
    )
    shown = [i for i, name in enumerate(domain.CATEGORIES) if categories.get(name)]
    if shown:
        chart = BarChart()
        chart.type = "bar"  # horizontal: whole category names
        chart.title, chart.x_axis.title = "投诉按商品服务大类（件）", None
        chart.add_data(
            Reference(ws, min_col=2, min_row=cat_start, max_row=cat_start + len(domain.CATEGORIES)),
            titles_from_data=True,
        )
        chart.set_categories(
            Reference(ws, min_col=1, min_row=cat_start + 1, max_row=cat_start + len(domain.CATEGORIES))
        )
        chart.legend = None
        chart.x_axis.scaling.orientation = "maxMin"  # read top down, in the table's order
        chart.width, chart.height = 16, 14
        ws.add_chart(chart, "H4")
    grid.write()


def _analysis_sheet(
    wb: Workbook, figures: dict, period: Period, hotspots: str | None, measures: str, signed: Signed
) -> None:
    ws = wb.create_sheet("分析")
    _page(ws)
    ws.column_dimensions["A"].width = 30
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 14
    grid = _Grid(ws)
    _title_rows(grid, "投诉情况分析", figures, period, signed)
    row = 4
    for title, text, height in (
        ("热点分析", hotspots if hotspots is not None else statistics.draft_hotspots(figures), 120),
        ("整改措施", measures or "", 80),
    ):
        grid.cell(row, 1, title).font = Font(bold=True)
        grid.cell(row + 1, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
        grid.merge(row + 1, 1, 6)
        ws.row_dimensions[row + 1].height = height
        row += 3
    row = _table(
        grid,
        row,
        ["被投诉较多的经营者", "件数"],
        [[t["name"], t["count"]] for t in figures["top_respondents"]],
        {2: "#,##0"},
    )
    trend = statistics.monthly_trend(period)
    trend_start = row
    row = _table(grid, row, ["月份", "登记", "解决"], [list(t) for t in trend], {2: "#,##0", 3: "#,##0"})
    grid.cell(row, 1, signed.line())
    line = LineChart()
    line.title, line.y_axis.title = "月度登记与解决", "件数"
    line.add_data(
        Reference(ws, min_col=2, max_col=3, min_row=trend_start, max_row=trend_start + len(trend)),
        titles_from_data=True,
    )
    line.set_categories(Reference(ws, min_col=1, min_row=trend_start + 1, max_row=trend_start + len(trend)))
    line.width, line.height = 16, 8
    ws.add_chart(line, f"D{trend_start}")
    grid.write()


# --- PDF ----------------------------------------------------------------------------------------------


def _grid(rows: list[list[str]], widths: list[float], *, first_left: bool = True, size: float = 9) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, size),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5f0")),
                ("ALIGN", (1 if first_left else 0, 1), (-1, -1), "RIGHT"),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _hbar_chart(title: str, names: list[str], values: list[int], width: float) -> Drawing:
    """Horizontal bars, the largest on top, whole names on the left."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart

    rows = max(len(values), 1)
    height = (14 + rows * 6) * mm
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 5 * mm, title, fontName=pdf.FONT, fontSize=10))
    if not values:
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 42 * mm, 6 * mm, width - 50 * mm, rows * 6 * mm
    chart.data = [values[::-1]]
    chart.categoryAxis.categoryNames = names[::-1]
    chart.categoryAxis.labels.fontName = pdf.FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = pdf.FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = _step(max(values))
    chart.bars[0].fillColor = colors.HexColor("#3f6fb5")
    drawing.add(chart)
    return drawing


def _step(highest: int) -> int:
    step = 1
    while highest / step > 6:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2  # 1, 2, 5, 10, 20, 50 …
    return step


def _line_chart(title: str, trend: list[tuple[str, int, int]], width: float) -> Drawing:
    drawing = Drawing(width, 55 * mm)
    drawing.add(String(0, 51 * mm, title + "（蓝：登记　橙：解决）", fontName=pdf.FONT, fontSize=10))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 8 * mm, width - 20 * mm, 38 * mm
    chart.data = [[t[1] for t in trend], [t[2] for t in trend]]
    chart.categoryAxis.categoryNames = [t[0] for t in trend]
    chart.categoryAxis.labels.fontName = pdf.FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = pdf.FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = _step(max([1] + [max(t[1], t[2]) for t in trend]))
    chart.lines[0].strokeColor = colors.HexColor("#3f6fb5")
    chart.lines[1].strokeColor = colors.HexColor("#e07b24")
    drawing.add(chart)
    return drawing


def _section(title: str, text: str, st: dict) -> KeepTogether:
    return KeepTogether(
        [
            Paragraph(title, st["heading"]),
            *[
                Paragraph(pdf.markup(part), st["body"])
                for part in (text or "（未填写）").split("\n")
                if part.strip()
            ],
        ]
    )


def to_pdf(
    figures: dict,
    period: Period,
    dest: Path,
    *,
    hotspots: str | None = None,
    measures: str = "",
    made_by: str | None = None,
    signed: Signed | None = None,
    actor: Actor | None = None,
) -> Path:
    """The report on A4 portrait: the figures and the time limits on the first page, then the categories
    beside their chart, the natures, the trend, the analysis and the measures, and the signatures."""
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    signed = _signed(signed, made_by, actor)
    st = pdf.styles()
    profile = station.load_profile()
    title = f"{profile.name if profile else ''}投诉统计报表"
    full = A4[0] - 40 * mm
    headline = [["指标", "本期", "上期", "去年同期"], *[list(r) for r in statistics.headline_rows(figures)]]
    on_time = list((figures.get("extra") or {}).get("on_time", {}).values())
    story: list[Flowable] = [
        Paragraph(pdf.markup(title), st["title"]),
        Paragraph(
            pdf.markup(
                f"统计期间：{period.label or ''}（{figures['period']['start']} 至 {figures['period']['end']}）"
                f"　站点编码：{profile.code if profile else ''}"
            ),
            st["body"],
        ),
        Spacer(1, 3 * mm),
        _grid(headline, [full - 3 * 30 * mm, 30 * mm, 30 * mm, 30 * mm], size=8.5),
        Spacer(1, 3 * mm),
    ]
    if on_time:
        story.append(
            KeepTogether(
                [
                    Paragraph("办理时限执行情况", st["heading"]),
                    _grid(
                        [
                            ["期限", "应办", "按时", "逾期办理", "逾期未办", "按时率"],
                            *[
                                [
                                    v["label"],
                                    str(v["due"]),
                                    str(v["on_time"]),
                                    str(v["late"]),
                                    str(v["missing"]),
                                    statistics.format_value(v["rate"], "rate"),
                                ]
                                for v in on_time
                            ],
                        ],
                        [full - 5 * 22 * mm, *[22 * mm] * 5],
                        size=8.5,
                    ),
                ]
            )
        )
    names = list(figures["by_category"])
    story += [
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph("投诉按商品服务大类", st["heading"]),
                _grid(
                    [
                        ["商品服务大类", "件数", "占登记投诉", "上期占比", "变化（百分点）"],
                        *[
                            [n, str(c), f"{sh:.2%}", f"{p:.2%}", f"{d:+.2f}"]
                            for n, c, sh, p, d in statistics.category_rows(figures)
                        ],
                    ],
                    [full - 4 * 26 * mm, *[26 * mm] * 4],
                    size=8.5,
                ),
            ]
        ),
        Spacer(1, 2 * mm),
        _hbar_chart(
            "投诉件数最多的商品服务大类",
            names[:8],
            [figures["by_category"][n]["count"] for n in names[:8]],
            full,
        ),
        KeepTogether(
            [
                Paragraph("投诉按问题性质", st["heading"]),
                _grid(
                    [
                        ["问题性质", "件数", "占登记投诉"],
                        *[[n, str(v["count"]), f"{v['share']:.2%}"] for n, v in figures["by_nature"].items()],
                    ],
                    [full - 2 * 30 * mm, 30 * mm, 30 * mm],
                    size=8.5,
                ),
            ]
        ),
        Spacer(1, 3 * mm),
        KeepTogether(_line_chart("月度登记与解决", statistics.monthly_trend(period), full)),
        _section("热点分析", hotspots if hotspots is not None else statistics.draft_hotspots(figures), st),
        _section("整改措施", measures, st),
        Spacer(1, 8 * mm),
        Paragraph(pdf.markup(signed.line()), st["body"]),
        Spacer(1, 3 * mm),
        Paragraph(pdf.markup(anchor.head_line()), st["small"]),
    ]
    pdf.build(Path(dest), story, title=title, pagesize=A4)
    audit.log(
        "report.export",
        actor=name_of(actor) if actor else signed.made_by,
        detail={"期间": figures["period"], "格式": "pdf", "制表人": signed.made_by},
    )
    return Path(dest)
