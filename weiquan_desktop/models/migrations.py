"""Schema versions and the migration ladder.

A new database is created from the current models. An older one is first copied with SQLite's backup API
(never a file copy of an open database) and the copy checked, then brought up one version at a time, each
step in its own transaction. Each step is plain SQL of its own; the columns the program derives are rebuilt
after the climb by the current code (services.session). tests/test_migrations.py climbs from real old
databases (tests/fixtures).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from peewee import Database

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.db import is_sqlite, sqlite_backup_verified
from weiquan_desktop.models.schema import (
    ALL_MODELS,
    GroundOption,
    SchemaInfo,
    Setting,
    TimeLimitRule,
)
from weiquan_desktop.paths import DataDir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3

# Tables whose rows are never changed or removed once written: the hash-chained audit log, each record's
# history, and the statistics reports as they were submitted.
APPEND_ONLY_TABLES = ("audit_log", "record_event", "report_snapshot")


def _sqlite_triggers() -> dict[str, str]:
    """Per table: no UPDATE, no DELETE, and no INSERT at or below the newest id (INSERT OR REPLACE removes
    the old row without firing a delete trigger; a row slipped in between would re-order history)."""
    out = {}
    for table in APPEND_ONLY_TABLES:
        refuse = f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        out[f"{table}_no_update"] = f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {refuse}"
        out[f"{table}_no_delete"] = f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {refuse}"
        out[f"{table}_no_replace"] = (
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN NEW.id <> -1 AND NEW.id <= "
            f"(SELECT COALESCE(MAX(id), 0) FROM {table}) {refuse}")
    return out


SQLITE_TRIGGERS = _sqlite_triggers()
POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION weiquan_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$ LANGUAGE plpgsql")
# INSERT ... ON CONFLICT DO UPDATE fires the update trigger; TRUNCATE needs a statement trigger of its own
POSTGRES_TRIGGERS = {
    name: sql for table in APPEND_ONLY_TABLES for name, sql in (
        (f"{table}_no_change", f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                               "FOR EACH ROW EXECUTE FUNCTION weiquan_append_only()"),
        (f"{table}_no_truncate", f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                                 "FOR EACH STATEMENT EXECUTE FUNCTION weiquan_append_only()"))}


def ensure_triggers(db: Database) -> list[str]:
    """Make the database's triggers exactly the program's own: a trigger someone added is dropped (one
    copied ID numbers into a table of its own on every insert), a dropped or altered one is put back.
    Returns what was changed, for the log."""
    changed = []
    if is_sqlite(db):
        present = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        wanted = SQLITE_TRIGGERS
        for name, sql in present.items():
            if wanted.get(name) != sql:
                db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
                changed.append(f"dropped {name}")
        for name, sql in wanted.items():
            if present.get(name) != sql:
                db.execute_sql(sql)
                changed.append(f"created {name}")
        return changed
    db.execute_sql(POSTGRES_FUNCTION)  # also undoes a function replaced by one that lets changes through
    present = {(name, table) for name, table in db.execute_sql(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = current_schema()").fetchall()}
    wanted_tables = {name: name.rsplit("_no_", 1)[0] for name in POSTGRES_TRIGGERS}
    for name, table in present:
        if wanted_tables.get(name) != table:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            changed.append(f"dropped {name} on {table}")
    names = {name for name, _table in present}
    for name, sql in POSTGRES_TRIGGERS.items():
        if name not in names:
            db.execute_sql(sql)
            changed.append(f"created {name}")
    return changed


# Columns added by a step: (name, SQLite declaration, PostgreSQL declaration). A step names its own SQL and
# never uses the current models or the services: a station still on v1 must climb every step as it was written.
V2_RECORD_COLUMNS = (
    ("search_text", "TEXT NOT NULL DEFAULT ''", "TEXT NOT NULL DEFAULT ''"),
    ("next_due", "DATE", "DATE"),
    ("due_label", "VARCHAR(10)", "VARCHAR(10)"),
    ("due_estimated", "INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT false"),
    ("third_party", "TEXT", "TEXT"),
)
V1_RECORD_INDEXES = ("kind", "source", "received_at", "state", "respondent_name", "category", "closed_at")


def add_columns(db: Database, table: str, columns: tuple[tuple[str, str, str], ...]) -> None:
    sqlite = is_sqlite(db)
    for name, sqlite_decl, pg_decl in columns:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {sqlite_decl if sqlite else pg_decl}')


def _v2_search_and_deadlines(db: Database) -> None:
    """v2: a lower-cased search column per record and the next deadline of open records, so the register
    searches, filters and sorts in SQL; the third party of a settlement agreement. Both derived columns are
    filled by the rebuild that follows the ladder (services.session)."""
    add_columns(db, "record", V2_RECORD_COLUMNS)
    # v1's single-column indexes made the planner look rows up one by one; the current partial covering
    # ones are created after the ladder
    for column in V1_RECORD_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "record_{column}"')


V3_STAFF_COLUMNS = (
    ("must_change_password", "INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT false"),
)


def _v3(db: Database) -> None:
    """v3: an account whose password someone else chose must change it at its first login."""
    add_columns(db, "staff", V3_STAFF_COLUMNS)


# The register's search walks (received_at, id, search_text) on SQLite. PostgreSQL caps a b-tree entry at
# about 2.7 kB, which a long 事实与理由 exceeds; there the search is a plain scan.
SQLITE_ONLY_INDEXES = ("record_alive_received_at_id_search_text",)
SEARCH_INDEX_SQL = ('CREATE INDEX IF NOT EXISTS "record_alive_received_at_id_search_text" ON "record" '
                    '("received_at", "id", "search_text") WHERE ("deleted_at" IS NULL)')


def _create_indexes(db: Database) -> None:
    """Every model's indexes (IF NOT EXISTS: a no-op when all are there), the SQLite-only one there."""
    for model in ALL_MODELS:
        for index in model._meta.fields_to_index():
            if getattr(index, "_name", None) not in SQLITE_ONLY_INDEXES:
                db.execute(model._schema._create_index(index, safe=True))
    if is_sqlite(db):
        db.execute_sql(SEARCH_INDEX_SQL)


