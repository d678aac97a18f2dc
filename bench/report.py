"""The quarterly report, and ledger exports of 10,000 and 100,000 rows against a bare openpyxl floor.

Usage: python bench/report.py [RECORDS] [--json]   (default 200000)
Targets: the report for one quarter under 300 ms; each export at most 1.3x the floor; memory under 400 MB.
The floor writes the same cells of both sheets (台账 and 办理记录), already computed, with openpyxl's
write-only mode and no formatting.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import Board, demo_dir, measure, peak_mb, records_arg


def main(argv: list[str]) -> None:
    records = records_arg(argv)
    folder = demo_dir(records)
    from openpyxl import Workbook

    from weiquan_desktop.models import open_database
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import exchange, statistics

    open_database(DataDir(folder))
    board = Board(f"report and ledger export on {records:,} records")
    board.add(
        "quarterly report 2026Q3 (with previous quarter)",
        measure(lambda: statistics.report("2026Q3"), 3),
        under=300,
    )
    board.add("yearly report 2026", measure(lambda: statistics.report("2026"), 3))

    def start_for(rows: int) -> object:
        """The date from which about ``rows`` records were received, newest first."""
        newest = (
            Record.select(Record.received_at)
            .order_by(Record.received_at.desc())
            .offset(min(rows, records) - 1)
            .limit(1)
            .scalar()
        )
        return newest.date()

    sizes = [n for n in (10_000, 100_000) if n <= records] or [records]
    with tempfile.TemporaryDirectory() as tmp:
        # warm-up, not counted: the first export of a process loads the holiday calendar and lxml's writer
        exchange.export_ledger(Path(tmp) / "warm-up.xlsx", start_for(100), None)

        def ours(size: int) -> tuple[float, int]:
            started = time.perf_counter()
            result = exchange.export_ledger(Path(tmp) / f"ours-{size}.xlsx", start_for(size), None)
            return (time.perf_counter() - started) * 1000, result.rows

        def floor(rows: list, events: list) -> float:
            """The same cells, already computed, written with no formatting at all."""
            started = time.perf_counter()
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("台账")
            sheet.append([c.header for c in exchange.ALL_COLUMNS])
            for values, _estimated in rows:
                sheet.append(values)
            sheet = workbook.create_sheet(exchange.EVENTS_SHEET)
            sheet.append(list(exchange.EVENT_HEADERS))
            for values in events:
                sheet.append(values)
            workbook.save(Path(tmp) / "floor.xlsx")
            return (time.perf_counter() - started) * 1000

        # ours first for every size, so the peak memory is the export's and not the floor's list of rows
        timings = {size: [ours(size)] for size in sizes}
        board.add("peak memory, report and export process", peak_mb(), "MB", under=400)
        for size in sizes:
            rows = list(exchange.ledger_rows(start_for(size), None))
            ids = [
                rid
                for (rid,) in Record.select(Record.id)
                .where(Record.deleted_at.is_null(), Record.received_at >= start_for(size))
                .order_by(Record.received_at, Record.id)
                .tuples()
            ]
            events = [
                values
                for i in range(0, len(ids), 500)
                for values in exchange.event_rows(ids[i : i + 500], masked=True)
            ]
            # this shared machine drifts by 10% over a minute: alternate the two, median of three when short
            repeat = 3 if size <= 20_000 else 1
            floors = [floor(rows, events)]
            for _ in range(repeat - 1):
                timings[size].append(ours(size))
                floors.append(floor(rows, events))
            mine = sorted(t for t, _n in timings[size])[len(timings[size]) // 2]
            base = sorted(floors)[len(floors) // 2]
            count = timings[size][0][1]
            board.add(f"ledger export, {count:,} rows", mine)
            board.add(f"bare openpyxl write-only, same {len(rows):,} rows (floor)", base)
            board.add(f"export ratio at {count:,} rows: ours / floor", mine / base, "x", under=1.3)
            del rows, events
    board.finish(argv)


if __name__ == "__main__":
    main(sys.argv)
