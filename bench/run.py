"""The whole benchmark in one command: every part in a fresh process, then one table against the targets.

Usage: python bench/run.py [RECORDS]   (default 200000; the first run generates and caches the demo data
under /tmp/weiquan-bench, set WEIQUAN_BENCH_DIR to put it elsewhere)

Parts: app.py (start-up against a bare window, opening a case, saving, agreement PDF, memory), register.py
(search, filter, sort, scroll), report.py (quarterly report, 10,000 and 100,000-row ledger exports against the
openpyxl floor), latency.py (GUI thread stalls during exports, reports and backups). The summary is printed
as a Markdown table for docs/performance.md. Exit status 1 if a part failed to run; missed targets are
reported, not failed (CI runs this at a small size as a smoke test, with no timing assertions).
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from common import demo_dir, records_arg

HERE = Path(__file__).resolve().parent
PARTS = ("app.py", "register.py", "report.py", "latency.py")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    from PySide6 import __version__ as pyside

    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PySide6 {pyside} "
        f"({os.environ.get('QT_QPA_PLATFORM', 'offscreen')})"
    )


def main(argv: list[str]) -> int:
    records = records_arg(argv)
    demo_dir(records)  # made once, before any part times anything
    info = machine()
    print(f"machine: {info}\n", flush=True)
    boards, failed = [], []
    for part in PARTS:
        with (
            tempfile.TemporaryFile("w+") as stderr,
            subprocess.Popen(
                [sys.executable, str(HERE / part), str(records), "--json"],
                cwd=HERE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            ) as child,
        ):
            found = []
            for line in child.stdout:  # shown as it comes: the larger parts take minutes
                if line.startswith("JSON "):
                    found.append(json.loads(line[5:]))
                else:
                    print(line, end="", flush=True)
            child.wait()
            stderr.seek(0)
            errors = stderr.read()
        if child.returncode != 0 or not found:
            failed.append(part)
            print(f"!! {part} failed (exit {child.returncode}):\n{errors[-2000:]}", flush=True)
            continue
        boards += found
    print(f"\n## Summary: {records:,} demo records\n\nMachine: {info}\n")
    print("| what | figure | target | |\n|---|---:|---|---|")
    for board in boards:
        for f in board["figures"]:
            number = f"{f['value']:,.2f}" if f["unit"] == "x" else f"{f['value']:,.1f}"
            verdict = "" if f["ok"] is None else ("ok" if f["ok"] else "**missed**")
            print(f"| {f['name']} | {number} {f['unit']} | {f['target']} | {verdict} |")
    missed = [f["name"] for b in boards for f in b["figures"] if f["ok"] is False]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else "") + ".")
    if failed:
        print(f"parts that failed to run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
