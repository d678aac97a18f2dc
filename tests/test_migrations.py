"""The migration ladder, climbed from real old station databases (tests/fixtures, made by the program of
that version: see make_schema_fixtures.py), on the backend of this run (SQLite, or PostgreSQL when
WEIQUAN_TEST_PG is set).

After the climb the database must be exactly what today's program would have made (tables, columns,
indexes, triggers), every old row must still be there, the derived columns must be what today's code
computes, and the program must work on it as before: log in, number the next case, verify the audit chain.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from weiquan_desktop.models import close_database, database_proxy
from weiquan_desktop.models.migrations import SCHEMA_VERSION, STALE_DERIVED_KEY
from weiquan_desktop.models.schema import Record, SchemaInfo, Setting
from weiquan_desktop.paths import DataDir

FIXTURES = Path(__file__).parent / "fixtures"
OLD_VERSIONS = (1, 2, 3)
DERIVED = ("search_text", "next_due", "due_label", "due_estimated")


def _load(version: int, data_dir: DataDir, pg_url: str | None) -> None:
    if pg_url is None:
        conn = sqlite3.connect(data_dir.database)
        conn.executescript((FIXTURES / f"v{version}.sqlite.sql").read_text(encoding="utf-8"))
        conn.close()
        return
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute((FIXTURES / f"v{version}.postgres.sql").read_text(encoding="utf-8"))


def _rows(db) -> dict[str, list[dict]]:
    """Every table's rows as dicts, in primary-key order."""
    out = {}
    for table in db.get_tables():
        if table.startswith("sqlite_"):  # the planner's statistics
            continue
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        key = "id" if "id" in names else names[0]
        out[table] = sorted(rows, key=lambda r, key=key: str(r[key]))
    return out


