"""The 报表 tab: a quarterly report, edited hotspots, a snapshot that later case edits do not change."""

from datetime import datetime

from PySide6.QtCore import Qt

from weiquan_desktop.models.schema import AuditLog, Record, ReportSnapshot
from weiquan_desktop.services import intake, statistics


def _cell(table, label):
    return next(table.item(r, 1).text() for r in range(table.rowCount()) if table.item(r, 0).text() == label)


def test_quarter_report_snapshot_is_frozen(qtbot, app, demo_db, data_dir):
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    page = window.report_page
    window.tabs.setCurrentWidget(page.parentWidget())
    page.kind.setCurrentText("季度")
    page.year.setValue(2026)
    page.part.setCurrentIndex(2)  # 第三季度
    qtbot.mouseClick(page.make, Qt.MouseButton.LeftButton)
    assert not page.make.isEnabled()  # computed in the background; the button waits for it
    qtbot.waitUntil(lambda: page.period is not None and page.make.isEnabled(), timeout=10_000)
    figures = statistics.report("2026Q3")
    assert page.period.label == "2026年第三季度"
    assert _cell(page.headlines, "受理投诉件数") == str(figures["complaints_accepted"])
    assert page.categories.rowCount() == len(figures["by_category"])
    assert page.category_chart.chart().series() and page.trend_chart.chart().series()
    assert "本期共登记投诉" in page.hotspots.toPlainText()
    page.hotspots.setPlainText("本季度服装鞋帽类投诉最多，主要是质量问题。")
    page.measures.setPlainText("约谈相关商户，加强进货查验。")
    qtbot.mouseClick(page.save_snapshot, Qt.MouseButton.LeftButton)
    assert ReportSnapshot.select().count() == 1
    assert AuditLog.select().where(AuditLog.action == "report.snapshot").count() == 1
    frozen = _cell(page.headlines, "受理投诉件数")

    # a case of the quarter changes afterwards: a pending complaint of Q3 is registered late and accepted
    late = intake.register(intake.IntakeForm(
        kind="投诉", source="来访", received_at=datetime(2026, 8, 15, 10, 0), complainant_name="补登",
        phone="13812345678", respondent_name="麦当劳", category="食品类", nature="质量", facts="补登记",
        demands=["退款"]))
    intake.decide(late.id, "受理", at=datetime(2026, 8, 15, 11, 0))
    assert statistics.report("2026Q3")["complaints_accepted"] == figures["complaints_accepted"] + 1

    page.reload_snapshots()
    page.snapshot_box.setCurrentIndex(0)
    qtbot.mouseClick(page.open_snapshot, Qt.MouseButton.LeftButton)
    assert _cell(page.headlines, "受理投诉件数") == frozen
    assert page.hotspots.toPlainText() == "本季度服装鞋帽类投诉最多，主要是质量问题。"
    assert page.measures.toPlainText() == "约谈相关商户，加强进货查验。"
    assert not page.save_snapshot.isEnabled()
    assert Record.get_by_id(late.id).state == "调解中"


def test_staff_evaluation_dialog(qtbot, app, demo_db):
    from weiquan_desktop.ui.report_page import EvaluationDialog

    dialog = EvaluationDialog(statistics.parse_period("2026"))
    qtbot.addWidget(dialog)
    names = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert {"王建国", "李淑珍"} <= names
    handled = sum(int(dialog.table.item(r, 2).text()) for r in range(dialog.table.rowCount()))
    assert handled == sum(statistics.report("2026")["received"].values())
