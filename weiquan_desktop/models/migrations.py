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

SCHEMA_VERSION = 4
# the day from which decisions owe a recorded notice (services.duties); set by v3 and on a new database
NOTICES_SINCE_KEY = "notices_tracked_since"

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
            f"(SELECT COALESCE(MAX(id), 0) FROM {table}) {refuse}"
        )
    return out


SQLITE_TRIGGERS = _sqlite_triggers()
POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION weiquan_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$ LANGUAGE plpgsql"
)
# INSERT ... ON CONFLICT DO UPDATE fires the update trigger; TRUNCATE needs a statement trigger of its own
POSTGRES_TRIGGERS = {
    name: sql
    for table in APPEND_ONLY_TABLES
    for name, sql in (
        (
            f"{table}_no_change",
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION weiquan_append_only()",
        ),
        (
            f"{table}_no_truncate",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION weiquan_append_only()",
        ),
    )
}


def ensure_triggers(db: Database) -> list[str]:
    """Make the database's triggers exactly the program's own: a trigger someone added is dropped (one
    copied ID numbers into a table of its own on every insert), a dropped or altered one is put back.
    Returns what was changed, for the log."""
    changed = []
    if is_sqlite(db):
        present = dict(
            db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        )
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
    installed = {
        (name, table)
        for name, table in db.execute_sql(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        ).fetchall()
    }
    wanted_tables = {name: name.rsplit("_no_", 1)[0] for name in POSTGRES_TRIGGERS}
    for name, table in installed:
        if wanted_tables.get(name) != table:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            changed.append(f"dropped {name} on {table}")
    names = {name for name, _table in installed}
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


V3_STAFF_COLUMNS = (("must_change_password", "INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT false"),)
# (SQLite type, PostgreSQL type): money is integer fen, INTEGER on SQLite and BIGINT on PostgreSQL
_PG_TYPES = {"DATETIME": "TIMESTAMP", "MONEY": "BIGINT"}
V3_RECORD_COLUMNS = tuple(
    (name, decl.replace("MONEY", "INTEGER"), _PG_TYPES.get(decl, decl))
    for name, decl in (
        ("respondent_contact", "VARCHAR(50)"),
        ("respondent_phone", "VARCHAR(40)"),
        ("respondent_address", "VARCHAR(200)"),
        ("agent_phone", "VARCHAR(40)"),
        ("evidence", "TEXT"),
        ("third_party_role", "VARCHAR(50)"),
        ("third_party_contact", "VARCHAR(50)"),
        ("third_party_phone", "VARCHAR(40)"),
        ("third_party_address", "VARCHAR(200)"),
        ("termination_party", "VARCHAR(8)"),
        ("handover_note", "TEXT"),
        ("group_size", "INTEGER"),
        ("group_amount", "MONEY"),
        ("major_reported_at", "DATETIME"),
        ("major_reported_to", "VARCHAR(100)"),
        ("major_reported_by", "VARCHAR(50)"),
        ("external_due", "DATE"),
        ("forwarded_to", "VARCHAR(100)"),
    )
)
V3_VISIT_COLUMNS = (("method", "VARCHAR(8)", "VARCHAR(8)"), ("performance", "TEXT", "TEXT"))
V3_EVENT_COLUMNS = (("prev_hash", "VARCHAR(64)", "VARCHAR(64)"), ("hash", "VARCHAR(64)", "VARCHAR(64)"))
V3_NOTICE_TABLE = (
    'CREATE TABLE "case_notice" ("id" {pk}, "record_id" INTEGER NOT NULL, "kind" VARCHAR(10) NOT NULL, '
    '"at" {ts} NOT NULL, "method" VARCHAR(10) NOT NULL, "party" VARCHAR(100), "content" TEXT, "staff_id" INTEGER, '
    '"actor" VARCHAR(50), "created_at" {ts} NOT NULL, '
    'FOREIGN KEY ("record_id") REFERENCES "record" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE SET NULL)'
)
# Rules in force from 2026-04-15 (Order 121) and new duties, added where the station has none of that code and
# date; the mediation rule loses its "待确认"; grounds still in the seeded Order 20 wording get Order 121's, as
# a station words them. Frozen here as they were in v3.
V3_RULES = (
    (
        "decision",
        "2026-04-15",
        7,
        "working_days",
        "作出受理或不予受理决定",
        "消保法第四十六条；《市场监督管理投诉举报处理办法》（总局令第121号）",
    ),
    (
        "rejection_notice",
        "2026-04-15",
        3,
        "working_days",
        "告知不予受理",
        "服务站工作制度；《市场监督管理投诉举报处理办法》第十六条",
    ),
    (
        "termination_notice",
        "2026-04-15",
        7,
        "working_days",
        "告知双方终止调解",
        "服务站工作制度；《市场监督管理投诉举报处理办法》第二十三条",
    ),
    ("referral_feedback", "2020-01-01", 15, "working_days", "移交后接收单位反馈处理情况", "服务站工作制度"),
    (
        "major_report",
        "2020-01-01",
        0,
        "calendar_days",
        "报告群体性、重大投诉（当日）",
        "服务站工作制度：群体性或重大投诉立即报告",
    ),
    (
        "lead_verify",
        "2026-04-15",
        15,
        "working_days",
        "核查调解中发现的违法线索",
        "《市场监督管理行政处罚程序规定》第十八条",
    ),
)
V3_RULE_RENAMES = (
    (
        "mediation",
        "2026-04-15",
        "调解期限（2026-04-15起受理，待确认）",
        "调解期限（2026-04-15起受理）",
        "《市场监督管理投诉举报处理办法》第二十三条第一款第（五）项",
    ),
)
V3_GROUNDS = {
    "rejection": (
        (
            "不属于市场监督管理部门职责，或者不属于本机关管辖",
            "投诉事项不属于本站受理范围（不涉及本站所在经营场所的经营者，或者不属于市场监督管理部门职责）",
        ),
        (
            "法院、仲裁机构、其他行政机关、消费者协会等已经受理或者处理",
            "同一消费纠纷已由法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会受理或者处理",
        ),
        (
            "不是为生活消费需要购买、使用商品或者接受服务，或者与经营者之间不存在消费者权益争议",
            "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉方之间存在消费者权益争议",
        ),
        (
            "自消费者知道或者应当知道自己的权益受到侵害之日起超过三年",
            "投诉人知道或者应当知道权益受到侵害之日起已超过三年",
        ),
        (
            "未提供必要材料，或者提供的材料虚假",
            "未提供投诉人姓名、联系方式、被投诉方、投诉请求和事实等必要材料，或者提供的材料不真实",
        ),
        ("冒用他人名义投诉，或者拒绝核实身份", "冒用他人名义投诉，或者拒不配合核实身份"),
    ),
    "termination": (
        (
            "一方当事人无正当理由不参加调解，或者调解中途退出",
            "投诉人或者被投诉人无正当理由不参加调解，或者明确拒绝调解",
        ),
        ("一方当事人明确表示无法达成调解协议", "经组织调解，投诉人或者被投诉人明确表示无法达成和解协议"),
        ("双方当事人对检测、鉴定费用承担无法达成一致", "投诉人与被投诉人对鉴定、检测费用承担无法协商一致"),
        ("调解期限届满仍未达成调解协议", "自投诉受理之日起六十日内未能达成和解协议"),
        ("发现存在不予受理情形", "受理后发现存在不予受理的情形，或者投诉人滥用投诉权利牟取不正当利益"),
        ("一方当事人死亡或者经营者终止且无权利义务承受人", "投诉人、被投诉人死亡或者主体资格灭失"),
        ("其他应当终止调解的情形", "法律、法规、规章规定应当终止调解的其他情形"),
    ),
}


