"""The audit log's anchor: where the chain stood, kept outside the database.

The hash chain shows a row changed or removed in the middle, but not rows cut off at the end, a whole chain
recomputed, or rows added by someone who can compute the hashes. So after every committed change the program
writes where the chain stands (the newest row's number and hash, the newest history row, the case-number
counters) to ``anchor.json`` in the data folder and to the log; each backup's manifest carries the anchor of
its copy, and printed reports carry the chain's head and length. ``check`` compares the database with the
newest anchor; a database behind its anchor (a -wal file lost after a crash) also has its case-number counters
put back ahead, so no number is handed out twice.

On PostgreSQL several desks append to one chain; each desk checks its own anchor's rows.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from peewee import Function

from weiquan_desktop.models.db import current_data_dir, is_sqlite
from weiquan_desktop.models.schema import AuditLog, BaseModel, CaseSequence, RecordEvent
from weiquan_desktop.paths import DataDir

log = logging.getLogger(__name__)
ANCHOR_FILE = "anchor.json"


@dataclass
class Anchor:
    audit_id: int
    audit_hash: str
    events: int  # the newest record_event id
    events_hash: str = ""  # and its hash (rows from before v3 have none)
    sequences: dict[str, int] = field(default_factory=dict)  # year -> last case number
    at: str = ""
    since: str = (
        ""  # a restore started a new line of history at this time: older backups' anchors no longer bind
    )
    source: str = ""  # where this anchor was read from, for messages

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("source")
        return data

    @classmethod
    def from_json(cls, data: dict, source: str) -> Anchor:
        return cls(
            int(data["audit_id"]),
            str(data["audit_hash"]),
            int(data.get("events", 0)),
            str(data.get("events_hash") or ""),
            {str(k): int(v) for k, v in (data.get("sequences") or {}).items()},
            str(data.get("at", "")),
            str(data.get("since", "")),
            source,
        )


def current() -> Anchor:
    """Where the chain of the open database stands now."""
    last = AuditLog.select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).limit(1).tuples().first()
    newest = (
        RecordEvent.select(RecordEvent.id, RecordEvent.hash)
        .order_by(RecordEvent.id.desc())
        .limit(1)
        .tuples()
        .first()
    )
    sequences = {
        str(year): last_no
        for year, last_no in CaseSequence.select(CaseSequence.year, CaseSequence.last).tuples()
    }
    audit_id, audit_hash = last if last else (0, "")
    events, events_hash = newest if newest else (0, "")
    return Anchor(
        audit_id,
        audit_hash,
        events,
        events_hash or "",
        sequences,
        datetime.now().replace(microsecond=0).isoformat(),
    )


def path_of(data_dir: DataDir) -> Path:
    return data_dir.root / ANCHOR_FILE


def save(data_dir: DataDir | None = None, *, since: str | None = None) -> Anchor:
    """Write the open database's anchor (after a commit; no fsync: the database itself is the durable copy,
    and an anchor behind the database is harmless)."""
    from weiquan_desktop.fileio import atomic_write

    data_dir = data_dir or current_data_dir()
    anchor = current()
    previous = read(data_dir)
    anchor.since = since if since is not None else (previous.since if previous else "")
    with atomic_write(path_of(data_dir), durable=False) as tmp:
        tmp.write_text(json.dumps(anchor.to_json(), ensure_ascii=False), encoding="utf-8")
    log.info("audit anchor #%d %s", anchor.audit_id, anchor.audit_hash[:16])
    return anchor


def schedule() -> None:
    """Called by audit.append inside a write transaction: the anchor follows the commit."""
    from weiquan_desktop.models.db import after_commit

    after_commit(_save_current)


def _save_current() -> None:
    try:
        save()
    except Exception:  # noqa: BLE001 - the change is committed; a missing anchor only weakens a later check
        log.exception("could not write the audit anchor")


def read(data_dir: DataDir) -> Anchor | None:
    try:
        return Anchor.from_json(
            json.loads(path_of(data_dir).read_text(encoding="utf-8")), "数据文件夹中的记录"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def known(data_dir: DataDir) -> list[Anchor]:
    """Every anchor the data folder holds: its own file and each backup's manifest; those older than a
    restore (which began a new line of history) are left out."""
    from weiquan_desktop.services import backup

    own = read(data_dir)
    found = [own] if own else []
    for archive in backup.archives(data_dir):
        try:
            manifest = backup.read_manifest(archive)
            data = manifest.get("anchor")
            if data:
                found.append(Anchor.from_json(data, f"备份 {archive.name}"))
        except Exception:  # noqa: BLE001 - a damaged backup is reported by the backup check, not here
            continue
    since = own.since if own else ""
    return [a for a in found if not since or a is own or a.at >= since]


def check(data_dir: DataDir, *, unclean: bool = False) -> list[str]:
    """What the database lacks or has beyond its anchors, in Chinese; empty when it agrees."""
    anchors = known(data_dir)
    problems: list[str] = []
    sqlite = is_sqlite()
    if sqlite:
        for model, label in ((AuditLog, "审计日志"), (RecordEvent, "办理记录")):
            count, top = model.select(_count(model), _max(model)).tuples().get()
            if count != (top or 0):
                problems.append(f"{label}中有 {int(top or 0) - count} 条记录被删除（编号不连续）")
    if not anchors:
        return problems
    top_audit = AuditLog.select(_max(AuditLog)).scalar() or 0
    top_event = RecordEvent.select(_max(RecordEvent)).scalar() or 0
    for anchor in sorted(anchors, key=lambda a: a.audit_id, reverse=True):
        if anchor.audit_id == 0:
            continue
        row_hash = AuditLog.select(AuditLog.hash).where(AuditLog.id == anchor.audit_id).scalar()
        if row_hash is None:
            problems.append(
                f"审计日志只到第 {top_audit} 条，而{anchor.source}（{anchor.at}）已到第 {anchor.audit_id} 条："
                "最近保存的内容不在数据库中（可能在断电后丢失，或被人删除）"
            )
            break
        if row_hash != anchor.audit_hash:
            problems.append(
                f"审计日志第 {anchor.audit_id} 条与{anchor.source}（{anchor.at}）记录的不符：审计日志被改写"
            )
            break
        if anchor.events:
            event_hash = (
                RecordEvent.select(RecordEvent.hash).where(RecordEvent.id == anchor.events).tuples().first()
            )
            if event_hash is None:
                problems.append(
                    f"办理记录只到第 {top_event} 条，而{anchor.source}已到第 {anchor.events} 条：有办理记录丢失或被删除"
                )
                break
            if anchor.events_hash and event_hash[0] != anchor.events_hash:
                problems.append(f"办理记录第 {anchor.events} 条与{anchor.source}记录的不符：办理记录被改写")
                break
    own = read(data_dir)
    if sqlite and own is not None and top_audit > own.audit_id and not problems:
        extra = top_audit - own.audit_id
        note = (
            "（上次程序没有正常退出，可能是最后一次保存后来不及记录）"
            if unclean
            else "：可能有人在程序之外改动了数据库"
        )
        problems.append(f"审计日志最后 {extra} 条（第 {own.audit_id + 1} 条起）不是本程序记录的{note}")
    return problems


def keep_numbers_ahead(data_dir: DataDir) -> list[str]:
    """Put each year's case-number counter back ahead of the anchors: numbers handed out before a loss are
    never handed out again. Returns what was done, for the log and the user."""
    from weiquan_desktop.models import write_transaction

    done: list[str] = []
    wanted: dict[str, int] = {}
    for anchor in known(data_dir):
        for year, last_no in anchor.sequences.items():
            wanted[year] = max(wanted.get(year, 0), last_no)
    if not wanted:
        return done
    with write_transaction():
        for year, last_no in wanted.items():
            have = CaseSequence.select(CaseSequence.last).where(CaseSequence.year == int(year)).scalar()
            if have is None or have < last_no:
                CaseSequence.insert(year=int(year), last=last_no).on_conflict(
                    conflict_target=[CaseSequence.year], update={CaseSequence.last: last_no}
                ).execute()
                done.append(f"{year} 年的案件编号已接续到 {last_no} 之后，已发出的编号不会重复使用")
    return done


def _count(model: type[BaseModel]) -> Function:
    from peewee import fn

    return fn.COUNT(model.id)


def _max(model: type[BaseModel]) -> Function:
    from peewee import fn

    return fn.MAX(model.id)


def head_line() -> str:
    """For printed reports and exports: the chain's length and head."""
    anchor = current()
    return f"审计日志至第 {anchor.audit_id} 条，链头 {anchor.audit_hash[:16] or '（空）'}"
