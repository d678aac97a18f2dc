"""Start-up against a bare PySide6 window, opening a case, saving a new complaint, an agreement PDF, memory.

Usage: python bench/app.py [RECORDS] [--json]   (default 200000)
Targets: start within 2x the bare window; opening a case under 100 ms; a new complaint saved under 50 ms;
agreement PDF under 300 ms; peak memory under 400 MB.

Start-up runs the real program (``weiquan-desktop --quit-after-start``) in a fresh process, offscreen, five
times after one warm-up run, and takes the median: "first paint" is the main window's first frame, the register showing its
first rows; "ready" is when the whole register (every id) is loaded and the event loop is idle.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from common import ROOT, Board, demo_dir, measure, peak_mb, records_arg, scratch_dir

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents()
print("painted", flush=True)
print("ready", flush=True)
"""
# The real start-up path; an event filter only reports the first frame painted (the main window's: with no
# accounts there is no login dialog before it). The program's modules are imported in the program's own
# order, its command line first and PySide6 after: imported the other way round (as this did until
# December 2026), PySide6 read the source of every one of them (its __feature__ hook), 16-45 ms the
# program itself never spends.
OURS = """
import sys
sys.path.insert(0, {root!r})
from weiquan_desktop import cli
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWindow):  # the first frame of a window
            print("painted", flush=True)
            app.removeEventFilter(self)
        return False

app = QApplication([sys.argv[0]])  # the program's own start-up configures it
watch = FirstPaint()
app.installEventFilter(watch)
code = cli.main(["--data-dir", {folder!r}, "--quit-after-start"])
print("ready", flush=True)
sys.exit(code)
"""


def _start(code: str) -> tuple[float, float, float]:
    """Milliseconds to first paint and to ready, and the child's peak memory in MB."""
    # an installed program runs from compiled bytecode: let the warm-up run write it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    marks: dict[str, float] = {}
    for line in child.stdout:
        word = line.strip().split(" ")[0]
        if word in ("painted", "ready") and word not in marks:
            marks[word] = (time.perf_counter() - started) * 1000
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0 or len(marks) != 2:
        raise SystemExit(f"start-up run failed (exit {child.returncode}, saw {sorted(marks)})")
    return marks["painted"], marks["ready"], usage.ru_maxrss / 1024


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def startup(board: Board, records: int) -> None:
    folder = demo_dir(records)
    ours_code = OURS.format(root=str(ROOT), folder=str(folder))
    _start(BARE), _start(ours_code)  # warm-up: bytecode written, files in the OS cache, as on a used PC
    bare = [_start(BARE) for _ in range(5)]
    ours = [_start(ours_code) for _ in range(5)]
    floor = _median([b[1] for b in bare])
    painted, ready = _median([o[0] for o in ours]), _median([o[1] for o in ours])
    board.add("bare PySide6 window shown (floor)", floor)
    board.add("main window, register painted with its first rows", painted)
    board.add("main window ready, whole register loaded", ready)
    board.add("start-up ratio: first paint / floor", painted / floor, "x", under=2)
    board.add("start-up ratio: ready / floor", ready / floor, "x")
    board.add("peak memory, start-up", max(o[2] for o in ours), "MB", under=400)


def interactions(board: Board, records: int) -> None:
    """In one GUI process on a scratch copy: open a case, save a complaint, print an agreement."""
    folder = scratch_dir(records)
    from weiquan_desktop.models import open_database
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import intake, printing
    from weiquan_desktop.ui.app import application
    from weiquan_desktop.ui.main_window import MainWindow

    app = application()
    data_dir = DataDir(folder)
    open_database(data_dir)
    window = MainWindow(data_dir)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    settled = Record.select().where(Record.state == "已和解").order_by(Record.id.desc()).first()

    def open_case() -> None:
        dialog = window.open_record(settled.id)
        app.processEvents()  # shown and painted
        dialog.close()
        dialog.deleteLater()

    open_case()  # the first one imports the dialog's modules
    board.add("open a case (detail dialog shown)", measure(open_case), under=100)
    counter = iter(range(10**6))

    def save() -> None:
        intake.register(
            intake.IntakeForm(
                kind="投诉",
                source="来访",
                received_at=datetime.now().replace(microsecond=0),
                complainant_name=f"基准{next(counter)}",
                phone="13812345678",
                respondent_name="麦当劳",
                category="食品类",
                nature="质量",
                facts="基准测试",
                demands=["退款"],
            )
        )

    board.add("save a new complaint (committed, fsync)", measure(save, repeat=9), under=50)
    out = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-agreement.pdf"
    printing.agreement(settled.case_no, out, keep=False)  # loads the font once
    board.add(
        "agreement PDF (font loaded)",
        measure(lambda: printing.agreement(settled.case_no, out, keep=False)),
        under=300,
    )
    board.add("peak memory, this process", peak_mb(), "MB", under=400)


def main(argv: list[str]) -> None:
    records = records_arg(argv)
    board = Board(f"start-up and everyday actions on {records:,} records")
    startup(board, records)
    interactions(board, records)
    board.finish(argv)


if __name__ == "__main__":
    main(sys.argv)
