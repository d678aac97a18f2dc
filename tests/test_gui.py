"""The main flows driven through the real widgets (offscreen)."""

import logging
import os
import socket
import subprocess
import sys

from helpers import ROOT, cli_encoding, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QTabWidget

from weiquan_desktop.models.schema import AuditLog, Body, Station
from weiquan_desktop.services import demo, station


def test_start_up_paints_the_first_rows_then_reads_the_rest(qtbot, app, demo_db, data_dir, monkeypatch):
    """At start-up the register shows its first screen before reading every id; the rest follow the first
    paint, appended below the rows already shown, and the count and due summary appear then."""
    from weiquan_desktop.ui import main_window
    from weiquan_desktop.ui.main_window import MainWindow

    monkeypatch.setattr(main_window, "FIRST_ROWS", 40)
    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    model = window.register_view.model
    first = [model.record_id(r) for r in range(model.rowCount())]
    assert len(first) == 40 and not window.started
    assert window.attention_label.text() == ""  # the due counts wait for the first paint
    window.show()
    qtbot.waitUntil(lambda: window.started, timeout=5000)
    qtbot.waitUntil(lambda: model.complete, timeout=5000)  # read on a pool thread after the first paint
    assert model.rowCount() == 300
    assert [model.record_id(r) for r in range(40)] == first
    assert window.register_view.count_label.text() == "共 300 条"
    assert "本周到期" in window.attention_label.text()


def test_main_window_on_a_demo_database(qtbot, app, demo_db, data_dir):
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    tabs = window.findChild(QTabWidget, "tabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["台账", "跟进", "报表", "活动", "站点设置"]
    assert demo.DEMO_PROFILE.name in window.windowTitle()
    model = window.register_view.model
    assert model.rowCount() == 300
    # newest first, complainants masked
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    second = [model.index(1, c).data() for c in range(model.columnCount())]
    assert first[3] >= second[3]
    names = [model.index(r, 4).data() for r in range(model.rowCount())]
    assert any(n and n.endswith("*") for n in names)
    # search narrows the table (debounced typing)
    type_text(qtbot, window.register_view.search, "苏宁")
    qtbot.waitUntil(lambda: 0 < model.rowCount() < 300)
    assert all(model.index(r, 5).data() == "苏宁易购东胜万象汇店" for r in range(model.rowCount()))
    window.register_view.search.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 300)
    # sorting by amount happens in SQL
    window.register_view.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    amounts = [model.index(r, 7).data() for r in range(5)]
    values = [float(a.replace(",", "")) for a in amounts if a]
    assert values == sorted(values, reverse=True)
    assert "今日到期" in window.attention_label.text()
    assert window.activities.table.rowCount() > 0
    assert window.report_page.make.isEnabled()


def test_first_run_dialog_refuses_empty_fields_then_saves(qtbot, app, db):
    from weiquan_desktop.ui.settings.station import FirstRunDialog

    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.findChild(QDialogButtonBox, "buttons").button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "站点名称" in dialog.form.error_label.text()
    assert not Station.select().exists()

    form = dialog.form
    type_text(qtbot, form.edits["name"], "万象汇服务站")
    qtbot.keyClicks(form.edits["code"], "wxh01")
    type_text(qtbot, form.edits["host_business"], "万象汇购物中心")
    type_text(qtbot, form.edits["address"], "东胜区天骄北路88号")
    qtbot.keyClicks(form.edits["phone"], "8512")
    type_text(qtbot, form.edits["body_12315"], "东胜区12315投诉举报中心")
    type_text(qtbot, form.edits["body_amr"], "天骄市场监管所")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "联系电话" in form.error_label.text()
    assert not Station.select().exists()

    form.edits["phone"].clear()
    qtbot.keyClicks(form.edits["phone"], "0477-8512315")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "姓名" in form.error_label.text()  # the head's account is asked for too
    assert not Station.select().exists()
    from PySide6.QtWidgets import QLineEdit

    account = {
        name: dialog.findChild(QLineEdit, name) for name in ("full_name", "username", "password", "password2")
    }
    type_text(qtbot, account["full_name"], "王建国")
    qtbot.keyClicks(account["username"], "wang")
    qtbot.keyClicks(account["password"], "Weiquan#2026")
    qtbot.keyClicks(account["password2"], "Weiquan#2025")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "不一致" in form.error_label.text() and not Station.select().exists()
    account["password2"].clear()
    qtbot.keyClicks(account["password2"], "Weiquan#2026")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dialog.user.username == "wang" and dialog.user.role == "站长"
    saved = Station.get()
    assert (saved.name, saved.code, saved.phone) == ("万象汇服务站", "WXH01", "0477-8512315")
    assert Body.get(Body.kind == "12315").name == "东胜区12315投诉举报中心"
    assert AuditLog.select().where(AuditLog.action == "station.create").count() == 1


