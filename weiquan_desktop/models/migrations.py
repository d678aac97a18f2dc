"""Schema versions and the migration ladder.

A new database is created from the current models. An older one is first copied with SQLite's backup API
(never a file copy of an open database) and the copy checked, then brought up one version at a time, each
step in its own transaction. ``sql/v1.sql`` is the oldest schema as shipped, kept to test the ladder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from peewee import BooleanField, CharField, Database, DateField, TextField

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.db import is_sqlite, sqlite_backup_verified
from weiquan_desktop.models.schema import (
    ALL_MODELS,
    GroundOption,
    Record,
    SchemaInfo,
    Setting,
    TimeLimitRule,
)
from weiquan_desktop.paths import DataDir
from weiquan_desktop.text import search_text

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

# SQLite triggers that make the audit log append-only.
AUDIT_TRIGGERS_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS record_event_no_update BEFORE UPDATE ON record_event "
    "BEGIN SELECT RAISE(ABORT, 'record_event is append-only'); END",
)
AUDIT_TRIGGERS_POSTGRES = (
    "CREATE OR REPLACE FUNCTION weiquan_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION weiquan_append_only()",
    "CREATE TRIGGER record_event_no_update BEFORE UPDATE ON record_event "
    "FOR EACH ROW EXECUTE FUNCTION weiquan_append_only()",
)


def _v2_search_and_deadlines(db: Database) -> None:
    """v2: a lower-cased search column per record (with pinyin initials of respondent and item) and the
    next deadline of open records, so the register searches, filters and sorts on them in SQL; the third
    party of a settlement agreement."""
    # imported here: playhouse.migrate loads psycopg, which only a database being migrated needs
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("record", "search_text", TextField(default="")),
        migrator.add_column("record", "next_due", DateField(null=True)),
        migrator.add_column("record", "due_label", CharField(max_length=10, null=True)),
        migrator.add_column("record", "due_estimated", BooleanField(default=False)),
        migrator.add_column("record", "third_party", TextField(null=True)),
    )
    # v1's single-column indexes made the planner look rows up one by one; v2 has partial covering ones
    for column in ("kind", "source", "received_at", "state", "respondent_name", "category", "closed_at"):
        db.execute_sql(f'DROP INDEX IF EXISTS "record_{column}"')
    _create_indexes(db)  # the register's partial indexes
    rows = (Record.select(Record.id, Record.case_no, Record.complainant_name, Record.phone,
                          Record.respondent_name, Record.item, Record.facts, Record.external_no)
            .tuples().iterator())
    for rid, case_no, name, phone, respondent, item, facts, external_no in rows:
        text = search_text(case_no=case_no, name=name, phone=phone, respondent=respondent, item=item,
                           facts=facts, external_no=external_no)
        Record.update(search_text=text).where(Record.id == rid).execute()
    from weiquan_desktop.services import deadlines  # the services' rules, applied once to old records

    deadlines.refresh_open_records()


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
STEPS: dict[int, Callable[[Database], None]] = {2: _v2_search_and_deadlines}


def ensure_schema(db: Database, data_dir: DataDir | None) -> int:
    """Create or migrate; returns the version the database was at before (0 for a new one)."""
    tables = set(db.get_tables())
    if not tables:
        create_fresh(db)
        return 0
    if "schema_info" not in tables:
        raise UserError("这个数据库文件不是本程序创建的（缺少版本信息），程序不会改动它。")
    version = SchemaInfo.select(SchemaInfo.version).scalar()
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
                SchemaInfo.update(version=target).execute()
            log.info("database migrated to schema v%d", target)
    with db.atomic():  # an index lost or never built
        _create_indexes(db)
    return version


def create_fresh(db: Database) -> None:
    with db.atomic():
        db.create_tables(ALL_MODELS)
        _create_indexes(db)
        for sql in AUDIT_TRIGGERS_SQLITE if is_sqlite(db) else AUDIT_TRIGGERS_POSTGRES:
            db.execute_sql(sql)
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