# STEPS[n] brings a database from version n-1 to n.
STEPS: dict[int, Callable[[Database], None]] = {2: _v2_search_and_deadlines, 3: _v3}


STALE_DERIVED_KEY = "derived_columns_stale"  # set by the ladder; services.session rebuilds, then removes it


def stored_version(db: Database) -> int:
    """The version in schema_info, refusing a table with no row or several (not a database we made)."""
    rows = db.execute_sql('SELECT "version" FROM "schema_info"').fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int) or rows[0][0] < 1:
        raise UserError("这个数据库文件的版本信息不完整，不是本程序创建的数据库，程序不会改动它。")
    return rows[0][0]


def ensure_schema(db: Database, data_dir: DataDir | None) -> int:
    """Create or migrate; returns the version the database was at before (0 for a new one)."""
    tables = set(db.get_tables())
    if not tables:
        create_fresh(db)
        return 0
    if "schema_info" not in tables:
        raise UserError("这个数据库文件不是本程序创建的（缺少版本信息），程序不会改动它。")
    version = stored_version(db)
    if version > SCHEMA_VERSION:
        raise UserError(
            f"数据库的版本（v{version}）比本程序支持的版本（v{SCHEMA_VERSION}）新，请先升级程序再打开。"
        )
    if version < SCHEMA_VERSION:
        if data_dir is not None:
            copy = backup_before_migration(db, data_dir, version)
            log.info("verified pre-migration copy at %s", copy)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with db.atomic():
                STEPS[target](db)
                p = db.param  # the driver's placeholder: ? on SQLite, %s on PostgreSQL
                db.execute_sql(f'UPDATE "schema_info" SET "version" = {p}', (target,))
                db.execute_sql(f'DELETE FROM "setting" WHERE "key" = {p}', (STALE_DERIVED_KEY,))
                db.execute_sql(f'INSERT INTO "setting" ("key", "value") VALUES ({p}, {p})', (STALE_DERIVED_KEY, str(target)))
            log.info("database migrated to schema v%d", target)
    with db.atomic():  # an index lost or never built; triggers exactly ours
        _create_indexes(db)
        for change in ensure_triggers(db):  # expected after an upgrade; otherwise someone changed them
            (log.info if version < SCHEMA_VERSION else log.warning)("database trigger %s", change)
    return version


def create_fresh(db: Database) -> None:
    with db.atomic():
        db.create_tables(ALL_MODELS)
        _create_indexes(db)
        ensure_triggers(db)
        seed(db)
        SchemaInfo.create(version=SCHEMA_VERSION)


def seed(db: Database) -> None:
    """Editable defaults: time limits, grounds, settings."""
    for code, start, amount, unit, title, basis in domain.TIME_LIMIT_DEFAULTS:
        TimeLimitRule.create(
            code=code, effective_from=date.fromisoformat(start), amount=amount, unit=unit,
            title=title, basis=basis,
        )
    for list_name, grounds in (("rejection", domain.REJECTION_GROUNDS),
                               ("termination", domain.TERMINATION_GROUNDS)):
        for position, text in enumerate(grounds, 1):
            GroundOption.create(list_name=list_name, position=position, text=text)
    for key, value in domain.SETTING_DEFAULTS.items():
        Setting.insert(key=key, value=value).on_conflict_ignore().execute()


def backup_before_migration(db: Database, data_dir: DataDir, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = data_dir.backups / f"pre-migration-v{version}-{stamp}.sqlite3"
    return sqlite_backup_verified(db, dest)
