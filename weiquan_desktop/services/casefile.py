"""A case as people read it: labelled fields by section, its history and its files.

One place for the labels and the masking, shared by the detail view and the printed intake record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from weiquan_desktop import domain
from weiquan_desktop.domain import Kind
from weiquan_desktop.models.schema import Attachment, Record, RecordEvent, Staff
from weiquan_desktop.privacy import mask_address, mask_id, mask_name, mask_phone
from weiquan_desktop.services import duties
from weiquan_desktop.services.actor import Actor, name_of

Section = tuple[str, list[tuple[str, str]]]


def _text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f} 元"
    return str(value)


def person_fields(record: Record, masked: bool) -> list[tuple[str, str]]:
    if record.anonymous:
        return [("姓名", "匿名")]
    m = masked
    rows = [
        ("姓名", mask_name(record.complainant_name) if m else _text(record.complainant_name)),
        ("联系电话", mask_phone(record.phone) if m else _text(record.phone)),
        ("证件类型", _text(record.id_type)),
        ("证件号码", mask_id(record.id_number) if m else _text(record.id_number)),
        ("联系地址", mask_address(record.address) if m else _text(record.address)),
    ]
    if record.agent_name:
        rows += [
            ("代理人", mask_name(record.agent_name) if m else record.agent_name),
            ("代理人证件号码", mask_id(record.agent_id_number) if m else _text(record.agent_id_number)),
            ("授权委托", _text(record.agent_authorisation)),
        ]
    return rows


def sections(record: Record, masked: bool = True) -> list[Section]:
    handler = Staff.get_or_none(Staff.id == record.handler_id) if record.handler_id else None
    who = domain.PARTY_LABELS.get(record.kind, "消费者")
    out: list[Section] = [
        (
            "登记",
            [
                ("编号", record.case_no),
                ("类型", record.kind),
                ("来源", record.source),
                ("登记时间", _text(record.received_at)),
                ("状态", record.state),
                ("转办编号", _text(record.external_no)),
                ("群体性", _text(record.is_group)),
                ("经办人", handler.name if handler else ""),
            ],
        ),
        (who, person_fields(record, masked)),
    ]
    if record.kind in (Kind.COMPLAINT, Kind.REPORT):
        out.append(
            (
                "被投诉方" if record.kind == Kind.COMPLAINT else "被举报方",
                [("名称", _text(record.respondent_name)), ("地点/铺位", _text(record.place))],
            )
        )
    if record.kind == Kind.COMPLAINT:
        out.append(
            (
                "商品或服务",
                [
                    ("商品服务大类", _text(record.category)),
                    ("商品服务名称", _text(record.item)),
                    ("问题性质", _text(record.nature)),
                    ("购买日期", _text(record.purchase_date)),
                    ("涉及金额", _text(record.amount)),
                ],
            )
        )
    label = domain.CONTENT_LABELS.get(record.kind, "事实与理由")
    content = [(label, _text(record.facts))]
    if record.kind == Kind.REPORT:
        content.append(("具体线索", _text(record.clues)))
    if record.kind == Kind.COMPLAINT:
        content.append(("诉求", _text(record.demands)))
    if record.kind == Kind.CONSULTATION:
        content += [("答复", _text(record.answer)), ("约定答复时间", _text(record.reply_due))]
    out.append(("内容", content))
    handling = [
        ("受理决定", _text(record.decision)),
        ("受理决定时间", _text(record.decided_at)),
        ("不予受理理由", _text(record.rejection_ground)),
        ("终止调解理由", _text(record.termination_ground)),
        ("和解内容", _text(record.settlement)),
        ("挽回经济损失", _text(record.recovered_amount)),
        ("加倍赔偿金额", _text(record.punitive_amount)),
        ("办结时间", _text(record.closed_at)),
        ("满意度", _text(record.satisfaction)),
    ]
    if record.next_due:
        handling.insert(
            0,
            (
                "下一期限",
                f"{record.due_label} {record.next_due.isoformat()}"
                + ("（估算）" if record.due_estimated else ""),
            ),
        )
    out.append(("办理", [(k, v) for k, v in handling if v]))
    owed = duties.for_record(record)
    if owed:  # every clock of the case: kept, late, still running or paused
        out.append(
            (
                "期限与告知",
                [(duties.LABELS[d.code] + (f"（{d.about}）" if d.about else ""), d.text()) for d in owed],
            )
        )
    if record.remark:
        out.append(("备注", [("备注", record.remark)]))
    return out


def sections_for(
    record_id: int, actor: Actor | None, *, reveal: bool = False, first_reveal: bool = True
) -> list[Section]:
    """The case's sections as ``actor`` may read them: masked, or in full for those allowed to reveal. The
    first reveal of a case in a dialog is recorded in the audit log (its refreshes are not)."""
    from weiquan_desktop.services import audit, auth

    record = Record.get_by_id(record_id)
    if reveal:
        auth.require(actor, "reveal")
        if first_reveal:
            audit.log("reveal", actor=name_of(actor), entity="record", entity_id=record.case_no)
    return sections(record, masked=not reveal)


@dataclass
class EventRow:
    at: datetime
    actor: str
    action: str
    change: str
    detail: str


def events(record_id: int) -> list[EventRow]:
    rows = []
    # in the order they were recorded: an event's time may be back-dated (a decision entered afterwards)
    for event in RecordEvent.select().where(RecordEvent.record == record_id).order_by(RecordEvent.id):
        change = f"{event.from_state or ''} → {event.to_state}" if event.to_state else ""
        detail = ""
        if event.detail:
            try:
                detail = "；".join(f"{k}：{v}" for k, v in json.loads(event.detail).items())
            except (ValueError, AttributeError):
                detail = event.detail
        rows.append(EventRow(event.at, event.actor or "系统", event.action, change, detail))
    return rows


def attachments(record_id: int) -> list[Attachment]:
    return list(
        Attachment.select().where(Attachment.record == record_id).order_by(Attachment.added_at, Attachment.id)
    )


@dataclass
class AttachmentRow:
    id: int
    filename: str
    purpose: str
    size: int
    added_at: datetime


def attachment_rows(record_id: int) -> list[AttachmentRow]:
    return [AttachmentRow(a.id, a.filename, a.purpose, a.size, a.added_at) for a in attachments(record_id)]
