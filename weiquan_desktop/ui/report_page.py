"""报表: pick a period, read the figures as tables and charts, edit the hotspot text, save what was sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services import report_export, statistics
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.services.statistics import Period
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.tasks import ProcessTask, Task
from weiquan_desktop.ui.widgets import fill, read_only_table, scrolling, show_window

KINDS = ("季度", "半年", "全年", "自定义")


def _count_axis(highest: int) -> QValueAxis:
    """Whole numbers from 0 in steps of 1, 2, 5, 10 … (0, 3.5, 7 printed as "0 3 7" read as nonsense)."""
    step = 1
    while highest / step > 6:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2  # 1, 2, 5, 10, 20, 50 …
    top = max(step, -(-highest // step) * step)
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickCount(top // step + 1)
    axis.setLabelFormat("%d")
    return axis


class ReportPage(QWidget):
    def __init__(self, parent: QWidget | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.actor = actor  # 制表人, and who the audit log says exported it
        self.figures: dict | None = None
        self.submitted_on: date | None = None
        self.period: Period | None = None
        self.viewing_snapshot = False
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        today = date.today()
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.year = QSpinBox(minimum=2000, maximum=2100, value=today.year)
        self.part = QComboBox()
        self.date_from = QDateEdit(QDate(today.year, 1, 1), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.make = QPushButton("生成报表")
        self.snapshot_box = QComboBox()
        self.open_snapshot = QPushButton("查看")
        self.to_label = QLabel("至")
        for widget in (
            QLabel("期间"),
            self.kind,
            self.year,
            self.part,
            self.date_from,
            self.to_label,
            self.date_to,
            self.make,
            QLabel("　已报送："),
            self.snapshot_box,
            self.open_snapshot,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.title = QLabel()
        layout.addWidget(self.title)
        grid = QGridLayout()
        self.headlines = read_only_table(["指标", "本期", "上期", "去年同期"])
        self.categories = read_only_table(["商品服务大类", "件数", "占比", "上期占比", "变化（百分点）"])
        for table in (
            self.headlines,
            self.categories,
        ):  # the names take the room, the figures sit beside them
            table.horizontalHeader().setStretchLastSection(False)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.category_chart = QChartView()
        self.trend_chart = QChartView()
        for view in (self.category_chart, self.trend_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(220)
        grid.addWidget(self.headlines, 0, 0)
        grid.addWidget(self.category_chart, 0, 1)
        grid.addWidget(self.categories, 1, 0)
        grid.addWidget(self.trend_chart, 1, 1)
        layout.addLayout(grid, 3)
        texts = QHBoxLayout()
        self.hotspots = QPlainTextEdit(placeholderText="热点分析：生成报表后自动起草，可修改")
        self.measures = QPlainTextEdit(placeholderText="整改措施")
        texts.addWidget(self.hotspots)
        texts.addWidget(self.measures)
        layout.addLayout(texts, 1)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.checked_by = QLineEdit(placeholderText="审核人")
        self.checked_by.setMaximumWidth(120)
        self.save_snapshot = QPushButton("保存为已报送报表")
        self.export_xlsx = QPushButton("导出 Excel…")
        self.export_pdf = QPushButton("导出 PDF…")
        self.summary_button = QPushButton("小结/总结…")
        self.combined_button = QPushButton("多站汇总…")
        self.evaluation = QPushButton("工作人员考核…")
        self.evaluation.clicked.connect(self.show_evaluation)
        buttons.addWidget(self.status, 1)
        for widget in (QLabel("审核人"), self.checked_by, self.evaluation, self.combined_button):
            buttons.addWidget(widget)
        for button in (self.save_snapshot, self.export_xlsx, self.export_pdf, self.summary_button):
            buttons.addWidget(button)
            button.setEnabled(False)
        layout.addLayout(buttons)
        self.summary_button.clicked.connect(self.show_summary)
        self.combined_button.clicked.connect(self.combine_stations)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.make.clicked.connect(self.generate)
        self.save_snapshot.clicked.connect(self.save)
        self.export_xlsx.clicked.connect(lambda: self.export("xlsx"))
        self.export_pdf.clicked.connect(lambda: self.export("pdf"))
        self.open_snapshot.clicked.connect(self.show_snapshot)
        self._kind_changed()
        self.part.setCurrentIndex(max((today.month - 1) // 3 - 1, 0))  # the quarter just ended
        self.reload_snapshots()

    def _kind_changed(self) -> None:
        kind = self.kind.currentText()
        self.part.clear()
        self.part.addItems(
            {"季度": ["第一季度", "第二季度", "第三季度", "第四季度"], "半年": ["上半年", "下半年"]}.get(
                kind, []
            )
        )
        self.part.setVisible(kind in ("季度", "半年"))
        self.year.setVisible(kind != "自定义")
        for widget in (self.date_from, self.to_label, self.date_to):
            widget.setVisible(kind == "自定义")

    def selected_period(self) -> Period:
        kind, year = self.kind.currentText(), self.year.value()
        if kind == "季度":
            return statistics.parse_period(f"{year}Q{self.part.currentIndex() + 1}")
        if kind == "半年":
            return statistics.parse_period(f"{year}H{self.part.currentIndex() + 1}")
        if kind == "全年":
            return statistics.parse_period(str(year))
        return statistics.parse_period(
            f"{self.date_from.date().toPython()}..{self.date_to.date().toPython()}"
        )

    def generate(self) -> None:
        period = operations.run(self, self.selected_period, title="报表", changes=False)
        if period is None:
            return

        def compute(_progress: object) -> tuple[dict, str, list]:
            figures = statistics.report(period)
            return figures, statistics.draft_hotspots(figures), statistics.monthly_trend(period)

        # a year on 200,000 records takes most of a second: off the GUI thread
        self.make.setEnabled(False)
        self.task = Task(self, "正在生成报表", compute)
        self.task.finished.connect(lambda result: self._generated(period, *result))
        self.task.failed.connect(self._generate_failed)
        self.task.start()

    def _generated(self, period: Period, figures: dict, hotspots: str, trend: list) -> None:
        self.make.setEnabled(True)
        self.show_figures(period, figures, hotspots, "", trend)
        self.viewing_snapshot = False
        self.submitted_on = None
        self.status.setText("")

    def _generate_failed(self, message: str) -> None:
        self.make.setEnabled(True)
        QMessageBox.warning(self, "报表", message)

    def show_figures(
        self, period: Period, figures: dict, hotspots: str, measures: str, trend: list | None = None
    ) -> None:
        """``trend``: the monthly counts for the chart, read now when not given."""
        self.period, self.figures = period, figures
        self.title.setText(
            f"<b>{period.label}</b>　{figures['period']['start']} 至 {figures['period']['end']}"
        )
        fill(self.headlines, [list(r) for r in statistics.headline_rows(figures)], right_aligned_from=1)
        fill(
            self.categories,
            [
                [n, str(c), f"{s:.2%}", f"{p:.2%}", f"{d:+.2f}"]
                for n, c, s, p, d in statistics.category_rows(figures)
            ],
            right_aligned_from=1,
        )
        self.hotspots.setPlainText(hotspots)
        self.measures.setPlainText(measures)
        self._charts(figures, trend if trend is not None else statistics.monthly_trend(period))
        for button in (self.save_snapshot, self.export_xlsx, self.export_pdf, self.summary_button):
            button.setEnabled(True)

    def _charts(self, figures: dict, trend: list) -> None:
        chart = QChart()
        chart.setTitle("投诉按商品服务大类")
        bars = QBarSet("件数")
        # horizontal bars, the largest on top: a category name reads whole on the left (under the bars it
        # was cut to "文…")
        names = list(figures["by_category"])[:6][::-1]  # the table below lists them all
        counts_by_name = [figures["by_category"][n]["count"] for n in names]
        bars.append(counts_by_name)
        series = QHorizontalBarSeries()
        series.append(bars)
        chart.addSeries(series)
        axis = QBarCategoryAxis()
        axis.append(names)
        font = axis.labelsFont()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        axis.setLabelsFont(font)
        axis.setTruncateLabels(False)  # a whole name or none: "文…" said nothing
        chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)
        values = _count_axis(max(counts_by_name, default=0))
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        chart.legend().setVisible(False)
        self.category_chart.setChart(chart)
        line_chart = QChart()
        line_chart.setTitle("月度登记与解决")
        months = QBarCategoryAxis()
        months.append([t[0] for t in trend])
        counts = _count_axis(max([0] + [max(t[1], t[2]) for t in trend]))
        line_chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        line_chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        for label, column in (("登记", 1), ("解决", 2)):
            line = QLineSeries()
            line.setName(label)
            for i, t in enumerate(trend):
                line.append(i, t[column])
            line_chart.addSeries(line)
            line.attachAxis(months)
            line.attachAxis(counts)
        self.trend_chart.setChart(line_chart)

    def save(self) -> None:
        if self.figures is None or self.viewing_snapshot:
            return
        snapshot_id = statistics.save_snapshot(
            self.period,
            self.figures,
            self.hotspots.toPlainText(),
            self.measures.toPlainText(),
            actor=self.actor,
        )
        self.status.setText(f"已保存为已报送报表（第 {snapshot_id} 号），以后修改案件不会改变它。")
        self.reload_snapshots()

    def reload_snapshots(self) -> None:
        self.snapshot_box.clear()
        self._snapshots = statistics.snapshots()
        for s in self._snapshots:
            self.snapshot_box.addItem(f"{s.label}（{s.created_at:%Y-%m-%d %H:%M}）", s.id)
        self.open_snapshot.setEnabled(bool(self._snapshots))

    def show_snapshot(self) -> None:
        index = self.snapshot_box.currentIndex()
        if not 0 <= index < len(self._snapshots):
            return
        s = self._snapshots[index]
        self.show_figures(s.period, s.figures, s.hotspots, s.measures)
        self.viewing_snapshot = True
        self.submitted_on = s.created_at.date()  # 报送日期: the day it was frozen as sent
        self.save_snapshot.setEnabled(False)
        self.status.setText(
            f"已报送报表：{s.created_at:%Y-%m-%d %H:%M} 保存{('，' + s.created_by) if s.created_by else ''}；"
            f"审计链头 {s.audit_head[:16]}…"
        )

    def show_evaluation(self) -> None:
        period = self.period or operations.run(self, self.selected_period, title="考核", changes=False)
        if period is None:
            return
        show_window(EvaluationDialog(period, self))

    def export(self, kind: str) -> Task | None:
        if self.figures is None:
            return None
        suffix = {"xlsx": ("Excel 工作簿 (*.xlsx)", ".xlsx"), "pdf": ("PDF 文件 (*.pdf)", ".pdf")}[kind]
        default = str(Path.home() / f"投诉统计报表-{self.period.label or self.period.start}{suffix[1]}")
        target, _ = QFileDialog.getSaveFileName(self, "导出报表", default, suffix[0])
        if not target:
            return None
        figures, period = self.figures, self.period
        hotspots, measures = self.hotspots.toPlainText(), self.measures.toPlainText()

        # openpyxl and ReportLab are pure Python: a worker process, so the window stays responsive
        task = ProcessTask(
            self,
            "正在导出报表",
            f"weiquan_desktop.services.report_export:to_{kind}",
            figures=figures,
            period=period,
            dest=Path(target),
            hotspots=hotspots,
            measures=measures,
            signed=self.signed(),
            **({"actor_id": self.actor.id} if self.actor else {}),
        )
        task.finished.connect(lambda path: self.status.setText(f"已导出 {path}"))
        task.failed.connect(lambda message: QMessageBox.warning(self, "导出未完成", message))
        return task.start()

    def signed(self) -> report_export.Signed:
        return report_export.Signed(
            self.actor.name if self.actor else None, self.checked_by.text().strip() or None, self.submitted_on
        )

    def show_summary(self) -> SummaryDialog | None:
        if self.figures is None:
            return None
        return show_window(SummaryDialog(self.period, self.figures, self, self.actor))

    def combine_stations(self) -> ProcessTask | None:
        """A 12315 body's view: several stations' ledger workbooks added up, in a worker process; read only."""
        names, _ = QFileDialog.getOpenFileNames(
            self, "选择各服务站的台账工作簿", str(Path.home()), "Excel 工作簿 (*.xlsx)"
        )
        if not names:
            return None
        period = operations.run(self, self.selected_period, title="多站汇总", changes=False)
        if period is None:
            return None
        task = ProcessTask(
            self,
            "正在汇总各站台账",
            "weiquan_desktop.services.combined:combine",
            paths=[Path(n) for n in names],
            period=period,
        )
        task.finished.connect(lambda view: self._show_combined(view))
        task.failed.connect(lambda message: QMessageBox.warning(self, "多站汇总未完成", message))
        return task.start()

    def _show_combined(self, view: object) -> None:
        self.combined_dialog = show_window(CombinedDialog(view, self))


class SummaryDialog(QDialog):
    """半年小结 / 年度总结: each section drafted from the figures, edited here, exported as a PDF."""

    def __init__(self, period: Period, figures: dict, parent: ReportPage, actor: Actor | None = None) -> None:
        super().__init__(parent)
        from weiquan_desktop.services import summary

        self.period, self.figures, self.page, self.actor = period, figures, parent, actor
        self.setWindowTitle("".join(summary.title(period)))
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        drafted = summary.draft(figures)
        self.texts: dict[str, QPlainTextEdit] = {}
        body = QWidget()
        form = QVBoxLayout(body)
        for name in summary.SECTIONS:
            form.addWidget(QLabel(f"<b>{name}</b>"))
            edit = QPlainTextEdit(drafted[name])
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(90)
            self.texts[name] = edit
            form.addWidget(edit)
        layout.addWidget(scrolling(body), 1)
        row = QHBoxLayout()
        self.status = QLabel()
        self.export = QPushButton("导出 PDF…")
        close = QPushButton("关闭")
        row.addWidget(self.status, 1)
        row.addWidget(self.export)
        row.addWidget(close)
        layout.addLayout(row)
        self.export.clicked.connect(self.export_pdf)
        close.clicked.connect(self.close)

    def sections(self) -> dict[str, str]:
        return {name: edit.toPlainText() for name, edit in self.texts.items()}

    def export_pdf(self) -> ProcessTask | None:
        default = str(Path.home() / f"{''.join(self.windowTitle())}.pdf")
        target, _ = QFileDialog.getSaveFileName(self, "导出小结", default, "PDF 文件 (*.pdf)")
        if not target:
            return None
        task = ProcessTask(
            self,
            "正在导出",
            "weiquan_desktop.services.summary:to_pdf",
            period=self.period,
            dest=Path(target),
            sections=self.sections(),
            signed=self.page.signed(),
            figures=self.figures,
            **({"actor_id": self.actor.id} if self.actor else {}),
        )
        task.finished.connect(lambda path: self.status.setText(f"已导出 {path}"))
        task.failed.connect(lambda message: QMessageBox.warning(self, "导出未完成", message))
        return task.start()


class CombinedDialog(QDialog):
    """多站汇总: one row per station and the total, the figures side by side; duplicates below."""

    def __init__(self, view: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setWindowTitle("多站汇总（只读）")
        self.resize(980, 520)
        layout = QVBoxLayout(self)
        wanted = (
            "登记总数",
            "受理投诉件数",
            "解决件数（和解）",
            "投诉解决率",
            "为消费者挽回经济损失（元）",
            "　　其中上级转办（12315转办、上级交办）",
            "24小时内答复率",
            "转办案件按时反馈率",
        )
        self.table = read_only_table(["服务站", "行数", *[w.strip("　") for w in wanted]])
        rows = []
        for part in [*view.stations, None]:
            figures = part.figures if part else view.total
            values = {
                label: statistics.format_value(now, kind)
                for label, now, _p, _a, kind in statistics.headline_values(figures)
            }
            rows.append(
                [
                    part.label if part else "合计",
                    str(part.rows) if part else str(sum(s.rows for s in view.stations)),
                    *[values[w] for w in wanted],
                ]
            )
        fill(self.table, rows, right_aligned_from=1)
        layout.addWidget(self.table, 2)
        self.duplicates = read_only_table(["可能重复", "涉及的服务站与编号"])
        fill(self.duplicates, [[what, "；".join(cases)] for what, cases in view.duplicates])
        layout.addWidget(
            QLabel(
                f"可能重复的案件：{len(view.duplicates)} 组（未合并，请核对）"
                + ("；" + "；".join(view.warnings) if view.warnings else "")
            )
        )
        layout.addWidget(self.duplicates, 1)
        row = QHBoxLayout()
        self.status = QLabel()
        export = QPushButton("导出 Excel…")
        close = QPushButton("关闭")
        row.addWidget(self.status, 1)
        row.addWidget(export)
        row.addWidget(close)
        layout.addLayout(row)
        export.clicked.connect(self.export)
        close.clicked.connect(self.close)

    def export(self) -> None:
        from weiquan_desktop.services import combined

        target, _ = QFileDialog.getSaveFileName(
            self, "导出多站汇总", str(Path.home() / "多站汇总.xlsx"), "Excel 工作簿 (*.xlsx)"
        )
        if not target:
            return
        if not operations.succeeded(
            self, lambda: combined.to_xlsx(self.view, Path(target)), title="导出未完成", changes=False
        ):
            return
        self.status.setText(f"已导出 {target}")


class EvaluationDialog(QDialog):
    """考核 for the period: one row per staff member, exportable to Excel."""

    def __init__(self, period: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period = period
        self.setWindowTitle(f"工作人员考核 - {period.label}")
        self.resize(900, 360)
        layout = QVBoxLayout(self)
        self.table = read_only_table(
            [
                "姓名",
                "职务",
                "经办件数",
                "受理决定用时中位数（小时）",
                "调解成功率",
                "超期件数",
                "回访满意率",
                "宣传培训活动",
            ]
        )
        scores = statistics.staff_evaluation(period)

        def pct(value: float | None) -> str:
            return "—" if value is None else f"{value:.1%}"

        fill(
            self.table,
            [
                [
                    s.name,
                    s.role,
                    str(s.handled),
                    "—" if s.median_decision_hours is None else f"{s.median_decision_hours:.1f}",
                    pct(s.mediation_success),
                    str(s.overdue),
                    pct(s.satisfaction),
                    str(s.activities),
                ]
                for s in scores
            ],
        )
        layout.addWidget(self.table)
        export = QPushButton("导出 Excel…")
        export.clicked.connect(self.export)
        layout.addWidget(export)

    def export(self) -> None:
        default = str(Path.home() / f"工作人员考核-{self.period.label}.xlsx")
        target, _ = QFileDialog.getSaveFileName(self, "导出考核表", default, "Excel 工作簿 (*.xlsx)")
        if target:
            operations.run(
                self,
                lambda: statistics.staff_evaluation_xlsx(self.period, Path(target)),
                title="无法导出",
                changes=False,
            )