def test_settings_tab_edits_the_profile_with_an_audited_change(qtbot, app, demo_db, data_dir):
    from weiquan_desktop.ui.main_window import MainWindow

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    form = window.settings.form
    assert form.edits["code"].text() == "WXH01"
    form.edits["phone"].setText("0477-8888888")
    qtbot.mouseClick(window.settings.save_button, Qt.MouseButton.LeftButton)
    assert station.load_profile().phone == "0477-8888888"
    change = AuditLog.select().where(AuditLog.action == "station.update").get()
    assert "0477-8512315" in change.detail and "0477-8888888" in change.detail
    form.edits["name"].setText("  ")
    qtbot.mouseClick(window.settings.save_button, Qt.MouseButton.LeftButton)
    assert "站点名称" in form.error_label.text()
    assert station.load_profile().name == demo.DEMO_PROFILE.name


def test_uncaught_exception_shows_a_dialog_and_is_logged(qtbot, app, data_dir):
    from weiquan_desktop import logsetup
    from weiquan_desktop.ui.crash import ExceptionHandler

    log_path = logsetup.configure(data_dir.logs)
    handler = ExceptionHandler(log_path)
    try:
        raise ValueError("调解记录保存时出错")
    except ValueError as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    details = handler.dialog.details.toPlainText()
    assert "ValueError: 调解记录保存时出错" in details
    handler.dialog.copy_button.click()
    assert "调解记录保存时出错" in app.clipboard().text()
    handler.dialog.close()
    for h in logging.getLogger().handlers:
        h.flush()
    assert "调解记录保存时出错" in log_path.read_text(encoding="utf-8")


def test_second_launch_hands_over_to_the_first(qtbot, app, tmp_path):
    from weiquan_desktop.ui.single_instance import SingleInstance

    data = tmp_path / "shared-folder"
    first = SingleInstance(data)
    assert first.acquire()
    try:
        env = {
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(ROOT),
            "HOME": str(tmp_path),
            "PATH": os.pathsep.join(("/usr/bin", "/bin")),
            # Windows: a child without SYSTEMROOT cannot start its sockets (WinError 10106)
            **{k: os.environ[k] for k in ("SYSTEMROOT", "SYSTEMDRIVE") if k in os.environ},
        }
        with qtbot.waitSignal(first.activated, timeout=30000):
            second = subprocess.Popen(
                [sys.executable, "-m", "weiquan_desktop", "--data-dir", str(data)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # the program's own choice for a pipe (UTF-8 under an English Windows' code page 1252,
                # which the locale's cp1252 could not decode: the reader thread died, out was None)
                encoding=cli_encoding(env),
            )
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        assert "已在运行" in out
        assert not (data / "weiquan.sqlite3").exists()  # the second launch never opened the database
    finally:
        first.release()
    again = SingleInstance(data)
    assert again.acquire()  # released: a later launch becomes the owner
    again.release()


def test_a_killed_window_never_blocks_the_next_start(qtbot, app, tmp_path):
    """The lock ends with its process: after kill -9 (or a power cut), and with the PID it wrote now belonging
    to another live program, the next start owns the folder at once."""
    from weiquan_desktop.ui.single_instance import LOCK_NAME, SingleInstance

    data = tmp_path / "数据"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[2]);"
            "from weiquan_desktop.ui.single_instance import SingleInstance;"
            "from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]);"
            "s = SingleInstance(__import__('pathlib').Path(sys.argv[1])); print(s.acquire(), flush=True); time.sleep(60)",
            str(data),
            str(ROOT),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "True"
        blocked = SingleInstance(data)
        assert not blocked.acquire()  # a live owner: the second launch hands over instead
    finally:
        holder.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: nothing is cleaned up
        holder.wait()
    # the file still names a process, and that PID is alive now (this test's own, as after PID reuse)
    (data / LOCK_NAME).write_text(
        f"{os.getpid()}\nweiquan-desktop\n{socket.gethostname()}\n", encoding="ascii"
    )
    after = SingleInstance(data)
    assert after.acquire()
    after.release()


def test_qt_dialogs_speak_chinese(qtbot, app):
    """Qt's own zh_CN catalogue leaves the file dialog's "Look in:" and "Files of type:" in English."""
    import re

    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
    from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

    dialog = QFileDialog(None, "导入台账")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    printer = QPrinter()
    printing = QPrintDialog(printer)
    for shown in (dialog, printing):
        qtbot.addWidget(shown)
        # a printer's own words (CUPS's model, location) are the printer's, not Qt's
        theirs = {
            text
            for info in QPrinterInfo.availablePrinters()
            for text in (info.makeAndModel(), info.location(), info.description(), info.printerName())
        }
        texts = [
            w.text()
            for w in shown.findChildren(QLabel) + shown.findChildren(QPushButton)
            if w.text() and w.text() not in theirs
        ]
        english = [
            t
            for t in texts
            if re.search("[A-Za-z]{3}", t) and not re.search("[\u4e00-\u9fff]", t) and not t.startswith("/")
        ]
        assert not english, english
    assert "查找范围(&L)：" in [w.text() for w in dialog.findChildren(QLabel)]
    assert "文件名称(&N)：" in [w.text() for w in dialog.findChildren(QLabel)]  # Qt's own, still asked