def _v3(db: Database) -> None:
    """v3: a head-made account changes its password at first login; the respondent's contact, the evidence,
    an agent's phone and a full third party on the record; group and major reports; who refused mediation
    and why a failed one was not handed over; return visits' method and performance; every notice and contact
    with a party (case_notice); Order 121's rules and grounds."""
    sqlite = is_sqlite(db)
    p = db.param
    add_columns(db, "staff", V3_STAFF_COLUMNS)
    add_columns(db, "record", V3_RECORD_COLUMNS)
    add_columns(db, "return_visit", V3_VISIT_COLUMNS)
    add_columns(db, "record_event", V3_EVENT_COLUMNS)  # the chain starts with the first row written by v3
    db.execute_sql(
        V3_NOTICE_TABLE.format(
            pk="INTEGER NOT NULL PRIMARY KEY" if sqlite else "SERIAL NOT NULL PRIMARY KEY",
            ts="DATETIME" if sqlite else "TIMESTAMP",
        )
    )
    for code, start, amount, unit, title, basis in V3_RULES:
        exists = db.execute_sql(
            f'SELECT 1 FROM "time_limit_rule" WHERE "code" = {p} AND "effective_from" = {p}', (code, start)
        ).fetchone()
        if not exists:
            db.execute_sql(
                f'INSERT INTO "time_limit_rule" ("code", "effective_from", "amount", "unit", "title", "basis") '
                f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
                (code, start, amount, unit, title, basis),
            )
    for code, start, old, new, basis in V3_RULE_RENAMES:
        db.execute_sql(
            f'UPDATE "time_limit_rule" SET "title" = {p}, "basis" = {p} WHERE "code" = {p} '
            f'AND "effective_from" = {p} AND "title" = {p}',
            (new, basis, code, start, old),
        )
    for list_name, pairs in V3_GROUNDS.items():
        for old, new in pairs:
            db.execute_sql(
                f'UPDATE "ground_option" SET "text" = {p} WHERE "list_name" = {p} AND "text" = {p}',
                (new, list_name, old),
            )
    # notices are owed from today on: a case decided before v3 has no record of its notice to miss
    db.execute_sql(
        f'INSERT INTO "setting" ("key", "value") VALUES ({p}, {p})',
        (NOTICES_SINCE_KEY, date.today().isoformat()),
    )


