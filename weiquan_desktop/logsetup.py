"""Logging to a rotating file in the data folder (logs/weiquan.log)."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "weiquan.log"


def configure(log_dir: Path, *, level: int = logging.INFO) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_weiquan", False):
            root.removeHandler(old)
            old.close()
    try:
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:  # a read-only stick: reading still works, and what cannot be written says so itself
        handler = logging.NullHandler()
    with contextlib.suppress(OSError):  # the log names cases and staff: owner only
        os.chmod(path, 0o600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._weiquan = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path


def is_configured() -> bool:
    return any(getattr(handler, "_weiquan", False) for handler in logging.getLogger().handlers)
