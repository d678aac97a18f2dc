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


def _answer_print_dialog(qtbot, target, pages: tuple[int, int] | None = None, seen: list | None = None):
    """What the user does in Qt's print dialog: choose to print to a file (the printer list's last entry,
    after any printer CUPS has), give its name, optionally the pages (页数 从…到…), press 打印."""
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QRadioButton, QSpinBox

    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QPrintDialog), dialog
        printers = dialog.findChild(QComboBox, "printers")
        printers.setCurrentIndex(printers.count() - 1)
        assert "PDF" in printers.currentText(), printers.currentText()
        dialog.findChild(QLineEdit, "filename").setText(str(target))
        first, last = dialog.findChild(QSpinBox, "from"), dialog.findChild(QSpinBox, "to")
        if seen is not None:
            seen.append((first.value(), last.value()))  # the range the dialog offers before any choice
        if pages is not None:
            dialog.findChild(QRadioButton, "printRange").setChecked(True)
            first.setValue(pages[0])
            last.setValue(pages[1])
        dialog.accept()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(200, answer)


@needs_poppler
@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Qt's own print dialog; Windows' native one is answered in the tests below",
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


@needs_poppler
@pytest.mark.skipif(sys.platform == "win32", reason="Qt's own print dialog (Windows has its own)")
def test_pages_chosen_in_the_print_dialog_are_the_pages_printed(qtbot, app, settled, tmp_path):
    """The dialog offers the document's pages (1 to 3); a clerk reprinting the signature page alone chooses
    页数 3 to 3 and gets that page only, recorded as one page; a range beyond the document prints nothing
    and says so."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    record, head = settled
    dialog = CaseDetailDialog(record.id, head)
    qtbot.addWidget(dialog)
    preview = dialog.preview_document("agreement")
    qtbot.waitUntil(lambda: preview.pages_painted >= 3, timeout=10_000)
    target, offered = tmp_path / "第3页.pdf", []
    _answer_print_dialog(qtbot, target, pages=(3, 3), seen=offered)
    _print_button(preview).trigger()
    qtbot.waitUntil(lambda: target.is_file() and target.stat().st_size > 0, timeout=10_000)
    assert offered == [(1, 3)]
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "服务站存档" in text and "甲方执" not in text  # the third copy: the station's own
    printed = AuditLog.select().where(AuditLog.action == "print").get()
    assert '"页数": 1' in printed.detail

    preview = dialog.preview_document("agreement")  # printing closed the preview: opened again
    qtbot.waitUntil(lambda: preview.pages_painted >= 3, timeout=10_000)
    beyond, said = tmp_path / "第5页.pdf", []

    def answer_message() -> None:  # the warning's 确定, once its text is noted
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            said.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(100, answer_message)

    _answer_print_dialog(qtbot, beyond, pages=(5, 5))
    QTimer.singleShot(400, answer_message)
    _print_button(preview).trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert "共 3 页" in said[0] and "没有打印" in said[0], said
    assert not beyond.exists() or beyond.stat().st_size == 0
    assert AuditLog.select().where(AuditLog.action == "print").count() == 1


IDOK, IDCANCEL = 1, 2  # a Windows dialog's buttons: 确定 (print) and 取消


class _ClerksHand:
    """The clerk's hand on the print dialog, run by a timer on the GUI thread while the dialog's own loop
    runs (a thread would not run: the print action holds Python's lock through Windows' modal dialog).
    A Windows dialog of this process (class #32770) is noted with its texts (the printer list) and
    ``button`` is pressed; a dialog of Qt's own (no printer installed: 导出到 PDF) is noted and closed."""

    def __init__(self, preview, button: int) -> None:
        from PySide6.QtCore import QTimer

        self.preview, self.button = preview, button
        self.seen: list[tuple[str, list[str]]] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self.look)
        self.timer.start(300)

    def look(self) -> None:
        import ctypes
        import os
        from ctypes import wintypes

        from PySide6.QtWidgets import QApplication

        user32 = ctypes.windll.user32
        callback = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)

        def text(hwnd: int) -> str:
            buffer = ctypes.create_unicode_buffer(512)
            user32.GetWindowTextW(hwnd, buffer, 512)
            return buffer.value

        found: list[int] = []

        def each(hwnd: int, _param: int) -> bool:
            owner = wintypes.DWORD()
            user32.GetWindowThreadProcessId(hwnd, ctypes.byref(owner))
            kind = ctypes.create_unicode_buffer(64)
            user32.GetClassNameW(hwnd, kind, 64)
            if owner.value == os.getpid() and kind.value == "#32770" and user32.IsWindowVisible(hwnd):
                found.append(hwnd)
            return True

        user32.EnumWindows(callback(each), 0)
        for hwnd in found:
            inside: list[str] = []

            def child_text(child: int, _param: int, inside: list[str] = inside) -> bool:
                inside.append(text(child))
                return True

            user32.EnumChildWindows(hwnd, callback(child_text), 0)
            self.seen.append((text(hwnd), [t for t in inside if t]))
            user32.PostMessageW(hwnd, 0x0111, self.button, 0)  # WM_COMMAND: the button pressed
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not self.preview:
            self.seen.append((f"Qt {type(modal).__name__}: {modal.windowTitle()}", []))
            modal.reject()

    def stop(self) -> list[tuple[str, list[str]]]:
        self.timer.stop()
        print("print dialog:", self.seen)
        return self.seen


