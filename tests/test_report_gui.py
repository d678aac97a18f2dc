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
    late = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            received_at=datetime(2026, 8, 15, 10, 0),
            complainant_name="补登",
            phone="13812345678",
            respondent_name="麦当劳",
            category="食品类",
            nature="质量",
            facts="补登记",
            demands=["退款"],
        )
    )
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


def test_exports_are_signed_by_the_user_and_the_summary_is_edited_before_export(
    qtbot, app, demo_db, data_dir, tmp_path, monkeypatch
):
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    from weiquan_desktop.services import auth
    from weiquan_desktop.ui.main_window import MainWindow

    head = auth.create_account("王建国", "站长", "wang", "Weiquan#2026")
    window = MainWindow(data_dir, head)
    qtbot.addWidget(window)
    page = window.report_page
    window.tabs.setCurrentWidget(page.parentWidget())
    page.kind.setCurrentText("季度")
    page.year.setValue(2026)
    page.part.setCurrentIndex(2)
    qtbot.mouseClick(page.make, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.period is not None and page.make.isEnabled(), timeout=10_000)
    page.checked_by.setText("李淑珍")
    target = tmp_path / "季报.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))  # only the answer
    task = page.export("xlsx")
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    line = openpyxl.load_workbook(target)["汇总"]["A3"].value
    assert "制表人：王建国" in line and "审核人：李淑珍" in line
    assert (
        AuditLog.select().where(AuditLog.action == "report.export", AuditLog.actor == "王建国").count() == 1
    )

    dialog = page.show_summary()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().endswith("2026年第三季度工作小结")
    assert "本期共登记消费者诉求" in dialog.texts["工作开展情况"].toPlainText()
    dialog.texts["下步打算"].setPlainText("1. 每周核对转办案件。")
    summary_pdf = tmp_path / "小结.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(summary_pdf), ""))
    task = dialog.export_pdf()
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    assert summary_pdf.read_bytes().startswith(b"%PDF")
    from helpers import pdf_text

    text = pdf_text(summary_pdf)
    assert "每周核对转办案件。" in text and "审核人：李淑珍" in text


def test_the_combined_view_reads_stations_ledgers_in_the_background(
    qtbot, app, demo_db, data_dir, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    from weiquan_desktop.services import exchange
    from weiquan_desktop.ui.report_page import ReportPage

    ledger = exchange.export_ledger(tmp_path / "本站.xlsx", masked=True).path
    before = Record.select().count()
    page = ReportPage()
    qtbot.addWidget(page)
    page.kind.setCurrentText("全年")
    page.year.setValue(2026)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(ledger)], ""))
    task = page.combine_stations()
    qtbot.waitUntil(lambda: getattr(page, "combined_dialog", None) is not None, timeout=60_000)
    dialog = page.combined_dialog
    qtbot.addWidget(dialog)
    assert task is not None
    assert dialog.table.rowCount() == 2  # the station and the total
    total = statistics.report("2026")
    assert dialog.table.item(1, 0).text() == "合计"
    assert dialog.table.item(1, 2).text() == f"{sum(total['received'].values()):,}"
    assert Record.select().count() == before  # the station's own data untouched
