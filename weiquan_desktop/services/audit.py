"""The append-only, hash-chained audit log.

Each row's hash covers its own fields and the previous row's hash, so changing or removing a row breaks
the chain from that row on. Rows are appended inside the caller's write transaction, which holds the
database write lock, so two writers cannot both chain onto the same head.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from weiquan_desktop.models.db import lock_for_chain
from weiquan_desktop.models.schema import AuditLog

GENESIS = "0" * 64
CHAIN_LOCK = 1231500  # advisory lock key for the audit chain on PostgreSQL


def _digest(prev_hash: str, at: str, actor: str | None, action: str, entity: str | None,
            entity_id: str | None, detail: str | None) -> str:
    payload = json.dumps([prev_hash, at, actor, action, entity, entity_id, detail], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head() -> str:
    last = AuditLog.select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1).scalar()
    return last or GENESIS


def append(action: str, *, actor: str | None = None, entity: str | None = None,
           entity_id: object = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditLog:
    """Append one row; call inside a write transaction together with the change it records."""
    at = (at or datetime.now()).replace(microsecond=0)
    at_text = at.isoformat(sep=" ")
    detail_text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None
    eid = None if entity_id is None else str(entity_id)
    lock_for_chain(CHAIN_LOCK)  # two desks on a shared database never chain onto the same head
    prev = head()
    return AuditLog.create(
        at=at, actor=actor, action=action, entity=entity, entity_id=eid, detail=detail_text,
        prev_hash=prev, hash=_digest(prev, at_text, actor, action, entity, eid, detail_text),
    )


@dataclass
class ChainReport:
    rows: int
    broken_at: int | None  # id of the first row that does not verify
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify() -> ChainReport:
    prev = GENESIS
    count = 0
    query = AuditLog.select().order_by(AuditLog.id).tuples().iterator()
    for row_id, at, actor, action, entity, entity_id, detail, prev_hash, row_hash in query:
        count += 1
        at_text = at.isoformat(sep=" ") if isinstance(at, datetime) else str(at)
        if prev_hash != prev:
            return ChainReport(count, row_id, f"第 {row_id} 条记录的前序哈希与上一条不符（记录被删除或插入）")
        if _digest(prev, at_text, actor, action, entity, entity_id, detail) != row_hash:
            return ChainReport(count, row_id, f"第 {row_id} 条记录的内容与其哈希不符（记录被修改）")
        prev = row_hash
    return ChainReport(count, None, None)


def log(action: str, **kwargs: Any) -> AuditLog:
    """Append in a transaction of its own, for events that change nothing else (a print, an export)."""
    from weiquan_desktop.models import write_transaction

    with write_transaction():
        return append(action, **kwargs)
