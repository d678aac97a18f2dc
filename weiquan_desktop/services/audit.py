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


def _digest(
    prev_hash: str,
    at: str,
    actor: str | None,
    action: str,
    entity: str | None,
    entity_id: str | None,
    detail: str | None,
) -> str:
    payload = json.dumps(
        [prev_hash, at, actor, action, entity, entity_id, detail], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head() -> str:
    last = AuditLog.select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1).scalar()
    return last or GENESIS


def append(
    action: str,
    *,
    actor: str | None = None,
    entity: str | None = None,
    entity_id: object = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditLog:
    """Append one row; call inside a write transaction together with the change it records."""
    at = (at or datetime.now()).replace(microsecond=0)
    at_text = at.isoformat(sep=" ")
    detail_text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None
    eid = None if entity_id is None else str(entity_id)
    lock_for_chain(CHAIN_LOCK)  # two desks on a shared database never chain onto the same head
    prev = head()
    row = AuditLog.create(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=eid,
        detail=detail_text,
        prev_hash=prev,
        hash=_digest(prev, at_text, actor, action, entity, eid, detail_text),
    )
    from weiquan_desktop.services import anchor  # the anchor reads backups, which write this log

    anchor.schedule()
    return row


@dataclass
class ChainReport:
    rows: int
    broken_at: int | None  # id of the first row that does not verify
    reason: str | None
    anchored: list[str] | None = None  # what the anchors kept outside the database disagree with

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.anchored


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


# --- each record's history, chained the same way ------------------------------------------------------

EVENT_LOCK = 1231501


def event_digest(
    prev_hash: str,
    record_id: int,
    at: str,
    staff_id: int | None,
    actor: str | None,
    action: str,
    from_state: str | None,
    to_state: str | None,
    detail: str | None,
) -> str:
    payload = json.dumps(
        [prev_hash, record_id, at, staff_id, actor, action, from_state, to_state, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_event(
    record_id: int,
    action: str,
    *,
    staff_id: int | None,
    actor: str | None,
    at: datetime,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: str | None = None,
) -> Any:
    """One row of a record's history, chained onto the newest; inside the caller's write transaction."""
    from weiquan_desktop.models.schema import RecordEvent

    at = at.replace(microsecond=0)
    lock_for_chain(EVENT_LOCK)
    prev = (
        RecordEvent.select(RecordEvent.hash)
        .where(RecordEvent.hash.is_null(False))
        .order_by(RecordEvent.id.desc())
        .limit(1)
        .scalar()
    ) or GENESIS
    return RecordEvent.create(
        record=record_id,
        at=at,
        staff=staff_id,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        detail=detail,
        prev_hash=prev,
        hash=event_digest(
            prev, record_id, at.isoformat(sep=" "), staff_id, actor, action, from_state, to_state, detail
        ),
    )


def verify_events() -> ChainReport:
    """The history chain: rows from before v3 (no hash) first, then every row chained onto the one before."""
    from weiquan_desktop.models.schema import RecordEvent

    prev = GENESIS
    count = 0
    chained = False
    query = (
        RecordEvent.select(
            RecordEvent.id,
            RecordEvent.record,
            RecordEvent.at,
            RecordEvent.staff,
            RecordEvent.actor,
            RecordEvent.action,
            RecordEvent.from_state,
            RecordEvent.to_state,
            RecordEvent.detail,
            RecordEvent.prev_hash,
            RecordEvent.hash,
        )
        .order_by(RecordEvent.id)
        .tuples()
        .iterator()
    )
    for (
        row_id,
        record_id,
        at,
        staff_id,
        actor,
        action,
        from_state,
        to_state,
        detail,
        prev_hash,
        row_hash,
    ) in query:
        count += 1
        if row_hash is None:
            if chained:
                return ChainReport(count, row_id, f"办理记录第 {row_id} 条没有校验值（记录被插入或改动）")
            continue
        chained = True
        at_text = at.isoformat(sep=" ") if isinstance(at, datetime) else str(at)
        if prev_hash != prev:
            return ChainReport(
                count, row_id, f"办理记录第 {row_id} 条的前序哈希与上一条不符（记录被删除或插入）"
            )
        if (
            event_digest(prev, record_id, at_text, staff_id, actor, action, from_state, to_state, detail)
            != row_hash
        ):
            return ChainReport(count, row_id, f"办理记录第 {row_id} 条的内容与其哈希不符（记录被修改）")
        prev = row_hash
    return ChainReport(count, None, None)


def log(action: str, **kwargs: Any) -> AuditLog:
    """Append in a transaction of its own, for events that change nothing else (a print, an export)."""
    from weiquan_desktop.models import write_transaction

    with write_transaction():
        return append(action, **kwargs)


# --- reading the log, for the heads ------------------------------------------------------------------

ACTION_LABELS = {
    "activity.save": "保存宣传培训活动",
    "attachment.add": "添加附件",
    "backup": "备份",
    "business.create": "新增商户",
    "calendar.remove": "删除节假日",
    "calendar.set": "设置节假日",
    "calendar.notice": "导入放假通知",
    "demo.generate": "生成演示数据",
    "ledger.export": "导出台账",
    "ledger.import": "导入台账",
    "login": "登录",
    "login.failed": "登录失败",
    "mediation.pause": "暂停调解计时",
    "mediation.resume": "恢复调解计时",
    "mediation.session": "记录调解",
    "print": "打印文书",
    "record.create": "登记",
    "record.delete": "删除记录",
    "record.state": "办理状态变更",
    "record.update": "修改登记",
    "record.visit": "回访",
    "record.event": "记录办理情况",
    "referral.feedback": "移交反馈",
    "report.export": "导出报表",
    "report.snapshot": "报送报表",
    "restore": "从备份恢复",
    "retention.anonymise": "去标识化",
    "reveal": "查看完整个人信息",
    "rule.save": "修改办理时限",
    "settings.change": "修改设置",
    "staff.deactivate": "停用工作人员",
    "staff.save": "保存工作人员",
    "staff.training": "登记培训",
    "station.body": "保存辖区机构",
    "station.create": "创建站点",
    "station.update": "修改站点信息",
    "station.wuyou": "保存五有",
    "transfer.feedback": "转办反馈",
    "user.create": "新增账号",
    "user.password": "修改密码",
    "document.save": "保存文书",
    "record.notice": "告知与联系",
    "record.major": "报告群体性或重大投诉",
    "record.handover_note": "说明不移交原因",
}
ENTITY_LABELS = {
    "record": "案件",
    "staff": "工作人员",
    "station": "站点",
    "business": "商户",
    "body": "机构",
    "holiday": "节假日",
    "time_limit_rule": "办理时限",
    "setting": "设置",
    "referral": "移交单",
    "activity": "活动",
    "report_snapshot": "报表",
    "coordinator_filing": "备案",
}
DETAIL_LABELS = {
    "from": "原状态",
    "to": "新状态",
    "before": "原值",
    "after": "新值",
    "name": "名称",
    "records": "条数",
    "seed": "随机种子",
}


@dataclass
class Entry:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


def readable_detail(detail: str | None) -> str:
    """The JSON detail as a clerk reads it: 键：值, and a change as 原 → 新."""
    if not detail:
        return ""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return str(data)
    if "from" in data and "to" in data:
        rest = {k: v for k, v in data.items() if k not in ("from", "to")}
        head = f"{data['from']} → {data['to']}"
        return "；".join([head, *(f"{DETAIL_LABELS.get(k, k)}：{_value(v)}" for k, v in rest.items())])
    if "before" in data and "after" in data and len(data) <= 3:
        return f"{_value(data['before'])} → {_value(data['after'])}"
    return "；".join(f"{DETAIL_LABELS.get(k, k)}：{_value(v)}" for k, v in data.items())


def _value(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:  # [old, new] of a changed field
        return f"{_value(value[0]) or '（空）'} → {_value(value[1]) or '（空）'}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{k} {_value(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def entries(actor: Any, limit: int = 1000) -> list[Entry]:
    """The newest rows, readable; only for those who may read the log."""
    from weiquan_desktop.services import auth  # auth writes into this log: imported here, not at the top

    auth.require(actor, "audit_view")
    out = []
    for row in AuditLog.select().order_by(AuditLog.id.desc()).limit(limit):
        subject = f"{ENTITY_LABELS.get(row.entity or '', row.entity or '')} {row.entity_id or ''}".strip()
        out.append(
            Entry(
                row.id,
                row.at,
                row.actor or "系统",
                ACTION_LABELS.get(row.action, row.action),
                subject,
                readable_detail(row.detail),
            )
        )
    return out
