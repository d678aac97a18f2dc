"""Where a station's data lives.

Order: ``--data-dir`` > ``WEIQUAN_DATA_DIR`` > portable mode > the per-user application data folder.
Portable mode (for stations that run the program from a USB drive) is on when a file named
``portable.txt`` sits beside the program, or ``WEIQUAN_PORTABLE=1``; data then lives in ``data/`` beside it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from weiquan_desktop import APP_NAME

PORTABLE_MARKER = "portable.txt"
DB_FILE = "weiquan.sqlite3"


def program_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent


def portable_mode() -> bool:
    if os.environ.get("WEIQUAN_PORTABLE") == "1":
        return True
    return (program_dir() / PORTABLE_MARKER).is_file()


def user_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("WEIQUAN_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    if portable_mode():
        return program_dir() / "data"
    return user_data_dir()


@dataclass(frozen=True)
class DataDir:
    """The files of one station's data folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / DB_FILE

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> DataDir:
        """Create the folders, readable by their owner only: they hold every consumer's ID number."""
        for folder in (self.root, self.attachments, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):  # Windows keeps %APPDATA% per user by its own ACLs
                os.chmod(folder, 0o700)
        return self
