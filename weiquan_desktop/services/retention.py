"""Deleting (soft, with a reason) and anonymising records when their keeping period is over (PIPL).

Anonymising clears the personal fields of closed cases older than the station's retention period and
keeps everything the statistics count, so reports for past periods stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import ModelSelect

from weiquan_desktop import domain, validation
from weiquan_desktop.errors import UserError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Record
from weiquan_desktop.services import audit, auth, station
from weiquan_desktop.services.actor import Actor, name_of
from weiquan_desktop.services.intake import add_event, load_for_change, save_changed

PERSONAL_FIELDS = (
    "complainant_name",
    "phone",
    "id_number",
    "address",
    "agent_name",
    "agent_id_number",
    "agent_authorisation",
)
CLOSED_STATES = tuple(dict.fromkeys(s for states in domain.CLOSING_STATES.values() for s in states))


def soft_delete(
    record_id: int, reason: str, *, actor: Actor | None = None, version: int | None = None
) -> None:
    """A record entered by mistake leaves the register and the statistics but stays in the database."""
    auth.require(actor, "delete")
    reason = validation.required(reason, "删除原因")
    with write_transaction():
        record = load_for_change(record_id, version)
        record.deleted_at, record.delete_reason = datetime.now().replace(microsecond=0), reason
        save_changed(record)
        add_event(record, "删除", actor, detail={"原因": reason})
        audit.append(
            "record.delete",
            actor=name_of(actor),
            entity="record",
            entity_id=record.case_no,
            detail={"原因": reason},
        )


def _due(years: int, now: datetime) -> ModelSelect[Record]:
    cutoff = now.replace(year=now.year - years)
    return (
        Record.select()
        .where(
            Record.anonymised_at.is_null(),
            Record.closed_at.is_null(False),
            Record.closed_at < cutoff,
            Record.state.in_(CLOSED_STATES),
        )
        .order_by(Record.closed_at)
    )


@dataclass
class RetentionPreview:
    years: int
    count: int
    oldest: datetime | None
    newest: datetime | None
    sample: list[str]


def preview(years: int | None = None, *, now: datetime | None = None) -> RetentionPreview:
    years = years if years is not None else int(station.setting("retention_years") or 5)
    if years < 1:
        raise UserError("保存期限至少 1 年。")
    query = _due(years, now or datetime.now())
    rows = list(query.limit(5))
    last = query.order_by(Record.closed_at.desc()).first()
    return RetentionPreview(
        years,
        query.count(),
        rows[0].closed_at if rows else None,
        last.closed_at if last else None,
        [r.case_no for r in rows],
    )


def anonymise(years: int | None = None, *, actor: Actor | None = None, now: datetime | None = None) -> int:
    """Clear the personal fields of closed records past the retention period; one transaction, audited."""
    auth.require(actor, "delete")
    now = (now or datetime.now()).replace(microsecond=0)
    plan = preview(years, now=now)
    with write_transaction():
        ids = [r.id for r in _due(plan.years, now)]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for record in Record.select().where(Record.id.in_(chunk)):
                for name in PERSONAL_FIELDS:
                    setattr(record, name, None)
                record.anonymised_at = now
                save_changed(record)
        audit.append(
            "retention.anonymise",
            actor=name_of(actor),
            detail={"保存期限（年）": plan.years, "条数": len(ids)},
        )
    return len(ids)
