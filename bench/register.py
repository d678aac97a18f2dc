"""Register (台账) interactions on N demo records, driven through the real widgets offscreen.

Usage: python bench/register.py [RECORDS] [--json]   (default 200000)

Targets (issue #18): every interaction, to the first rows painted, ≤ 50 ms at 200,000 records and ≤ 100 ms at
1,000,000. The full list of ids and the count follow on a pool thread: how long they take, and the longest
the GUI thread waited meanwhile, are printed beside each interaction.
"""

from __future__ import annotations

import sys
import time

from common import Board, demo_dir, measure, peak_mb, records_arg


def main(argv: list[str]) -> None:
    records = records_arg(argv)
    folder = demo_dir(records)
    from PySide6.QtCore import Qt

    from weiquan_desktop.models import open_database
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.ui.app import application
    from weiquan_desktop.ui.register_view import RegisterView

    app = application()
    open_database(DataDir(folder))
    oldest = Record.select(Record.phone, Record.case_no).order_by(Record.received_at).first()
    view = RegisterView()
    view.resize(1280, 760)
    view.show()
    target = 50 if records <= 200_000 else 100
    rest_times: list[float] = []
    stalls: list[float] = []

    def settle() -> None:
        view.table.viewport().repaint()  # paint the visible rows (fetches their page)
        app.processEvents()

    def wait_rest() -> None:
        """Until the full list is in: how long, and the longest gap between two turns of the event loop."""
        started = last = time.perf_counter()
        gap = 0.0
        while not view.model.complete:
            app.processEvents()
            time.sleep(0.001)
            now = time.perf_counter()
            gap, last = max(gap, now - last), now
        rest_times.append((time.perf_counter() - started) * 1000)
        stalls.append(gap * 1000)

    def timed(name: str, action, repeat: int = 5) -> None:
        rest_times.clear()
        stalls.clear()
        firsts = []
        for _ in range(repeat):
            started = time.perf_counter()
            action()
            firsts.append((time.perf_counter() - started) * 1000)
            wait_rest()
        firsts.sort()
        board.add(f"register: {name}", firsts[len(firsts) // 2], under=target)
        rests = sorted(rest_times)
        board.note(
            f"full list and count {rests[len(rests) // 2]:,.0f} ms later on a pool thread, "
            f"GUI thread's longest wait meanwhile {max(stalls):,.0f} ms; {view.model.rowCount():,} rows"
        )

    def open_register() -> None:
        view.clear_filters()
        settle()

    def search(text: str) -> None:
        view.search.blockSignals(True)
        view.search.setText(text)
        view.search.blockSignals(False)
        view.apply_filters()
        settle()

    board = Board(f"register on {records:,} records")
    timed("all records, query + first paint", open_register)
    terms = ["13", "苏宁", "mdl", "WXH01-2026-0", oldest.phone, oldest.case_no, "不存在的词"]
    labels = {
        oldest.phone: "the oldest record's phone (rare)",
        oldest.case_no: "the oldest case number (rare)",
        "不存在的词": "a word found nowhere",
    }
    for text in terms:
        timed(f"search keystroke {labels.get(text, repr(text))}", lambda t=text: search(t))
    search("")
    wait_rest()
    for label, box, value in (
        ("kind 投诉", view.kind, "投诉"),
        ("state 调解中", view.state, "调解中"),
        ("due 已逾期", view.due, "已逾期"),
    ):

        def toggle(box=box, value=value) -> None:  # set, then cleared, then set again...
            box.setCurrentIndex(0) if box.currentIndex() else box.setCurrentText(value)
            settle()

        timed(f"filter {label} (set or cleared)", toggle, repeat=6)
        box.setCurrentIndex(0)
        wait_rest()
    for column, name in ((7, "amount"), (5, "respondent"), (8, "handler"), (9, "next deadline")):

        def sort(column: int = column) -> None:
            view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
            settle()

        timed(f"sort by {name}", sort)
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    wait_rest()
    board.add(
        "register: scroll to the end (fetch + paint)",
        measure(lambda: (view.table.scrollToBottom(), settle())),
        under=target,
    )
    board.add("peak memory, register process", peak_mb(), "MB", under=400)
    board.finish(argv)


if __name__ == "__main__":
    main(sys.argv)
