import openpyxl
from PySide6.QtWidgets import QFileDialog, QMessageBox

from weiquan_desktop.models.schema import Record
from weiquan_desktop.services import ledger_import
from weiquan_desktop.services.ledger_format import HEADERS


def _rows(path):
    """The ledger's rows, the workbook closed again (Windows cannot delete or replace a file left open)."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(workbook["台账"].iter_rows(min_row=2, values_only=True))
    finally:
        workbook.close()


def test_export_of_the_current_filter_runs_in_the_background(
    qtbot, app, demo_db, data_dir, tmp_path, monkeypatch
):
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    view = window.register_view
    view.kind.setCurrentText("投诉")
    expected = Record.select().where(Record.kind == "投诉").count()
    assert view.model.rowCount() == expected
    target = tmp_path / "投诉台账.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    # no accounts yet, so the desk may export in full: it answers no
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    task = window.export_ledger()
    with qtbot.waitSignal(task.finished, timeout=30000):
        pass
    rows = _rows(target)
    assert len(rows) == expected
    assert {r[1] for r in rows} == {"投诉"}
    assert shown and f"{expected:,}" in shown[0]


def test_import_preview_lists_every_error_and_offers_no_import(qtbot, app, demo_db, tmp_path):
    from weiquan_desktop.ui.ledger_dialogs import ImportPreview

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(list(HEADERS[:31]))
    ws.append(["", "投诉", "来访", "2026-02-30"])
    ws.append(["", "咨询", "电话", "2026-03-01 09:00", *[None] * 15, "已解答"])
    path = tmp_path / "旧台账.xlsx"
    wb.save(path)
    parsed, errors, warnings = ledger_import.read(path)
    dialog = ImportPreview(path, parsed, errors, warnings)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert dialog.error_table.rowCount() == len(errors) >= 3
    cells = {
        (dialog.error_table.item(r, 0).text(), dialog.error_table.item(r, 1).text())
        for r in range(dialog.error_table.rowCount())
    }
    assert ("2", "登记时间") in cells and ("3", "办结时间") in cells
    saved = tmp_path / "errors.xlsx"
    ledger_import.write_issues(errors, saved)
    listed = list(openpyxl.load_workbook(saved)["导入错误"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == len(errors)


def test_import_checks_and_writes_off_the_gui_thread(qtbot, app, demo_db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from weiquan_desktop.services import exchange
    from weiquan_desktop.ui import ledger_dialogs

    source = exchange.export_ledger(tmp_path / "out.xlsx", masked=False).path
    Record.delete().where(Record.id > 0).execute()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(ledger_dialogs.ImportPreview, "exec", lambda self: QDialog.DialogCode.Accepted)
    shown, refreshed = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    reading = ledger_dialogs.import_ledger(window, lambda: refreshed.append(True))
    qtbot.waitUntil(lambda: bool(refreshed), timeout=30000)
    assert reading is not None and "已导入 300 条" in shown[0]
    assert Record.select().count() == 300


def test_worker_process_reports_a_refusal_and_writes_nothing(qtbot, app, demo_db, tmp_path):
    """Exports run in a worker process: a refusal there reaches the window as the same Chinese message."""
    from PySide6.QtWidgets import QWidget

    from weiquan_desktop.ui.tasks import ProcessTask

    parent = QWidget()
    qtbot.addWidget(parent)
    out = tmp_path / "U盘"
    out.mkdir()
    task = ProcessTask(
        parent, "正在导出台账", "weiquan_desktop.services.exchange:export_ledger", dest=out / "台账.txt"
    )
    with qtbot.waitSignal(task.failed, timeout=60_000) as failed:
        task.start()
    assert "台账文件应以 .xlsx 结尾" in failed.args[0]
    assert list(out.iterdir()) == []


def test_a_head_may_export_in_full_from_the_window_and_the_audit_log_says_so(
    qtbot, app, demo_db, data_dir, tmp_path, monkeypatch
):
    from weiquan_desktop.models.schema import AuditLog
    from weiquan_desktop.services import auth
    from weiquan_desktop.ui.main_window import MainWindow

    head = auth.create_account("王建国", "站长", "wang", "Weiquan#2026")
    clerk = auth.create_account("李四", "工作人员/和解员", "li", "Weiquan#2026", actor=head)
    target = tmp_path / "完整台账.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes
    )
    window = MainWindow(data_dir, head)
    qtbot.addWidget(window)
    task = window.export_ledger()
    with qtbot.waitSignal(task.finished, timeout=30000):
        pass
    assert asked and "完整个人信息" in asked[0]
    names = [r[4] for r in _rows(target)]
    assert any(n and "*" not in n for n in names)  # in full
    entry = AuditLog.select().where(AuditLog.action == "ledger.export").order_by(AuditLog.id.desc()).get()
    assert entry.actor == "王建国" and '"去标识化": false' in entry.detail
    # a clerk is not asked: hers is always de-identified
    asked.clear()
    target.unlink()
    clerk_window = MainWindow(data_dir, clerk.__class__(**{**clerk.__dict__, "must_change_password": False}))
    qtbot.addWidget(clerk_window)
    task = clerk_window.export_ledger()
    with qtbot.waitSignal(task.finished, timeout=30000):
        pass
    assert not asked
    names = [r[4] for r in _rows(target)]
    assert all("*" in n for n in names if n and len(n) > 1)
