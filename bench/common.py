"""Shared set-up for the benchmarks: demo data folders made once and reused, timing, and the figures.

Every part prints its figures as it goes; with ``--json`` it also prints them as one JSON line at the end,
which ``bench/run.py`` collects into one table.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CACHE = Path(os.environ.get("WEIQUAN_BENCH_DIR", "/tmp/weiquan-bench"))


def _records_in(folder: Path) -> int | None:
    import sqlite3

    database = folder / "weiquan.sqlite3"
    if not database.exists():
        return None
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        try:
            return connection.execute("SELECT count(*) FROM record").fetchone()[0]
        except sqlite3.DatabaseError:
            return None


def demo_dir(records: int) -> Path:
    """A data folder holding ``records`` demo records (generated on first use, then kept).

    Treat it as read-only: benchmarks that write use ``scratch_dir``."""
    from weiquan_desktop.models import close_database
    from weiquan_desktop.paths import DataDir

    folder = CACHE / f"demo-{records}"
    if _records_in(folder) == records:
        from weiquan_desktop.services.session import open_session

        started = time.perf_counter()
        open_session(DataDir(folder))  # a folder made by an older program climbs and rebuilds once, here
        close_database()
        if time.perf_counter() - started > 5:
            print(
                f"(brought the {records:,}-record demo up to date in {time.perf_counter() - started:.1f} s)",
                flush=True,
            )
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    from weiquan_desktop.services import demo
    from weiquan_desktop.services.session import open_session

    # as the program opens a new station: the derived data's version is recorded, so the first open after
    # generating does not rebuild it all again (45 s at 200,000 records)
    open_session(DataDir(folder).ensure())
    started = time.perf_counter()
    # a station numbers at most 99,999 cases a year (five digits): spread larger sets over more years,
    # about 80,000 a year, ending today (200,000: from 2024; 1,000,000: from 2014)
    from datetime import date

    today = date.today()
    years = max(2, -(-records // 80_000))
    demo.generate(records, seed=1, start=date(today.year - years + 1, 1, 1))
    print(f"(generated {records:,} demo records in {time.perf_counter() - started:.1f} s)", flush=True)
    close_database()  # the last connection's close checkpoints the WAL into the file
    return folder


def scratch_dir(records: int) -> Path:
    """A fresh copy of the demo folder for benchmarks that write (saves, backups)."""
    source = demo_dir(records)
    folder = CACHE / f"scratch-{records}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("*-wal", "*-shm", "backups", "logs"))
    if hasattr(os, "sync"):
        os.sync()  # the copy's writeback must not land in the figures that follow
    return folder


def measure(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def peak_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None  # None: no target

    def line(self) -> str:
        verdict = "" if self.ok is None else ("ok" if self.ok else f"OVER target ({self.target})")
        number = f"{self.value:,.2f}" if self.unit == "x" else f"{self.value:,.1f}"
        return f"{self.name:<52} {number:>10} {self.unit:<3} {verdict}"


class Board:
    """The figures of one benchmark part."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.figures: list[Figure] = []
        print(f"== {title}", flush=True)

    def add(
        self, name: str, value: float, unit: str = "ms", *, under: float | None = None, target: str = ""
    ) -> Figure:
        ok = None if under is None else value <= under
        if under is not None and not target:
            target = f"≤ {under:g}{'' if unit == 'x' else ' ' + unit}"
        figure = Figure(name, value, unit, target, ok)
        self.figures.append(figure)
        print(figure.line(), flush=True)
        return figure

    def note(self, text: str) -> None:
        print(f"   ({text})", flush=True)

    def finish(self, argv: list[str]) -> None:
        if "--json" in argv:
            print(
                "JSON "
                + json.dumps(
                    {"title": self.title, "figures": [asdict(f) for f in self.figures]}, ensure_ascii=False
                ),
                flush=True,
            )


def records_arg(argv: list[str], default: int = 200_000) -> int:
    numbers = [a for a in argv[1:] if a.isdigit()]
    return int(numbers[0]) if numbers else default
