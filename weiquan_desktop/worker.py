"""Long CPU-bound work (spreadsheets and PDFs of a whole ledger) in a separate process.

A thread is not enough for it: openpyxl and ReportLab are pure Python, and while a worker thread runs them
the GUI thread waits for the interpreter lock at every Python call a repaint makes (each cell's data()), so
a table repaint during an export stalled the window for seconds. A process has an interpreter of its own.

The child opens the same database, runs ``module:function(**kwargs)`` and reports back on a queue:
("progress", done, total), then ("done", result) or ("failed", message, is_user_error). Setting the cancel
event makes the function's ``progress`` callback return False. Results and arguments must pickle.
Qt-free: ui/tasks.py drives it.
"""

from __future__ import annotations

import importlib
import inspect
import multiprocessing
import traceback
from pathlib import Path
from typing import Any

from weiquan_desktop.errors import UserError


def run(
    data_root: str, database_url: str | None, target: str, kwargs: dict[str, Any], events: Any, cancel: Any
) -> None:
    """The child process's entry point."""
    from weiquan_desktop.models import close_database, open_database
    from weiquan_desktop.paths import DataDir

    def progress(done: int, total: int) -> bool:
        events.put(("progress", done, total))
        return not cancel.is_set()

    try:
        open_database(DataDir(Path(data_root)), database_url, migrate=False)
        module, name = target.split(":")
        function = getattr(importlib.import_module(module), name)
        if "actor_id" in kwargs:  # the window's actor, checked again against the database here
            from weiquan_desktop.services import auth

            kwargs["actor"] = auth.actor_by_id(kwargs.pop("actor_id"))
        if "progress" in inspect.signature(function).parameters:
            kwargs["progress"] = progress
        result = function(**kwargs)
    except UserError as exc:
        events.put(("failed", str(exc), True))
    except BaseException as exc:  # noqa: BLE001 - reported to the GUI, which logs it
        from weiquan_desktop.models.db import storage_error

        storage = storage_error(exc) if isinstance(exc, Exception) else None
        events.put(("failed", str(storage), True) if storage else ("failed", traceback.format_exc(), False))
    else:
        events.put(("done", result))
    finally:
        close_database()


def context() -> multiprocessing.context.SpawnContext:
    # spawn everywhere: the same on Windows and Linux, and no copy of the GUI's Qt state in the child
    return multiprocessing.get_context("spawn")


def count_records() -> int:
    """The probe's work: proves the child found the program, the database and its tables."""
    from weiquan_desktop.models.schema import Record

    return Record.select().count()


def probe(data_root: Path, database_url: str | None = None, timeout: float = 120) -> str | None:
    """Start a worker process as an export would and wait for its answer: None if it works, else what
    went wrong (a security program blocking the program from starting itself, a broken installation)."""
    import queue

    ctx = context()
    events, cancel = ctx.Queue(), ctx.Event()
    child = ctx.Process(
        target=run,
        daemon=True,
        args=(str(data_root), database_url, "weiquan_desktop.worker:count_records", {}, events, cancel),
    )
    try:
        child.start()
        answer = events.get(timeout=timeout)
    except queue.Empty:
        child.kill()
        return f"{timeout:.0f} 秒内没有回应"
    except OSError as exc:
        return str(exc)
    finally:
        child.join(timeout=10)
    return None if answer[0] == "done" else str(answer[1]).strip().splitlines()[-1]
