"""Printing as a clerk does it, with nothing stubbed but the answer to the system's print dialog.

打印文书 used to close the whole program (the preview's printer was freed by Python while Qt painted on it)
and the tests never saw it: they replaced the preview. Here the real preview opens and paints offscreen,
its own print button is pressed, Qt's print dialog is answered ("print to file", as a user picks a printer),
and the printed file is read back.
"""

import shutil
import subprocess
import sys
from datetime import datetime

import pytest
from helpers import run_cli

from weiquan_desktop.models.schema import Attachment, AuditLog
from weiquan_desktop.services import auth, demo, intake, mediation, printing, station
from weiquan_desktop.services.mediation import TermInput

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is installed by tools/run-tests"
)


@pytest.fixture
def settled(db):
    station.save_profile(demo.DEMO_PROFILE)
    head = auth.create_account("王建国", "站长", "wang", "Weiquan#2026")
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            complainant_name="欧阳喆",
            phone="13812345678",
            respondent_name="优衣库",
            category="服装鞋帽类",
            item="羽绒服",
            nature="质量",
            amount="899",
            facts="洗后严重跑绒。",
            demands=["退货"],
            received_at=datetime(2026, 11, 30, 10, 0),
        ),
        head,
    )
    intake.decide(record.id, "受理", actor=head)
    mediation.settle(record.id, [TermInput("退货", "乙方为甲方办理退货退款", "899.00")], actor=head)
    return record, head


def _print_button(preview):
    from PySide6.QtWidgets import QToolBar

    actions = [a for a in preview.findChild(QToolBar).actions() if a.text()]
    return next(a for a in actions if a.text() in ("打印", "Print"))


def _answer_print_dialog(qtbot, target):
    """What the user does in Qt's print dialog: choose to print to a file, give its name, press 打印."""
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication, QLineEdit

    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QPrintDialog), dialog
        dialog.findChild(QLineEdit, "filename").setText(str(target))
        dialog.accept()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(200, answer)


@needs_poppler
@pytest.mark.skipif(
    sys.platform == "win32",
    reason="the preview's 打印 opens Windows' native print dialog, which no test in the process can answer",
)
def test_print_preview_opens_paints_and_prints_for_real(qtbot, app, settled, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    record, head = settled
    dialog = CaseDetailDialog(record.id, head)
    qtbot.addWidget(dialog)
    titles = [a.text() for a in dialog.print_menu.actions()]
    assert "和解协议书" in titles and "投诉受理回执" in titles
    preview = dialog.preview_document("agreement")
    qtbot.waitUntil(lambda: preview.pages_painted >= 3, timeout=10_000)  # the preview painted every page
    assert preview.isVisible()
    assert not AuditLog.select().where(AuditLog.action == "print").exists()  # showing is not printing
    assert not Attachment.select().where(Attachment.purpose == "文书").exists()

    target = tmp_path / "printed.pdf"
    _answer_print_dialog(qtbot, target)
    _print_button(preview).trigger()
    qtbot.waitUntil(lambda: target.is_file() and target.stat().st_size > 0, timeout=10_000)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert record.case_no in text and "和解协议书" in text  # the text layer of the print-to-file output
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info
    printed = AuditLog.select().where(AuditLog.action == "print").get()
    assert printed.actor == "王建国" and '"页数": 3' in printed.detail
    assert Attachment.select().where(Attachment.purpose == "文书").count() == 1

    # 另存为 PDF, twice: the same document is kept once more at most, and each save is in the log
    saved = tmp_path / "保存.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    dialog.print_document("agreement")
    dialog.print_document("agreement")
    assert (
        Attachment.select().where(Attachment.purpose == "文书").count() == 1
    )  # identical to the printed one
    assert AuditLog.select().where(AuditLog.action == "document.save").count() == 2


def _native_dialogs_answered_with_cancel(seen: list[tuple[str, list[str]]], timeout: float = 30.0) -> None:
    """On a thread of its own, as the clerk's hand: wait for a Windows dialog (class #32770) of this process,
    note its title and the texts in it (the printer list), and press its Cancel (IDCANCEL)."""
    import ctypes
    import os
    import time
    from ctypes import wintypes

    user32 = ctypes.windll.user32
    callback = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)

    def text(hwnd: int) -> str:
        buffer = ctypes.create_unicode_buffer(512)
        user32.GetWindowTextW(hwnd, buffer, 512)
        return buffer.value

    def dialogs() -> list[int]:
        found = []

        def each(hwnd: int, _param: int) -> bool:
            owner = wintypes.DWORD()
            user32.GetWindowThreadProcessId(hwnd, ctypes.byref(owner))
            kind = ctypes.create_unicode_buffer(64)
            user32.GetClassNameW(hwnd, kind, 64)
            if owner.value == os.getpid() and kind.value == "#32770" and user32.IsWindowVisible(hwnd):
                found.append(hwnd)
            return True

        user32.EnumWindows(callback(each), 0)
        return found

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for hwnd in dialogs():
            inside: list[str] = []

            def child_text(child: int, _param: int, inside: list[str] = inside) -> bool:
                inside.append(text(child))
                return True

            user32.EnumChildWindows(hwnd, callback(child_text), 0)
            seen.append((text(hwnd), [t for t in inside if t]))
            user32.PostMessageW(hwnd, 0x0111, 2, 0)  # WM_COMMAND, IDCANCEL: the dialog's 取消
        if seen:
            return
        time.sleep(0.2)


