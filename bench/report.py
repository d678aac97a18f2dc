"""The quarterly report on N records, and a ledger export against a bare openpyxl write-only floor.

Usage: python bench/report.py [RECORDS] [EXPORT_ROWS]   (defaults 200000 and 100000)
Targets: the report for one quarter under 300 ms; the export at most 1.3x the floor.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import demo_dir, measure, report


def main(records: int, export_rows: int) -> None:
    folder = demo_dir(records)
    from openpyxl import Workbook

    from weiquan_desktop.models import open_database
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import exchange, statistics

    open_database(DataDir(folder))
    print(f"report and export on {records:,} records")
    report("report 2026Q3 (with previous quarter)", measure(lambda: statistics.report("2026Q3"), repeat=3), 300)
    report("report 2026 (year)", measure(lambda: statistics.report("2026"), repeat=3))

    # choose the period holding about export_rows records, newest first
    newest = Record.select(Record.received_at).order_by(Record.received_at.desc()).offset(export_rows - 1).limit(1).scalar()
    start = newest.date() if newest else None
    rows = list(exchange.ledger_rows(start, None))
    print(f"(exporting {len(rows):,} ledger rows received from {start})")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = exchange.export_ledger(Path(tmp) / "ours.xlsx", start, None)
        ours = time.perf_counter() - started

        started = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("台账")
        ws.append([c.header for c in exchange.COLUMNS])
        for values, _estimated in rows:  # the same cells, already computed, no formatting: the floor
            ws.append(values)
        wb.save(Path(tmp) / "floor.xlsx")
        floor = time.perf_counter() - started
    print(f"{'ledger export (ours)':<44} {ours * 1000:9.1f} ms  ({result.rows:,} rows)")
    print(f"{'bare openpyxl write-only, same cells':<44} {floor * 1000:9.1f} ms")
    ratio = ours / floor
    print(f"{'ratio ours / floor':<44} {ratio:9.2f}x  {'ok' if ratio <= 1.3 else 'OVER target 1.3x'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000, int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