def _needs_windows_dialog(app) -> None:
    from PySide6.QtPrintSupport import QPrinterInfo

    if app.platformName() != "windows" and QPrinterInfo.availablePrinterNames():
        pytest.skip(
            "Windows' print dialog needs a window of Qt's windows platform (offscreen has no window handle): "
            "tools/windows-check runs the printing tests on it"
        )


@pytest.mark.skipif(sys.platform != "win32", reason="Windows' own print dialog")
def test_the_preview_prints_through_windows_own_print_dialog(qtbot, app, settled):
    """打印 in the preview opens Windows' print dialog, where a printer is chosen, or, on a PC with no printer
    installed, Qt's 导出到 PDF file dialog; cancelled there, nothing is printed or recorded."""
    from PySide6.QtWidgets import QFileDialog

    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    _needs_windows_dialog(app)
    record, head = settled
    dialog = CaseDetailDialog(record.id, head)
    qtbot.addWidget(dialog)
    preview = dialog.preview_document("agreement")
    qtbot.waitUntil(lambda: preview.pages_painted >= 3, timeout=20_000)
    hand = _ClerksHand(preview, IDCANCEL)
    _print_button(preview).trigger()  # the dialog runs its own loop until it is cancelled
    seen = hand.stop()
    assert seen, "打印 opened no dialog"
    native = [title for title, _texts in seen if not title.startswith("Qt ")]
    assert native or seen[0][0] == f"Qt {QFileDialog.__name__}: 导出到 PDF", seen
    assert not AuditLog.select().where(AuditLog.action == "print").exists()
    assert not Attachment.select().where(Attachment.purpose == "文书").exists()


def _dark_share(image) -> float:
    """The share of a page's pixels that carry ink (sampled on a grid; QtPdf leaves paper transparent)."""
    dark = total = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            colour = image.pixelColor(x, y)
            total += 1
            dark += colour.alpha() > 128 and colour.lightness() < 160
    return dark / max(total, 1)


@pytest.mark.skipif(sys.platform != "win32", reason="Windows' own print dialog and a Windows printer")
def test_the_agreement_prints_on_the_printer_chosen_in_windows_own_dialog(qtbot, app, settled):
    """The whole way to paper on Windows: 打印 in the preview, 打印 pressed in Windows' print dialog with the
    printer chosen there; Qt draws each page on the printer's device context, and the print is recorded with
    the copy kept. tools/windows-check gives Wine a printer through CUPS whose pages come back as a PDF file,
    read here page by page; the test never prints on any other printer."""
    import os
    import time
    from pathlib import Path

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinterInfo

    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    name, folder = os.environ.get("WEIQUAN_TEST_PRINTER"), os.environ.get("WEIQUAN_TEST_PRINTED")
    if not name or not folder:
        pytest.skip("no test printer (tools/windows-check adds one; a desk's real printer is never used)")
    _needs_windows_dialog(app)
    assert name in QPrinterInfo.availablePrinterNames()
    out = Path(folder)
    before = set(out.glob("*.pdf"))
    record, head = settled
    dialog = CaseDetailDialog(record.id, head)
    qtbot.addWidget(dialog)
    preview = dialog.preview_document("agreement")
    qtbot.waitUntil(lambda: preview.pages_painted >= 3, timeout=20_000)
    preview.printer.setPrinterName(name)  # the clerk's choice of printer, as the dialog will show it
    hand = _ClerksHand(preview, IDOK)
    _print_button(preview).trigger()  # returns once every page is drawn on the printer
    seen = hand.stop()
    assert seen and not seen[0][0].startswith("Qt ") and name in seen[0][1], seen  # Windows' own dialog
    texts = seen[0][1]
    assert texts[texts.index("从(&F):") - 2 : texts.index("从(&F):")] == ["1", "3"], texts  # pages offered
    printed = AuditLog.select().where(AuditLog.action == "print").get()
    assert printed.actor == "王建国" and '"页数": 3' in printed.detail
    assert Attachment.select().where(Attachment.purpose == "文书").count() == 1

    document = QPdfDocument()
    buffer = QBuffer()  # read from memory: QtPdf keeps a file it loads open, and Windows cannot delete it
    deadline = time.monotonic() + 120  # the spooler converts the job after the program has handed it over
    while time.monotonic() < deadline:
        new = sorted(set(out.glob("*.pdf")) - before)
        if new:
            buffer.close()
            buffer.setData(QByteArray(new[0].read_bytes()))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            document.load(buffer)
            if document.status() == QPdfDocument.Status.Ready and document.pageCount() == 3:
                break
        time.sleep(1)
    assert document.pageCount() == 3, f"the printer gave back {sorted(set(out.glob('*.pdf')) - before)}"
    original = QPdfDocument()
    original.load(str(preview.path))
    for page in range(3):
        size = document.pagePointSize(page)
        assert abs(size.width() - 595) < 3 and abs(size.height() - 842) < 3, size  # A4, as the preview
        paper = _dark_share(document.render(page, QSize(298, 421)))
        screen = _dark_share(original.render(page, QSize(298, 421)))
        assert 0.5 * screen < paper < 2 * screen, (page, paper, screen)  # the page's ink, not a blank sheet
    for path in set(out.glob("*.pdf")) - before:
        path.unlink()


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
