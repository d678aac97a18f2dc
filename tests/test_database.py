import sqlite3
from datetime import datetime
from decimal import Decimal

import pytest
from peewee import IntegrityError, fn

from weiquan_desktop.errors import UserError
from weiquan_desktop.models import close_database, open_database, write_transaction
from weiquan_desktop.models.migrations import SCHEMA_VERSION
from weiquan_desktop.models.schema import AuditLog, Record, SchemaInfo, database_proxy
from weiquan_desktop.services import demo, numbering, station


@pytest.mark.sqlite_only
def test_sqlite_file_uses_wal_full_sync_and_foreign_keys(db, data_dir):
    assert data_dir.database.is_file()
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    # the mode is stored in the file: another connection sees it too
    other = sqlite3.connect(data_dir.database)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def _record(case_no: str, **extra) -> dict:
    row = {
        "case_no": case_no,
        "kind": "投诉",
        "source": "来访",
        "state": "待受理",
        "received_at": datetime(2026, 3, 2, 10, 0),
    }
    row.update(extra)
    return row


def test_case_numbers_are_gapless_when_an_insert_fails(db):
    station.save_profile(demo.DEMO_PROFILE)
    with write_transaction():
        (first,) = numbering.allocate("WXH01", 2026)
        Record.create(**_record(first))
    assert first == "WXH01-2026-00001"
    with pytest.raises(IntegrityError), write_transaction():
        (second,) = numbering.allocate("WXH01", 2026)
        Record.create(**_record(first))  # duplicate number: the whole transaction rolls back
    with write_transaction():
        (again,) = numbering.allocate("WXH01", 2026)
    assert again == "WXH01-2026-00002"
    with write_transaction():
        assert numbering.allocate("WXH01", 2027) == ["WXH01-2027-00001"]


def test_money_is_exact(db):
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("1234567.89"), Decimal("0.01")]
    with write_transaction():
        for i, amount in enumerate(amounts):
            Record.create(**_record(f"T-2026-{i:05d}", amount=amount))
    stored = [r.amount for r in Record.select().order_by(Record.id)]
    assert stored == amounts
    total_fen = Record.select(fn.SUM(Record.amount).coerce(False)).scalar()
    assert total_fen == 123456820  # 1,234,568.20 yuan in fen, exact


@pytest.mark.sqlite_only
def test_refuses_a_database_from_a_newer_program(db, data_dir):
    SchemaInfo.update(version=SCHEMA_VERSION + 1).execute()
    close_database()
    before = data_dir.database.read_bytes()
    with pytest.raises(UserError, match="请先升级程序"):
        open_database(data_dir)
    close_database()
    assert data_dir.database.read_bytes() == before


@pytest.mark.sqlite_only
def test_refuses_a_foreign_sqlite_file_and_leaves_it_alone(tmp_path):
    from weiquan_desktop.paths import DataDir

    data_dir = DataDir(tmp_path / "foreign").ensure()
    conn = sqlite3.connect(data_dir.database)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="不是本程序创建的"):
        open_database(data_dir)
    close_database()
    conn = sqlite3.connect(data_dir.database)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["customers"]
    conn.close()


@pytest.mark.sqlite_only
def test_a_garbage_file_gives_a_clear_message(tmp_path):
    from weiquan_desktop.paths import DataDir

    data_dir = DataDir(tmp_path / "garbage").ensure()
    data_dir.database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError, match="已损坏或不是本程序的数据库"):
        open_database(data_dir)
    close_database()


def test_audit_log_is_append_only(db):
    from weiquan_desktop.services import audit

    with write_transaction():
        audit.append("test.one", actor="王建国", detail={"a": 1})
        audit.append("test.two", actor="王建国")
    assert audit.verify().ok
    with pytest.raises(Exception, match="append-only"):
        AuditLog.update(actor="别人").execute()
    with pytest.raises(Exception, match="append-only"):
        AuditLog.delete().execute()
    assert AuditLog.select().count() == 2


def test_demo_data_is_realistic_and_consistent(demo_db):
    kinds = dict(Record.select(Record.kind, fn.COUNT(Record.id)).group_by(Record.kind).tuples())
    assert set(kinds) == {"咨询", "投诉", "举报", "建议"}
    complaint_states = {
        s for (s,) in Record.select(Record.state).where(Record.kind == "投诉").distinct().tuples()
    }
    assert {"已和解", "调解中", "不予受理"} <= complaint_states
    # every closed complaint has a closing time, no open one has; nothing is received in the future
    closing = ("已和解", "调解终止", "已撤回", "已移交", "不予受理")
    assert (
        not Record.select()
        .where(Record.kind == "投诉", Record.state.in_(closing), Record.closed_at.is_null())
        .exists()
    )
    assert (
        not Record.select()
        .where(Record.state.in_(("待受理", "调解中")), Record.closed_at.is_null(False))
        .exists()
    )
    assert not Record.select().where(Record.received_at > datetime.now()).exists()
    assert not Record.select().where(Record.closed_at < Record.received_at).exists()
    # case numbers are unique and gapless per year
    for (year,) in Record.select(fn.SUBSTR(Record.case_no, 7, 4)).distinct().tuples():
        numbers = sorted(
            int(c.rsplit("-", 1)[1])
            for (c,) in Record.select(Record.case_no).where(Record.case_no.contains(f"-{year}-")).tuples()
        )
        assert numbers == list(range(1, len(numbers) + 1))
    assert database_proxy.obj is demo_db


def test_plain_rows_give_what_peewee_gives_for_every_kind_of_field(demo_db):
    """The export's fast reader (models.db.plain_rows) against peewee's own conversion, value by value and
    type by type, over every column of every record and staff member, a datetime with microseconds, a
    date-only text in a datetime column and money; on SQLite and PostgreSQL alike."""
    from weiquan_desktop.models.db import plain_rows
    from weiquan_desktop.models.schema import Staff

    first = Record.select(Record.id).order_by(Record.id).limit(1).scalar()
    Record.update(updated_at=datetime(2026, 11, 30, 9, 15, 2, 123456)).where(Record.id == first).execute()
    if database_proxy.obj.__class__.__name__.startswith("Sqlite"):  # text peewee parses by its other format
        database_proxy.obj.execute_sql("UPDATE record SET created_at = '2026-11-30' WHERE id = ?", (first,))
    for query in (
        Record.select(*Record._meta.sorted_fields).order_by(Record.id),
        Record.select(Record.id, Staff.name, Record.amount, Record.received_at).join(
            Staff, on=(Record.handler == Staff.id)
        ),
    ):
        expected = list(query.tuples())
        got = list(plain_rows(query))
        assert len(got) == len(expected) > 100
        for mine, theirs in zip(got, expected, strict=True):
            assert mine == theirs
            assert [type(v) for v in mine] == [type(v) for v in theirs]
    with pytest.raises(TypeError):
        list(plain_rows(Record.select(fn.COUNT(Record.id))))


def test_plain_rows_as_namedtuples_match_peewees(demo_db):
    from weiquan_desktop.models.db import plain_rows
    from weiquan_desktop.models.schema import CaseNotice, MediationSession, SettlementTerm

    for model in (SettlementTerm, MediationSession, CaseNotice):
        query = model.select().order_by(model.id)
        expected, got = list(query.namedtuples()), list(plain_rows(query, named=True))
        assert got and [r._asdict() for r in got] == [r._asdict() for r in expected]
