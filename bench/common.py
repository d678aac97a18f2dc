"""Shared set-up for the benchmarks: a data folder with N demo records, made once and reused."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CACHE = Path(os.environ.get("WEIQUAN_BENCH_DIR", "/tmp/weiquan-bench"))


def demo_dir(records: int) -> Path:
    """A data folder holding ``records`` demo records (generated on first use, then kept)."""
    from weiquan_desktop.models import close_database, open_database
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.paths import DataDir

    folder = CACHE / f"demo-{records}"
    data_dir = DataDir(folder)
    if data_dir.database.exists():
        open_database(data_dir)
        if Record.select().count() == records:
            close_database()
            return folder
        close_database()
        for suffix in ("", "-wal", "-shm"):
            Path(str(data_dir.database) + suffix).unlink(missing_ok=True)
    from weiquan_desktop.services import demo

    open_database(data_dir.ensure())
    started = time.perf_counter()
    demo.generate(records, seed=1)
    print(f"(generated {records:,} demo records in {time.perf_counter() - started:.1f} s)")
    close_database()
    return folder


def measure(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(name: str, ms: float, target_ms: float | None = None) -> None:
    verdict = "" if target_ms is None else ("  ok" if ms <= target_ms else f"  OVER target {target_ms:.0f} ms")
    print(f"{name:<44} {ms:9.1f} ms{verdict}")
