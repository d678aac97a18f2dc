"""Start-up against a bare PySide6 window, a new complaint's save, an agreement PDF, and peak memory.

Usage: python bench/app.py [RECORDS]   (default 200000)
Targets: start within 2x the bare window; a new complaint saved under 50 ms; agreement PDF under 300 ms;
peak memory under 400 MB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, demo_dir, measure, report

BARE = """
import time; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents()
print("ready", flush=True)
"""
OURS = """
import resource, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from weiquan_desktop.ui.app import application
from weiquan_desktop.models import open_database
from weiquan_desktop.paths import DataDir
app = application()
data = DataDir(Path({folder!r})); open_database(data)
from weiquan_desktop.ui.main_window import MainWindow
w = MainWindow(data); w.resize(1280, 800); w.show(); app.processEvents()
print("ready", flush=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, flush=True)
"""


def _start(code: str) -> tuple[float, list[str]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    first = child.stdout.readline()
    elapsed = (time.perf_counter() - started) * 1000
    rest = child.stdout.read().split()
    child.wait()
    assert first.strip() == "ready", first
    return elapsed, rest


def main(records: int) -> None:
    folder = demo_dir(records)
    bare = sorted(_start(BARE)[0] for _ in range(3))[1]
    runs = [_start(OURS.format(root=str(ROOT), folder=str(folder))) for _ in range(3)]
    ours = sorted(r[0] for r in runs)[1]
    peak = max(int(r[1][0]) for r in runs)
    print(f"start-up on {records:,} records")
    report("bare PySide6 window (floor)", bare)
    report("main window, interactive (ours)", ours)
    print(f"{'ratio ours / floor':<44} {ours / bare:9.2f}x  {'ok' if ours / bare <= 2 else 'OVER target 2x'}")
    print(f"{'peak memory at start-up':<44} {peak:9d} MB  {'ok' if peak < 400 else 'OVER target 400 MB'}")

    from datetime import datetime

    from weiquan_desktop.models import open_database
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import intake, printing

    open_database(DataDir(folder))
    counter = iter(range(10**6))

    def save() -> None:
        intake.register(intake.IntakeForm(
            kind="投诉", source="来访", received_at=datetime.now().replace(microsecond=0),
            complainant_name=f"基准{next(counter)}", phone="13812345678", respondent_name="麦当劳", category="食品类",
            nature="质量", facts="基准测试", demands=["退款"]))

    report("save a new complaint", measure(save, repeat=9), 50)
    settled = Record.select().where(Record.state == "已和解").first()
    out = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-agreement.pdf"
    printing.agreement(settled.case_no, out, keep=False)  # loads the font once
    report("agreement PDF (font loaded)", measure(lambda: printing.agreement(settled.case_no, out, keep=False)), 300)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