def _schema(db) -> dict:
    """Tables with their columns, index definitions and trigger names, as the backend reports them."""
    if database_proxy.obj.__class__.__name__.startswith("Sqlite"):
        tables = {
            t: sorted((c[1], c[2].upper(), c[3], c[5]) for c in db.execute_sql(f'PRAGMA table_info("{t}")'))
            for t in db.get_tables()
            if not t.startswith("sqlite_")
        }  # (name, type, not null, primary key)
        indexes = sorted(
            r
            for r in db.execute_sql(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchall()
        )
        triggers = sorted(
            db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        )
        return {"tables": tables, "indexes": indexes, "triggers": triggers}
    columns = db.execute_sql(
        "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "ORDER BY table_name, column_name"
    ).fetchall()
    indexes = db.execute_sql(
        "SELECT indexname, tablename, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema() ORDER BY indexname"
    ).fetchall()
    triggers = db.execute_sql(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal ORDER BY t.tgname"
    ).fetchall()
    return {"columns": columns, "indexes": indexes, "triggers": triggers}


def _assert_same_schema(migrated: dict, fresh: dict) -> None:
    """Say which table, column, index or trigger differs (a bare dict comparison hides it)."""
    for part in fresh:
        if part == "tables":
            for table in sorted(set(fresh[part]) | set(migrated[part])):
                assert migrated[part].get(table) == fresh[part].get(table), (
                    table,
                    set(migrated[part].get(table) or ()) ^ set(fresh[part].get(table) or ()),
                )
        else:
            assert sorted(migrated[part]) == sorted(fresh[part]), (
                part,
                set(migrated[part]) ^ set(fresh[part]),
            )


def _open_raw(data_dir: DataDir, url: str | None):
    """The old database as it is, before anything migrates it."""
    from weiquan_desktop.models.db import postgres_database, sqlite_database

    db = sqlite_database(data_dir.database) if url is None else postgres_database(url)
    db.connect()
    return db


@pytest.fixture
def fresh_schema(tmp_path, empty_pg):
    """What today's program creates in an empty database."""
    from weiquan_desktop.services.session import open_session

    db = open_session(DataDir(tmp_path / "fresh").ensure(), empty_pg)
    schema = _schema(db)
    close_database()
    return schema


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_an_old_station_database_climbs_to_the_newest_version(
    version, tmp_path, empty_pg, fresh_schema, request
):
    from weiquan_desktop.services import audit, auth, deadlines, health, intake
    from weiquan_desktop.services.session import open_session
    from weiquan_desktop.text import record_search_text

    old = DataDir(tmp_path / "old").ensure()
    url = None if empty_pg is None else request.getfixturevalue("new_pg")()  # fresh_schema took the first
    _load(version, old, url)
    raw = _open_raw(old, url)
    before = _rows(raw)
    assert raw.execute_sql('SELECT "version" FROM "schema_info"').fetchone()[0] == version
    raw.close()

    db = open_session(old, url)
    try:
        assert SchemaInfo.select(SchemaInfo.version).scalar() == SCHEMA_VERSION
        assert not Setting.select().where(Setting.key == STALE_DERIVED_KEY).exists()
        _assert_same_schema(_schema(db), fresh_schema)

        after = _rows(db)
        assert set(before) <= set(after)
        # the lists a station may edit, which the fixture never did, are today's defaults (Order 121 wording)
        from weiquan_desktop import domain

        rules = {
            (r["code"], str(r["effective_from"]), r["amount"], r["unit"], r["title"], r["basis"])
            for r in after["time_limit_rule"]
        }
        assert rules == set(domain.TIME_LIMIT_DEFAULTS)
        grounds = {(g["list_name"], g["position"], g["text"]) for g in after["ground_option"]}
        assert grounds == {("rejection", i, t) for i, t in enumerate(domain.REJECTION_GROUNDS, 1)} | {
            ("termination", i, t) for i, t in enumerate(domain.TERMINATION_GROUNDS, 1)
        }
        for table, rows in before.items():
            if table in ("schema_info", "time_limit_rule", "ground_option"):
                continue
            if table == "setting":  # the program adds its own bookkeeping rows
                assert all(row in after[table] for row in rows)
                continue
            derived = DERIVED if table == "record" else ()  # rebuilt by today's code, checked below
            kept = [
                {k: row[k] for k in old_row if k not in derived}
                for row, old_row in zip(after[table], rows, strict=True)
            ]
            assert kept == [{k: v for k, v in r.items() if k not in derived} for r in rows], (
                f"rows of {table} changed"
            )

        book = deadlines.RuleBook()
        records = list(Record.select())
        assert len(records) == 120
        for record in records:
            assert record.search_text == record_search_text(record)
            expected = Record.get_by_id(record.id)
            deadlines.refresh(expected, book)
            assert (record.next_due, record.due_label, record.due_estimated) == (
                expected.next_due,
                expected.due_label,
                expected.due_estimated,
            ), record.case_no
        assert any(r.next_due is not None for r in records)
        from test_duty_table import _assert_agrees

        _assert_agrees()  # the stored duties (v4) as computed afresh, and the report's counts of them

        head = auth.authenticate("wangjg", "Station-2026!")
        assert audit.verify().ok
        latest = max(r.case_no for r in records if r.case_no.startswith("WXH01-2026-"))
        new = intake.register(
            intake.IntakeForm(
                kind="投诉",
                source="来访",
                complainant_name="赵敏",
                phone="13812345678",
                respondent_name="优衣库",
                category="服装鞋帽类",
                nature="质量",
                facts="羽绒服跑绒。",
                demands=["退货"],
                received_at=datetime(2026, 11, 30, 10, 0),
            ),
            head,
        )
        assert new.case_no == f"WXH01-2026-{int(latest.rsplit('-', 1)[1]) + 1:05d}"
        assert audit.verify().ok
        report = health.check(old)
        assert report.ok, report.problems
    finally:
        close_database()
    if url is None:  # the verified copy made before the first step, still at the old version
        (copy,) = (
            old.backups.glob(f"pre-migration-v{version}-*.sqlite3") if version < SCHEMA_VERSION else (None,)
        )
        if copy is not None:
            conn = sqlite3.connect(copy)
            assert conn.execute("SELECT version FROM schema_info").fetchone()[0] == version
            assert conn.execute("SELECT COUNT(*) FROM record").fetchone()[0] == 120
            conn.close()
