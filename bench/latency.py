"""How long the GUI thread stops answering while long work runs: exports, backups, reports.

Usage: python bench/latency.py [RECORDS] [--json]   (default 200000; target: never more than 100 ms)

The main window runs on a scratch copy of the demo data. A 5 ms timer ticks on the GUI thread throughout;
the figure for each operation is the longest gap between two ticks (minus the 5 ms) while it ran, from the
click to its result shown. Each operation is started through the same window code a click runs; only the
file dialogs and the final message boxes are answered by the benchmark.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from common import Board, records_arg, scratch_dir

TICK_MS = 5


def main(argv: list[str]) -> None:
    records = records_arg(argv)
    folder = scratch_dir(records)
    from PySide6.QtCore import QDate, QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from weiquan_desktop.models import open_database
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import intake
    from weiquan_desktop.ui.app import application
    from weiquan_desktop.ui.main_window import MainWindow
    from weiquan_desktop.ui.tasks import Task

    app = application()
    data_dir = DataDir(folder)
    open_database(data_dir)
    out = Path(tempfile.mkdtemp(prefix="weiquan-latency-"))
    answers: dict[str, str] = {}
    QFileDialog.getSaveFileName = staticmethod(lambda *_a, **_k: (answers["save"], ""))
    QFileDialog.getExistingDirectory = staticmethod(lambda *_a, **_k: str(out))
    for name in ("information", "warning"):
        setattr(QMessageBox, name, staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Ok))
    # a head is asked whether to export the full personal data: the de-identified ledger, as most exports
    QMessageBox.question = staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.No)

    window = MainWindow(data_dir)
    window.resize(1280, 800)
    window.show()
    while not window.started:  # first paint and what follows it: start-up, measured in app.py
        app.processEvents()

    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0] - TICK_MS)
        if gaps[-1] > 50 and os.environ.get("WEIQUAN_BENCH_VERBOSE"):
            print(f"   (stall of {gaps[-1]:.0f} ms ending {now:.0f} ms in)", flush=True)
        last[0] = now

    ticker = QTimer(interval=TICK_MS)
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.timeout.connect(tick)

    def during(start: object) -> tuple[float, float]:
        """Run ``start`` (which returns a Task, or sets one up) to the end; (longest stall, total) in ms."""
        loop = QEventLoop()
        gaps.clear()
        clock.start()
        last[0] = 0.0
        ticker.start()
        began = time.perf_counter()
        task = start()
        print(
            f"   (starting it took {(time.perf_counter() - began) * 1000:.0f} ms on the GUI thread)",
            flush=True,
        )
        if task is None:
            raise SystemExit("the operation did not start")
        task.finished.connect(lambda *_: QTimer.singleShot(0, loop.quit))
        task.failed.connect(lambda message: (print("failed:", message), QTimer.singleShot(0, loop.quit)))
        loop.exec()
        total = (time.perf_counter() - began) * 1000
        ticker.stop()
        return max(gaps, default=0.0), total

    board = Board(f"GUI thread stalls during long work, {records:,} records")

    def idle() -> object:  # a background task that only sleeps for a second: the baseline
        return Task(window, "空闲", lambda _progress: time.sleep(1)).start()

    stall, _ = during(idle)
    board.add("idle for 1 s (baseline)", stall, under=100)

    view = window.register_view
    view.use_dates.setChecked(True)
    view.date_from.setDate(QDate.currentDate().addDays(-60))
    view.date_to.setDate(QDate.currentDate())
    rows = view.model.rowCount()
    answers["save"] = str(out / "ledger.xlsx")
    stall, total = during(window.export_ledger)
    board.add(f"ledger export of the register's filter ({rows:,} rows)", stall, under=100)
    board.note(f"export took {total / 1000:.1f} s")

    page = window.report_page
    page.kind.setCurrentText("全年")
    page.year.setValue(2026)

    def generate() -> object:
        page.generate()
        return page.task

    stall, total = during(generate)
    board.add("yearly report generated (全年 2026)", stall, under=100)
    board.note(f"report took {total:.0f} ms")
    answers["save"] = str(out / "report.xlsx")
    stall, total = during(lambda: page.export("xlsx"))
    board.add("report exported to Excel", stall, under=100)
    answers["save"] = str(out / "report.pdf")
    stall, total = during(lambda: page.export("pdf"))
    board.add("report exported to PDF", stall, under=100)

    intake.register(intake.IntakeForm(kind="建议", source="来访", facts="基准测试"))  # a change to back up
    stall, total = during(window.backup_to_usb)
    board.add(
        f"backup to a USB folder ({(folder / 'weiquan.sqlite3').stat().st_size / 2**20:.0f} MB database)",
        stall,
        under=100,
    )
    board.note(f"backup took {total / 1000:.1f} s")
    stall, total = during(window.auto_backup.run_in_background)
    board.add("automatic backup in the background", stall, under=100)
    board.finish(argv)


if __name__ == "__main__":
    main(sys.argv)
