"""What a station tells the parties and reports to the bureau, as it happened: the reply after a complaint is
taken, the rejection and termination notices, progress calls, on-site checks, a suggestion passed on, and
the report of a group or major case (who, when, how, to whom, what).

Each is a CaseNotice row, a history event and an audit row in one transaction; the case's deadlines are
refreshed with it, since a notice given ends the duty to give it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from weiquan_desktop import domain, validation
from weiquan_desktop.domain import Kind
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import CaseNotice, Record
from weiquan_desktop.services import audit
from weiquan_desktop.services.actor import Actor, id_of, name_of
from weiquan_desktop.services.intake import add_event, load_for_change, save_changed


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def record_notice(
    record_id: int,
    kind: str,
    *,
    method: str,
    at: datetime | None = None,
    party: str = "",
    content: str = "",
    actor: Actor | None = None,
    version: int | None = None,
) -> CaseNotice:
    """A notice given or a contact made, recorded with how and to whom."""
    if kind not in domain.NOTICE_KINDS:
        raise ValidationError(f"告知类别应为：{'、'.join(domain.NOTICE_KINDS)}。", "类别")
    if method not in domain.NOTICE_METHODS:
        raise ValidationError(f"方式应为：{'、'.join(domain.NOTICE_METHODS)}。", "方式")
    at = (at or _now()).replace(microsecond=0)
    validation.not_future(at, "时间")
    with write_transaction():
        record = load_for_change(record_id, version)
        if at < record.received_at.replace(second=0):
            raise ValidationError("时间不能早于登记时间。", "时间")
        notice = CaseNotice.create(
            record=record,
            kind=kind,
            at=at,
            method=method,
            party=party.strip() or None,
            content=content.strip() or None,
            staff=id_of(actor),
            actor=name_of(actor),
        )
        save_changed(record)
        add_event(
            record,
            kind,
            actor,
            at=at,
            detail={
                "方式": method,
                **({"对象": party} if party else {}),
                **({"内容": content.strip()} if content.strip() else {}),
            },
        )
        audit.append(
            "record.notice",
            actor=name_of(actor),
            entity="record",
            entity_id=record.case_no,
            detail={"类别": kind, "方式": method},
        )
    return notice


def report_major(
    record_id: int,
    *,
    is_group: bool,
    is_major: bool,
    reported_to: str,
    method: str = "电话",
    reported_at: datetime | None = None,
    group_size: int | None = None,
    group_amount: str | Decimal | None = None,
    actor: Actor | None = None,
    version: int | None = None,
) -> Record:
    """Mark a case as group (群体性) or major (重大) and record its report to the bureau (due the same day)."""
    if not (is_group or is_major):
        raise ValidationError("请选择“群体性”或“重大”。", "类别")
    reported_to = validation.required(reported_to, "报告对象")
    if group_size is not None and group_size < 2:
        raise ValidationError("“涉及人数”应为 2 人以上。", "涉及人数")
    amount = validation.money(group_amount, "涉及金额合计")
    at = (reported_at or _now()).replace(microsecond=0)
    validation.not_future(at, "报告时间")
    with write_transaction():
        record = load_for_change(record_id, version)
        if record.kind != Kind.COMPLAINT:
            raise UserError(f"{record.case_no} 是{record.kind}，只有投诉可以报告为群体性或重大投诉。")
        record.is_group, record.is_major = bool(is_group), bool(is_major)
        record.group_size = group_size if is_group else record.group_size
        record.group_amount = amount if amount is not None else record.group_amount
        record.major_reported_at, record.major_reported_to, record.major_reported_by = (
            at,
            reported_to,
            name_of(actor),
        )
        CaseNotice.create(
            record=record,
            kind="重大报告",
            at=at,
            method=method,
            party=reported_to,
            content="群体性投诉" if is_group else "重大投诉",
            staff=id_of(actor),
            actor=name_of(actor),
        )
        save_changed(record)
        add_event(
            record,
            "报告群体性投诉" if is_group else "报告重大投诉",
            actor,
            at=at,
            detail={
                "报告对象": reported_to,
                "方式": method,
                **({"涉及人数": group_size} if group_size else {}),
            },
        )
        audit.append(
            "record.major",
            actor=name_of(actor),
            entity="record",
            entity_id=record.case_no,
            detail={"群体性": is_group, "重大": is_major, "报告对象": reported_to},
        )
    return record


def notices(record_id: int) -> list[CaseNotice]:
    return list(
        CaseNotice.select().where(CaseNotice.record == record_id).order_by(CaseNotice.at, CaseNotice.id)
    )
