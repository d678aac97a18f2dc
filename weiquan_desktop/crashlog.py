"""A native crash leaves a trace: Python's faulthandler writes the stack of every thread into the data
folder's logs/crash.log when the process dies of a signal (a segfault in Qt, an abort), and the next start
tells the user that the last run ended abnormally. Qt-free; the window turns it on at start."""

from __future__ import annotations

import faulthandler
from pathlib import Path
from typing import IO

from weiquan_desktop.paths import DataDir

CRASH_LOG = "crash.log"
_stream: IO[str] | None = None  # kept open for the whole run: faulthandler writes to it from a signal handler


def crash_log(data_dir: DataDir) -> Path:
    return data_dir.logs / CRASH_LOG


def enable(data_dir: DataDir) -> Path:
    """Route faulthandler into the crash log (appending), and remember its size so the next start can tell
    whether this run added a trace."""
    global _stream
    path = crash_log(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _stream is not None:
        _stream.close()
    _stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - must outlive this function
    faulthandler.enable(file=_stream, all_threads=True)
    (data_dir.logs / ".crash-size").write_text(str(path.stat().st_size), encoding="ascii")
    return path


def disable() -> None:
    global _stream
    faulthandler.disable()
    if _stream is not None:
        _stream.close()
        _stream = None


def new_trace(data_dir: DataDir) -> str | None:
    """The trace the previous run left in the crash log, if it left one."""
    path = crash_log(data_dir)
    marker = data_dir.logs / ".crash-size"
    try:
        start = int(marker.read_text(encoding="ascii"))
        size = path.stat().st_size
    except (OSError, ValueError):
        return None
    if size <= start:
        return None
    with open(path, encoding="utf-8", errors="replace") as fh:
        fh.seek(start)
        return fh.read().strip() or None
