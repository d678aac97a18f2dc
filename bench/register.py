"""Register (台账) interactions on N demo records, driven through the real widgets offscreen.

Usage: python bench/register.py [RECORDS] [--json]   (default 200000; target: each interaction under 100 ms)
"""

from __future__ import annotations

import sys

from common import Board, demo_dir, measure, peak_mb, records_arg


def main(argv: list[str]) -> None:
    records = records_arg(argv)
    folder = demo_dir(records)
    from PySide6.QtCore import Qt

    from weiquan_desktop.models import open_database
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.ui.app import application
    from weiquan_desktop.ui.register_view import RegisterView

    app = application()
    open_database(DataDir(folder))
    view = RegisterView()
    view.resize(1280, 760)
    view.show()

    def settle() -> None:
        view.table.viewport().repaint()  # paint the visible rows (fetches their page)
        app.processEvents()

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
    target = 100
    board.add("register: all records, query + paint", measure(open_register), under=target)
    for text in ("13", "苏宁", "mdl", "WXH01-2026-0"):
        board.add(f"register: search keystroke {text!r}", measure(lambda t=text: search(t)), under=target)
    search("")
    for label, box, value in (("kind 投诉", view.kind, "投诉"), ("state 调解中", view.state, "调解中"),
                              ("due 已逾期", view.due, "已逾期")):
        def change(box=box, value=value) -> None:
            box.setCurrentText(value)
            settle()
            box.setCurrentIndex(0)
            settle()
        board.add(f"register: filter {label} (per change)", measure(change) / 2, under=target)
    for column, name in ((7, "amount"), (5, "respondent"), (8, "handler"), (9, "next deadline")):
        def sort(column: int = column) -> None:
            view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
            settle()
        board.add(f"register: sort by {name}", measure(sort), under=target)
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    board.add("register: scroll to the end (fetch + paint)", measure(lambda: (view.table.scrollToBottom(), settle())),
              under=target)
    board.add("peak memory, register process", peak_mb(), "MB", under=400)
    board.finish(argv)


if __name__ == "__main__":
    main(sys.argv)
