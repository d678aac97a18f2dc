"""Opening the database: SQLite file (default) with the pragmas a front desk needs."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from peewee import (
    SQL,
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    ColumnBase,
    Database,
    DateField,
    DateTimeField,
    Expression,
    Field,
    ForeignKeyField,
    IntegerField,
    PostgresqlDatabase,
    Select,
    SqliteDatabase,
    TextField,
)
from peewee import DatabaseError as PeeweeDatabaseError

from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import database_proxy
from weiquan_desktop.paths import DataDir

# WAL lets command-line tools read while the GUI writes; synchronous=FULL because a front desk loses
# power, and a case acknowledged on screen must survive it.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 15000,
    "cache_size": -32000,
}


# What SQLite says when the disk, not the database, is the trouble, and what the clerk is told instead.
_STORAGE_ERRORS = (
    (
        "database or disk is full",
        "磁盘空间已满，无法写入数据库 {path}。刚才的操作没有保存，数据库没有改动；请清理磁盘空间后再试。",
    ),
    (
        "readonly database",
        "数据库文件 {path} 是只读的（或所在的磁盘、文件夹只读），无法保存。刚才的操作没有保存。",
    ),
    (
        "unable to open database file",
        "无法打开数据库文件 {path}：文件夹不存在、只读或没有访问权限。没有作任何改动。",
    ),
    ("disk i/o error", "读写磁盘出错（{path}），刚才的操作没有保存。请检查磁盘或U盘是否已拔出。"),
    (
        "database is locked",
        "数据库正忙（另一台电脑或另一个程序正在写入），等待后仍未完成。刚才的操作没有保存，请稍后再试。",
    ),
)


def storage_error(exc: BaseException, path: str | Path | None = None) -> UserError | None:
    """A Chinese message for a database error caused by the disk (full, read-only, gone, busy); None for
    anything else. A full disk used to be reported as a damaged database, with 60 lines of traceback."""
    text = str(exc).lower()
    where = path or (_current.database if _current is not None else "")
    for needle, message in _STORAGE_ERRORS:
        if needle in text:
            if needle == "disk i/o error" and where and _nearly_full(Path(where)):
                message = _STORAGE_ERRORS[0][1]  # SQLite says I/O error when the -shm file cannot grow
            return UserError(message.format(path=where))
    return None


def _nearly_full(path: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False


def sqlite_database(path: Path) -> SqliteDatabase:
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=15, check_same_thread=False)


_current: DataDir | None = None


_current_url: str | None = None


def current_database_url() -> str | None:
    """The ``--database`` URL of the open database (None: the SQLite file in the data folder)."""
    return _current_url


def current_data_dir() -> DataDir:
    """The data folder of the open database (attachments, backups and logs live there)."""
    if _current is None:
        raise RuntimeError("no database is open")
    return _current


def _hand_psycopg_to_peewee() -> None:
    """peewee was imported without psycopg (see weiquan_desktop/__init__.py): give it the names its
    psycopg 3 adapter would have taken at import."""
    import peewee  # the names set below are module globals the stubs do not declare

    if peewee.psycopg is not None:  # type: ignore[attr-defined]
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    peewee.psycopg, peewee.TransactionStatus, peewee.Json_pg3, peewee.Jsonb_pg3 = (  # type: ignore[attr-defined]
        psycopg,
        TransactionStatus,
        Json,
        Jsonb,
    )
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN


def postgres_database(url: str) -> PostgresqlDatabase:
    """postgresql://user:password@host:port/dbname?host=/socket/dir for a site with several desks."""
    _hand_psycopg_to_peewee()
    parts = urlparse(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return PostgresqlDatabase(
        unquote(parts.path.lstrip("/")) or "weiquan",
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=query.get("host") or parts.hostname or None,
        port=int(query.get("port") or parts.port or 5432),
        prefer_psycopg3=True,
        connect_timeout=10,
    )


def open_database(data_dir: DataDir, url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (creating or migrating as needed) the station database and bind the models to it."""
    global _current, _current_url
    from weiquan_desktop.models import migrations

    data_dir.ensure()
    _current_url = url
    if url and url.startswith(("postgresql://", "postgres://")):
        return _open_postgres(data_dir, url, migrate)
    if url and not url.startswith("sqlite"):
        raise UserError(f"不支持的数据库地址：{url}（可用本机 SQLite 文件，或 postgresql://…）")
    path = Path(url.split("://", 1)[1]) if url and "://" in url else data_dir.database
    db = sqlite_database(path)
    damaged = f"数据库文件 {path} 已损坏或不是本程序的数据库，程序没有改动它。"
    try:
        db.connect()
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:  # "file is not a database"
        raise (storage_error(exc, path) or UserError(f"{damaged}（{exc}）")) from exc
    except Exception as exc:  # unreadable file, locked folder
        raise UserError(f"无法打开数据库文件 {path}：{exc}") from exc
    database_proxy.initialize(db)
    _current = data_dir
    with contextlib.suppress(OSError):  # owner only; SQLite gives its -wal and -shm files the same mode
        os.chmod(path, 0o600)
    if migrate:
        try:
            migrations.ensure_schema(db, data_dir)
        except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
            db.close()
            raise (storage_error(exc, path) or UserError(f"{damaged}（{exc}）")) from exc
        except OSError as exc:  # the copy made before an upgrade could not be written
            db.close()
            raise UserError(f"升级数据库前无法保存备份（{exc.strerror or exc}），数据库没有改动。") from exc
        except UserError:
            db.close()
            raise
    return db


def _open_postgres(data_dir: DataDir, url: str, migrate: bool) -> Database:
    global _current
    from weiquan_desktop.models import migrations

    db = postgres_database(url)
    try:
        db.connect()
    except Exception as exc:  # server down, wrong password, no such database
        raise UserError(f"无法连接共享数据库（{url.split('@')[-1]}）：{exc}") from exc
    database_proxy.initialize(db)
    _current = data_dir
    if migrate:
        try:
            migrations.ensure_schema(db, None)
        except UserError:
            db.close()
            raise
    return db


def close_database() -> None:
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        if is_sqlite(db):
            db.execute_sql("PRAGMA optimize")  # refresh the planner's statistics where queries needed them
        db.close()


def is_sqlite(db: Database | None = None) -> bool:
    db = db if db is not None else database_proxy.obj
    return isinstance(db, SqliteDatabase)


_pending = threading.local()  # callbacks to run once the outermost write transaction has committed


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` when the current write transaction commits (at once when there is none), once however
    often it was asked for; never when it rolls back. For what must follow a commit and only a commit: the
    audit log's anchor."""
    queue = getattr(_pending, "callbacks", None)
    if queue is None:
        callback()
    elif callback not in queue:
        queue.append(callback)


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that takes the write lock at once.

    On SQLite a deferred transaction that reads and then writes can fail with SQLITE_BUSY under WAL when
    another writer got in between; BEGIN IMMEDIATE waits for the lock (busy_timeout) instead.
    """
    db = database_proxy.obj
    outermost = not db.in_transaction()
    if outermost:
        _pending.callbacks = []
    try:
        if is_sqlite(db) and outermost:
            with db.atomic("IMMEDIATE"):
                yield
        else:
            with db.atomic():
                yield
    except BaseException:
        if outermost:
            _pending.callbacks = None
        raise
    if outermost:
        callbacks, _pending.callbacks = _pending.callbacks, None
        for callback in callbacks:
            callback()


def lock_for_chain(key: int) -> None:
    """On PostgreSQL, serialise writers of a chain (the audit log) for the rest of the transaction;
    SQLite's IMMEDIATE transaction already holds the database's one write lock."""
    db = database_proxy.obj
    if not is_sqlite(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def sqlite_backup_verified(db: Database, dest: Path) -> Path:
    """Copy a live SQLite database with the backup API, check the copy, then move it into place.

    The copy is written under a temporary name and renamed only once integrity_check passed, so ``dest``
    is either a good copy or absent.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(str(tmp))
    try:
        db.connection().backup(target)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    if result != "ok":
        tmp.unlink(missing_ok=True)
        raise UserError(f"数据库备份校验失败（{result}），原数据库未作改动。")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    tmp.replace(dest)
    return dest


def id_in(column: ColumnBase, ids: Iterable[int]) -> Expression:
    """``column IN (1, 2, ...)`` with the ids written into the SQL: peewee builds a parameter object per value,
    which was half the time of an export's per-record queries. Only for integers (each is passed through
    int(), so nothing else can reach the SQL text)."""
    values = [int(i) for i in ids]
    if not values:
        return column.in_([])
    return column.in_(SQL("(" + ",".join(map(str, values)) + ")"))


def _from_iso(field: Field, parse: Callable[[str], object]) -> Callable[[object], object]:
    """SQLite's date or datetime text by ``parse`` (fromisoformat); anything else, or text it cannot read
    (another format peewee knows), by the field's own conversion."""

    def convert(value: object) -> object:
        if value.__class__ is str:
            try:
                return parse(value)
            except ValueError:
                pass
        return field.python_value(value)

    return convert


def plain_rows(query: Select, *, named: bool = False) -> Iterator[Any]:
    """The rows of a select as tuples of the fields' Python values, as ``query.tuples()`` gives them, without
    peewee's per-value conversion (a third of a 10,000-row export's own time): a value the driver already
    returns as the field's Python value passes through; SQLite's date and datetime text is read with
    fromisoformat (peewee's own conversion where that fails); any other field converts as peewee does.
    Fields only: an expression (COUNT, MIN of a date) is refused, since peewee converts it by its argument.
    ``named``: namedtuples with the fields' names, as ``query.namedtuples()``."""
    sqlite = is_sqlite()
    converters: list[Callable[[object], object] | None] = []
    for node in query.selected_columns:
        if not isinstance(node, Field):  # peewee converts an expression by its argument's field: not this
            raise TypeError(f"plain_rows selects fields only, not {node!r}")
        field = node
        plain = (AutoField, IntegerField, CharField, TextField, ForeignKeyField)
        if isinstance(field, plain) and not isinstance(field, BigIntegerField):
            converters.append(None)
        elif isinstance(field, BooleanField):
            converters.append(None if not sqlite else bool)
        elif isinstance(field, DateTimeField):
            converters.append(_from_iso(field, datetime.fromisoformat) if sqlite else None)
        elif isinstance(field, DateField):
            converters.append(_from_iso(field, date.fromisoformat) if sqlite else None)
        else:
            converters.append(field.python_value)
    pairs = [(i, c) for i, c in enumerate(converters) if c is not None]
    shape: Any = namedtuple("Row", [node.name for node in query.selected_columns]) if named else tuple
    make: Callable[[list], Any] = shape._make if named else shape
    sql, params = query.sql()
    cursor = database_proxy.obj.execute_sql(sql, params)
    try:
        while batch := cursor.fetchmany(500):
            for raw in batch:
                row = list(raw)
                for i, convert in pairs:
                    if row[i] is not None:
                        row[i] = convert(row[i])
                yield make(row)
    finally:
        cursor.close()
