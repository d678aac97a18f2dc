"""Opening and closing the station's database for the program: the CLI, the window and a restore.

``models.open_database`` creates or migrates the schema; the migration steps are plain SQL and leave the
columns the program derives (the search text, the next deadline) to be filled here, by the current code on
the current schema, so a database from any old version ends up exactly as if it had been written today.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from peewee import Database

from weiquan_desktop.errors import UserError
from weiquan_desktop.models import close_database, open_database, write_transaction
from weiquan_desktop.models.db import current_data_dir, current_database_url, is_sqlite
from weiquan_desktop.models.db import storage_error as storage_error  # the disk's Chinese message, for the UI
from weiquan_desktop.models.migrations import STALE_DERIVED_KEY
from weiquan_desktop.models.schema import Record, Setting
from weiquan_desktop.paths import DataDir

log = logging.getLogger(__name__)


# Bumped whenever what the derived columns hold changes (the search text took ID numbers and the consumer's
# pinyin initials at 2; the stored duties, record_duty, at 3): a database whose columns were derived by an
# older program is rebuilt once.
DERIVED_VERSION = "3"
DERIVED_VERSION_KEY = "derived_version"


def open_session(data_dir: DataDir, url: str | None = None) -> Database:
    """Open (create, migrate) the database and bring what is derived from it up to date."""
    db = open_database(data_dir, url)
    stale = Setting.select().where(Setting.key == STALE_DERIVED_KEY).exists()
    version = Setting.select(Setting.value).where(Setting.key == DERIVED_VERSION_KEY).scalar()
    if stale or (version != DERIVED_VERSION and _has_records()):
        rebuild_derived()
    elif version != DERIVED_VERSION:
        _mark_derived()
    return db


def _has_records() -> bool:
    return Record.select().exists()


def _mark_derived() -> None:
    Setting.insert(key=DERIVED_VERSION_KEY, value=DERIVED_VERSION).on_conflict(
        conflict_target=[Setting.key], preserve=[Setting.value]
    ).execute()


def close_session() -> None:
    close_database()


def is_embedded() -> bool:
    """The station's own SQLite file (backed up from this desk), not a shared server."""
    return is_sqlite()


def location() -> tuple[DataDir, str | None]:
    """Where the open database lives: its data folder and its ``--database`` URL (None: the folder's file)."""
    return current_data_dir(), current_database_url()


def close_thread_connection() -> None:
    """Close the calling worker thread's connection (each thread has its own)."""
    from weiquan_desktop.models.schema import database_proxy

    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


@dataclass
class StartNotes:
    """What the user must hear at start: leftovers cleaned, numbers kept ahead, the anchor disagreeing."""

    problems: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)


def on_start(data_dir: DataDir, *, unclean: bool = False) -> StartNotes:
    """After opening, at the start of the window or a command: clean what a killed restore or backup left,
    compare the database with its anchor, and never hand out a case number twice."""
    from weiquan_desktop.models.db import is_sqlite
    from weiquan_desktop.services import anchor, backup

    notes = StartNotes()
    for leftover in backup.clean_leftovers(data_dir):
        log.info("removed a leftover of an interrupted restore or backup: %s", leftover)
    notes.problems = anchor.check(data_dir, unclean=unclean)
    if notes.problems and is_sqlite():
        notes.done = anchor.keep_numbers_ahead(data_dir)
    for line in notes.problems + notes.done:
        log.warning("%s", line)
    new_day()
    return notes


def new_day() -> None:
    """A new day moves the clocks paused for testing on (once a day, whichever desk or command is first)."""
    from weiquan_desktop.services import deadlines

    try:
        moved = deadlines.refresh_for_new_day()
    except Exception as exc:  # noqa: BLE001 - a read-only or busy database still opens; the next start retries
        if storage_error(exc) is None:
            raise
        log.warning("paused deadlines not recounted today: %s", exc)
        return
    if moved:
        log.info("a new day: %d paused deadlines recounted", moved)


OWN_FILES = ("weiquan.sqlite3", "weiquan.sqlite3-wal", "weiquan.sqlite3-shm", "anchor.json", ".gui.lock")


def check_output_path(dest: Path) -> None:
    """An export, a report or a printed document must not land on the data folder's own files: ``print --out``
    pointed at the database replaced it."""
    from weiquan_desktop.models.db import current_data_dir

    try:
        data_dir = current_data_dir()
    except RuntimeError:
        return
    target = Path(dest).resolve()
    root = data_dir.root.resolve()
    own = {root / name for name in OWN_FILES}
    inside = any(target.is_relative_to(folder.resolve()) for folder in (data_dir.attachments, data_dir.logs))
    if target in own or inside or (target.parent == root and target.suffix in (".sqlite3", ".json")):
        raise UserError(f"不能写到 {target}：这是本站数据文件夹中的程序文件。请另选一个位置（如桌面或U盘）。")


def rebuild_derived(batch: int = 2000) -> int:
    """Recompute every record's search text, deadline and stored duties, in one transaction (an
    upgrade is then complete or not at all); returns the number of records."""
    from weiquan_desktop.services import deadlines, intake

    count = 0
    with write_transaction():
        last = 0
        while True:
            rows = list(
                Record.select(
                    Record.id,
                    Record.case_no,
                    Record.complainant_name,
                    Record.phone,
                    Record.respondent_name,
                    Record.item,
                    Record.facts,
                    Record.external_no,
                    Record.id_number,
                )
                .where(Record.id > last)
                .order_by(Record.id)
                .limit(batch)
            )
            if not rows:
                break
            for record in rows:
                intake.update_search_text(record)
                Record.update(search_text=record.search_text).where(Record.id == record.id).execute()
            last = rows[-1].id
            count += len(rows)
        deadlines.refresh_records()  # every record's stored duties as well
        Setting.delete().where(Setting.key == STALE_DERIVED_KEY).execute()
        _mark_derived()
    log.info("derived columns rebuilt for %d records", count)
    return count