V4_DUTY_TABLE = (
    'CREATE TABLE "record_duty" ("id" {pk}, "record_id" INTEGER NOT NULL, "code" VARCHAR(20) NOT NULL, '
    '"due" DATE NOT NULL, "due_at" {ts}, "done_at" {ts}, "done_late" {flag} NOT NULL, "paused" {flag} NOT NULL, '
    '"about" VARCHAR(200) NOT NULL, FOREIGN KEY ("record_id") REFERENCES "record" ("id") ON DELETE CASCADE)'
)
V4_DUTY_INDEXES = (
    'CREATE INDEX "record_duty_record_id" ON "record_duty" ("record_id")',
    'CREATE INDEX "record_duty_code_due_done_late_done_at_due_at_paused_record_id" ON "record_duty" '
    '("code", "due", "done_late", "done_at", "due_at", "paused", "record_id")',
)

V4_DROPPED_INDEXES = (
    "record_alive_received_at_kind_source_decision_category_nature_is_group_decided_at_respondent_name",
    "record_alive_closed_at_kind_state_recovered_amount_punitive_amount",
)


def _v4(db: Database) -> None:
    """v4: each record's duties as a table (record_duty), so a report counts time limits in SQL. The step
    makes it empty; the rows are derived, written by the rebuild after the climb (STALE_DERIVED_KEY)."""
    sqlite = is_sqlite(db)
    db.execute_sql(
        V4_DUTY_TABLE.format(
            pk="INTEGER NOT NULL PRIMARY KEY" if sqlite else "SERIAL NOT NULL PRIMARY KEY",
            ts="DATETIME" if sqlite else "TIMESTAMP",
            flag="INTEGER" if sqlite else "BOOLEAN",
        )
    )
    for statement in V4_DUTY_INDEXES:
        db.execute_sql(statement)
    # the report's covering indexes took more columns and names of their own (made after the climb)
    for old in V4_DROPPED_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{old}"')


# The register's search walks (received_at, id, search_text) on SQLite. PostgreSQL caps a b-tree entry at
# about 2.7 kB, which a long 事实与理由 exceeds; there the search is a plain scan.
SQLITE_ONLY_INDEXES = ("record_alive_received_at_id_search_text",)
SEARCH_INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "record_alive_received_at_id_search_text" ON "record" '
    '("received_at", "id", "search_text") WHERE ("deleted_at" IS NULL)'
)


def _create_indexes(db: Database) -> None:
    """Every model's indexes (IF NOT EXISTS: a no-op when all are there), the SQLite-only one there."""
    for model in ALL_MODELS:
        for index in model._meta.fields_to_index():
            if getattr(index, "_name", None) not in SQLITE_ONLY_INDEXES:
                db.execute(model._schema._create_index(index, safe=True))  # type: ignore[attr-defined]
    if is_sqlite(db):
        db.execute_sql(SEARCH_INDEX_SQL)


# STEPS[n] brings a database from version n-1 to n.
STEPS: dict[int, Callable[[Database], None]] = {2: _v2_search_and_deadlines, 3: _v3, 4: _v4}


STALE_DERIVED_KEY = "derived_columns_stale"  # set by the ladder; services.session rebuilds, then removes it


def stored_version(db: Database) -> int:
    """The version in schema_info, refusing a table with no row or several (not a database we made)."""
    rows = db.execute_sql('SELECT "version" FROM "schema_info"').fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int) or rows[0][0] < 1:
        raise UserError("这个数据库文件的版本信息不完整，不是本程序创建的数据库，程序不会改动它。")
    return rows[0][0]


# PostgreSQL advisory lock held while one desk creates, climbs or re-checks the schema: two desks starting at
# once both replaced the trigger function, and the second failed with "tuple concurrently updated"
SCHEMA_LOCK = 0x77657175616E


def ensure_schema(db: Database, data_dir: DataDir | None) -> int:
    """Create or migrate; returns the version the database was at before (0 for a new one). On PostgreSQL
    one desk at a time (the others wait for it, then find the schema done)."""
    if is_sqlite(db):
        return _ensure_schema(db, data_dir)
    db.execute_sql("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
    try:
        return _ensure_schema(db, data_dir)
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def _ensure_schema(db: Database, data_dir: DataDir | None) -> int:
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
                db.execute_sql(
                    f'INSERT INTO "setting" ("key", "value") VALUES ({p}, {p})',
                    (STALE_DERIVED_KEY, str(target)),
                )
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
            code=code,
            effective_from=date.fromisoformat(start),
            amount=amount,
            unit=unit,
            title=title,
            basis=basis,
        )
    for list_name, grounds in (
        ("rejection", domain.REJECTION_GROUNDS),
        ("termination", domain.TERMINATION_GROUNDS),
    ):
        for position, text in enumerate(grounds, 1):
            GroundOption.create(list_name=list_name, position=position, text=text)
    for key, value in domain.SETTING_DEFAULTS.items():
        Setting.insert(key=key, value=value).on_conflict_ignore().execute()
    Setting.insert(key=NOTICES_SINCE_KEY, value=date.today().isoformat()).on_conflict_ignore().execute()


def backup_before_migration(db: Database, data_dir: DataDir, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = data_dir.backups / f"pre-migration-v{version}-{stamp}.sqlite3"
    return sqlite_backup_verified(db, dest)
