"""Register (台账) interactions on N demo records, driven through the real widgets offscreen.

Usage: python bench/register.py [RECORDS]   (default 200000; target: each interaction under 100 ms)
"""

from __future__ import annotations

import sys

from common import demo_dir, measure, report


def main(records: int) -> None:
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

    print(f"register on {records:,} records")
    target = 100
    report("open register (query + first paint)", measure(open_register), target)
    for text in ("13", "苏宁", "mdl", "WXH01-2026-0"):
        report(f"search keystroke: {text!r}", measure(lambda t=text: search(t)), target)
    search("")
    for label, box, value in (("filter kind 投诉", view.kind, "投诉"), ("filter state 调解中", view.state, "调解中"),
                              ("filter due 已逾期", view.due, "已逾期")):
        def change(box=box, value=value) -> None:
            box.setCurrentText(value)
            settle()
            box.setCurrentIndex(0)
            settle()
        report(f"{label} (on and off, per change)", measure(change) / 2, target)
    for column, name in ((7, "amount"), (5, "respondent"), (8, "handler"), (9, "next deadline")):
        def sort(column: int = column) -> None:
            view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
            settle()
        report(f"sort by {name}", measure(sort), target)
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    report("scroll to the end (fetch + paint last page)", measure(lambda: (view.table.scrollToBottom(), settle())), target)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
