"""Opening and closing the station's database for the program: the CLI, the window and a restore.

``models.open_database`` creates or migrates the schema; the migration steps are plain SQL and leave the
columns the program derives (the search text, the next deadline) to be filled here, by the current code on
the current schema, so a database from any old version ends up exactly as if it had been written today.
"""

from __future__ import annotations

import logging

from peewee import Database

from weiquan_desktop.models import close_database, open_database, write_transaction
from weiquan_desktop.models.migrations import STALE_DERIVED_KEY
from weiquan_desktop.models.schema import Record, Setting
from weiquan_desktop.paths import DataDir

log = logging.getLogger(__name__)


def open_session(data_dir: DataDir, url: str | None = None) -> Database:
    """Open (create, migrate) the database and bring what is derived from it up to date."""
    db = open_database(data_dir, url)
    if Setting.select().where(Setting.key == STALE_DERIVED_KEY).exists():
        rebuild_derived()
    return db


def close_session() -> None:
    close_database()


def rebuild_derived(batch: int = 2000) -> int:
    """Recompute every record's search text and every open record's deadline, in one transaction (an
    upgrade is then complete or not at all); returns the number of records."""
    from weiquan_desktop.services import deadlines, intake

    count = 0
    with write_transaction():
        last = 0
        while True:
            rows = list(Record.select(Record.id, Record.case_no, Record.complainant_name, Record.phone,
                                      Record.respondent_name, Record.item, Record.facts, Record.external_no)
                        .where(Record.id > last).order_by(Record.id).limit(batch))
            if not rows:
                break
            for record in rows:
                intake.update_search_text(record)
                Record.update(search_text=record.search_text).where(Record.id == record.id).execute()
            last = rows[-1].id
            count += len(rows)
        deadlines.refresh_open_records()
        Setting.delete().where(Setting.key == STALE_DERIVED_KEY).execute()
    log.info("derived columns rebuilt for %d records", count)
    return count