@pytest.mark.skipif(sys.platform != "win32", reason="Windows' own print dialog")
def test_the_preview_prints_through_windows_own_print_dialog(qtbot, app, settled):
    """打印 in the preview opens Windows' print dialog, where a printer is chosen, or, on a PC with no printer
    installed (Wine here), Qt's 导出到 PDF file dialog; cancelled there, nothing is printed or recorded."""
    import threading

    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    record, head = settled
    dialog = CaseDetailDialog(record.id, head)
    qtbot.addWidget(dialog)
    preview = dialog.preview_document("agreement")
    qtbot.waitUntil(lambda: preview.pages_painted >= 3, timeout=20_000)
    seen: list[tuple[str, list[str]]] = []
    hand = threading.Thread(target=_native_dialogs_answered_with_cancel, args=(seen, 15.0), daemon=True)
    hand.start()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    def qt_modal() -> None:  # a dialog of Qt's own instead (no printer at all): note it and cancel it
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not preview:
            seen.append((f"Qt {type(modal).__name__}: {modal.windowTitle()}", []))
            modal.reject()

    watch = QTimer()
    watch.timeout.connect(qt_modal)
    watch.start(300)
    _print_button(preview).trigger()  # the dialog runs its own loop until it is cancelled
    watch.stop()
    hand.join(20)
    print("print dialog:", seen)
    assert seen, "打印 opened no dialog"
    native = [title for title, _texts in seen if not title.startswith("Qt ")]
    assert native or seen[0][0] == f"Qt {QFileDialog.__name__}: 导出到 PDF", seen
    assert not AuditLog.select().where(AuditLog.action == "print").exists()
    assert not Attachment.select().where(Attachment.purpose == "文书").exists()


def test_a_preview_closed_without_printing_records_nothing(qtbot, app, settled, tmp_path):
    """The blocking form of the dialog, closed by a timer as a clerk closes it: no crash, no print."""
    from PySide6.QtCore import QTimer

    from weiquan_desktop.ui.print_pdf import PrintPreview

    record, head = settled
    path = printing.render("receipt", record.case_no, tmp_path / "r.pdf", actor=head)
    preview = PrintPreview(path, None, "投诉受理回执")
    qtbot.addWidget(preview)
    QTimer.singleShot(500, preview.reject)
    preview.exec()
    assert preview.pages_painted >= 1
    assert not AuditLog.select().where(AuditLog.action.in_(("print", "document.save"))).exists()


def test_a_native_crash_leaves_a_trace_and_the_next_start_says_so(tmp_path):
    """faulthandler writes a segfault's stack into the data folder's crash log; the next start tells the user."""
    data = tmp_path / "d"
    assert run_cli("demo", "--data-dir", str(data), "--records", "5").returncode == 0
    crash = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import faulthandler, pathlib\n"
                "from weiquan_desktop import crashlog\n"
                "from weiquan_desktop.paths import DataDir\n"
                f"d = DataDir(pathlib.Path({str(data)!r})).ensure()\n"
                "crashlog.enable(d)\n"
                "(d.root / '.running').write_text('running')\n"
                "faulthandler._sigsegv()\n"
            ),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert crash.returncode != 0
    log = (data / "logs" / "crash.log").read_text(encoding="utf-8")
    assert "Segmentation fault" in log or "Fatal Python error" in log
    start = run_cli("--data-dir", str(data), "--quit-after-start", timeout=120)
    assert start.returncode == 0, start.stderr
    assert "上次程序没有正常退出（程序崩溃）" in start.stderr and "crash.log" in start.stderr
    again = run_cli("--data-dir", str(data), "--quit-after-start", timeout=120)
    assert again.returncode == 0 and "没有正常退出" not in again.stderr  # said once, for the run that crashed
