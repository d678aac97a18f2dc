"""The statistics report as a workbook (with native Excel charts) and as a PDF (with charts)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from weiquan_desktop import pdf
from weiquan_desktop.fileio import atomic_write
from weiquan_desktop.services import anchor, audit, exchange, station, statistics
from weiquan_desktop.services.statistics import Period

# --- Excel --------------------------------------------------------------------------------------------

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")


class _Grid:
    """The summary sheet's cells by (row, column), written in order into a write-only sheet at the end:
    the workbook streams, so the ledger sheet of a whole year never sits in memory."""

    def __init__(self, ws: object) -> None:
        self.ws = ws
        self.cells: dict[tuple[int, int], WriteOnlyCell] = {}

    def cell(self, row: int, col: int, value: object = None) -> WriteOnlyCell:
        cell = self.cells.get((row, col))
        if cell is None:
            cell = self.cells[(row, col)] = WriteOnlyCell(self.ws)
        if value is not None:
            cell.value = value
            exchange.keep_as_text(cell)
        return cell

    def merge(self, row: int, first: int, last: int) -> None:
        self.ws.merged_cells.add(CellRange(min_row=row, max_row=row, min_col=first, max_col=last))

    def write(self) -> None:
        rows = max(r for r, _c in self.cells)
        columns = max(c for _r, c in self.cells)
        for r in range(1, rows + 1):
            self.ws.append([self.cells.get((r, c)) for c in range(1, columns + 1)])


def _table(grid: _Grid, row: int, headers: list[str], rows: list[list[object]], formats: dict[int, str]) -> int:
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


def to_xlsx(figures: dict, period: Period, dest: Path, *, hotspots: str | None = None, measures: str = "",
            made_by: str | None = None, masked: bool = True) -> Path:
    """The report sheet (tables, two native charts, hotspots, measures; A4 landscape) and the period's
    ledger, written to a temporary file and renamed into place when complete."""
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    profile = station.load_profile()
    with atomic_write(Path(dest)) as tmp, exchange.closing_streams(Workbook(write_only=True)) as wb:
        ws = wb.create_sheet("统计报表")
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1  # the tables and the charts beside them on one page width
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # else Excel ignores fitToWidth
        ws.column_dimensions["A"].width = 28
        for letter in "BCDEF":
            ws.column_dimensions[letter].width = 16
        grid = _Grid(ws)
        grid.cell(1, 1, f"{profile.name if profile else ''} 投诉统计报表"
                        f"（{period.label or period.start.isoformat() + '至' + period.end.isoformat()}）"
                  ).font = Font(bold=True, size=14)
        grid.cell(2, 1, f"站点编码：{profile.code if profile else ''}　统计期间：{figures['period']['start']} 至 "
                        f"{figures['period']['end']}　制表：{made_by or ''}　制表时间：{datetime.now():%Y-%m-%d %H:%M}")
        grid.cell(3, 1, anchor.head_line())
        ws.freeze_panes = "A5"
        row = _table(grid, 5, ["指标", "本期", "上期"], [list(r) for r in statistics.headline_rows(figures)], {})
        cat_start = row
        row = _table(grid, row, ["商品服务大类", "件数", "占比", "上期占比", "占比变化（百分点）"],
                     [list(r) for r in statistics.category_rows(figures)], {3: "0.00%", 4: "0.00%", 5: "0.00"})
        categories = len(figures["by_category"])
        row = _table(grid, row, ["问题性质", "件数", "占比"],
                     [[k, v["count"], v["share"]] for k, v in figures["by_nature"].items()], {3: "0.00%"})
        row = _table(grid, row, ["来源", "件数"], [[k, v] for k, v in figures["received_by_source"].items()], {})
        row = _table(grid, row, ["被投诉较多的经营者", "件数"],
                     [[t["name"], t["count"]] for t in figures["top_respondents"]], {})
        trend = statistics.monthly_trend(period)
        trend_start = row
        row = _table(grid, row, ["月份", "登记", "解决"], [list(t) for t in trend], {})
        for offset, title, text, height in ((0, "热点分析", hotspots if hotspots is not None
                                             else statistics.draft_hotspots(figures), 90),
                                            (3, "整改措施", measures or "", 60)):
            grid.cell(row + offset, 1, title).font = Font(bold=True)
            grid.cell(row + offset + 1, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
            grid.merge(row + offset + 1, 1, 6)
            ws.row_dimensions[row + offset + 1].height = height
        if categories:
            chart = BarChart()
            chart.title, chart.y_axis.title = "投诉按商品服务大类", "件数"
            chart.add_data(Reference(ws, min_col=2, min_row=cat_start, max_row=cat_start + categories),
                           titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=cat_start + 1, max_row=cat_start + categories))
            chart.width, chart.height = 18, 9
            ws.add_chart(chart, "H5")
        line = LineChart()
        line.title, line.y_axis.title = "月度登记与解决", "件数"
        line.add_data(Reference(ws, min_col=2, max_col=3, min_row=trend_start, max_row=trend_start + len(trend)),
                      titles_from_data=True)
        line.set_categories(Reference(ws, min_col=1, min_row=trend_start + 1, max_row=trend_start + len(trend)))
        line.width, line.height = 18, 9
        ws.add_chart(line, "H25")
        grid.write()
        exchange.write_ledger_sheet(wb, "台账", exchange.ledger_rows(period.start, period.end, masked=masked))
        wb.save(tmp)
    audit.log("report.export", actor=made_by, detail={"期间": figures["period"], "格式": "xlsx", "去标识化": masked})
    return Path(dest)


# --- PDF ----------------------------------------------------------------------------------------------

def _bar_chart(title: str, names: list[str], values: list[int], width: float = 250 * mm) -> Drawing:
    drawing = Drawing(width, 70 * mm)
    drawing.add(String(0, 66 * mm, title, fontName=pdf.FONT, fontSize=11))
    if not values:
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 18 * mm, width - 20 * mm, 42 * mm
    chart.data = [values]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = pdf.FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = pdf.FONT
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#3f6fb5")
    drawing.add(chart)
    return drawing


def _line_chart(title: str, trend: list[tuple[str, int, int]], width: float = 250 * mm) -> Drawing:
    drawing = Drawing(width, 70 * mm)
    drawing.add(String(0, 66 * mm, title + "（蓝：登记　橙：解决）", fontName=pdf.FONT, fontSize=11))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 12 * mm, width - 20 * mm, 48 * mm
    chart.data = [[t[1] for t in trend], [t[2] for t in trend]]
    chart.categoryAxis.categoryNames = [t[0] for t in trend]
    chart.categoryAxis.labels.fontName = pdf.FONT
    chart.valueAxis.labels.fontName = pdf.FONT
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor = colors.HexColor("#3f6fb5")
    chart.lines[1].strokeColor = colors.HexColor("#e07b24")
    drawing.add(chart)
    return drawing


def _grid(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf.FONT, 9), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5f0")),
                               ("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    return table


def to_pdf(figures: dict, period: Period, dest: Path, *, hotspots: str | None = None, measures: str = "",
           made_by: str | None = None) -> Path:
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    st = pdf.styles()
    profile = station.load_profile()
    title = f"{profile.name if profile else ''} 投诉统计报表"
    story: list[Flowable] = [
        Paragraph(pdf.markup(title), st["title"]),
        Paragraph(pdf.markup(f"统计期间：{period.label}（{figures['period']['start']} 至 {figures['period']['end']}）　"
                             f"站点编码：{profile.code if profile else ''}　制表：{made_by or ''}　"
                             f"制表时间：{datetime.now():%Y-%m-%d %H:%M}"), st["body"]),
        Spacer(1, 4 * mm),
        _grid([["指标", "本期", "上期"], *[list(r) for r in statistics.headline_rows(figures)]], [70 * mm, 40 * mm, 40 * mm]),
        Spacer(1, 4 * mm),
        KeepTogether(_bar_chart("投诉按商品服务大类（件）", list(figures["by_category"]),
                                [v["count"] for v in figures["by_category"].values()])),
        _grid([["商品服务大类", "件数", "占比", "上期占比", "变化（百分点）"],
               *[[n, str(c), f"{s:.2%}", f"{p:.2%}", f"{d:+.2f}"] for n, c, s, p, d in statistics.category_rows(figures)]],
              [70 * mm, 30 * mm, 30 * mm, 30 * mm, 35 * mm]),
        Spacer(1, 4 * mm),
        KeepTogether(_bar_chart("投诉按问题性质（件）", list(figures["by_nature"]),
                                [v["count"] for v in figures["by_nature"].values()])),
        KeepTogether(_line_chart("月度趋势", statistics.monthly_trend(period))),
        Paragraph("热点分析", st["heading"]),
        Paragraph(pdf.markup(hotspots if hotspots is not None else statistics.draft_hotspots(figures)), st["body"]),
        Paragraph("整改措施", st["heading"]),
        Paragraph(pdf.markup(measures or "（未填写）"), st["body"]),
        Spacer(1, 6 * mm),
        Paragraph(pdf.markup(anchor.head_line()), st["small"]),
    ]
    pdf.build(Path(dest), story, title=title, pagesize=landscape(A4))
    audit.log("report.export", actor=made_by, detail={"期间": figures["period"], "格式": "pdf"})
    return Path(dest)
