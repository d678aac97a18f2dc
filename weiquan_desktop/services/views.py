"""What each screen shows, as plain data: the window never queries the database itself.

A screen asks for its view (the case, the mediation, a pick list), shows it, and calls a service to change
anything; personal data in a view is masked by the one rule of privacy.py unless the caller may reveal it
and asked to (casefile.sections_for records that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from weiquan_desktop import domain
from weiquan_desktop.models.schema import (
    Activity,
    ActivityStaff,
    Body,
    ClockPause,
    CoordinatorFiling,
    GroundOption,
    MediationSession,
    Record,
    Referral,
    SettlementTerm,
    Staff,
)
from weiquan_desktop.privacy import mask_known, mask_name
from weiquan_desktop.services import casefile, lifecycle
from weiquan_desktop.services.actor import Actor


@dataclass
class Option:
    id: int | None
    label: str


@dataclass
class Due:
    label: str
    on: date
    estimated: bool
    overdue: bool
    paused: str | None  # the reason, while the mediation clock stands still

    @property
    def text(self) -> str:
        if self.paused:
            return f"{self.label}（计时暂停：{self.paused}）"
        return f"{self.label} {self.on.isoformat()}{'（估算）' if self.estimated else ''}{'，已逾期' if self.overdue else ''}"


def _due(record: Record, today: date | None = None) -> Due | None:
    if not record.next_due:
        return None
    today = today or date.today()
    pause = ClockPause.get_or_none(ClockPause.record == record, ClockPause.ended_on.is_null())
    return Due(
        record.due_label or "",
        record.next_due,
        bool(record.due_estimated),
        record.next_due < today and pause is None,
        pause.reason if pause else None,
    )


@dataclass
class CaseView:
    id: int
    case_no: str
    kind: str
    state: str
    source: str
    version: int
    due: Due | None
    sections: list[casefile.Section]
    events: list[casefile.EventRow]
    attachments: list[casefile.AttachmentRow]
    documents: list[tuple[str, str]]  # (doc key, title)
    pending_referral: tuple[int, str] | None  # (referral id, receiving body)
    has_sessions: bool
    closed: bool
    deleted: bool
    handover_note: str | None
    settlement: str
    actions: list[lifecycle.Action] = field(default_factory=list)


def case_view(record_id: int, actor: Actor | None, *, reveal: bool = False) -> CaseView:
    """One case as the case window shows it (``reveal``: full personal data, for those allowed)."""
    from weiquan_desktop.errors import UserError

    record = Record.get_or_none(Record.id == record_id)
    if record is None:
        raise UserError("该记录不存在。")
    from weiquan_desktop.services import printing  # ReportLab: not on the start-up path

    pending = (
        Referral.select(Referral.id, Referral.body_name)
        .where(Referral.record == record, Referral.feedback_at.is_null())
        .order_by(Referral.referred_at.desc())
        .tuples()
        .first()
    )
    view = CaseView(
        record.id,
        record.case_no,
        record.kind,
        record.state,
        record.source,
        record.version,
        _due(record),
        casefile.sections_for(record.id, actor, reveal=reveal, first_reveal=False),
        casefile.events(record.id),
        casefile.attachment_rows(record.id),
        [(doc, printing.document_title(doc, record)) for doc in printing.available_documents(record)],
        pending,
        MediationSession.select().where(MediationSession.record == record).exists(),
        record.closed_at is not None,
        record.deleted_at is not None,
        record.handover_note,
        record.settlement or "",
    )
    view.actions = lifecycle.available_actions(view, actor)
    return view


@dataclass
class SessionRow:
    held_at: datetime
    mode: str
    mediator: str
    attendees: str
    notes: str


@dataclass
class MediationView:
    id: int
    case_no: str
    state: str
    version: int
    summary: str  # who complains about what, masked
    due: Due | None
    paused: bool
    amount: Decimal
    category: str | None
    sessions: list[SessionRow]
    terms: list[SettlementTerm]
    conflict: str | None  # a warning when the host business itself is complained about


def mediation_view(record_id: int) -> MediationView:
    from weiquan_desktop.services import station

    record = Record.get_by_id(record_id)
    people = [record.complainant_name, record.agent_name]
    phones = [record.phone, record.agent_phone]
    sessions = [
        SessionRow(
            s.held_at,
            s.mode,
            s.mediator.name if s.mediator else "",
            mask_known(s.attendees, people, phones),
            mask_known(s.notes, people, phones),
        )
        for s in MediationSession.select()
        .where(MediationSession.record == record)
        .order_by(MediationSession.held_at)
    ]
    goods = "，".join(p for p in (record.item, f"{record.amount:,.2f} 元" if record.amount else None) if p)
    who = "匿名" if record.anonymous else mask_name(record.complainant_name) or "投诉人"
    summary = f"{who} 投诉 {record.respondent_name or '（未填被投诉方）'}" + (f"（{goods}）" if goods else "")
    profile = station.load_profile()
    conflict = None
    if (
        profile
        and record.respondent_name
        and profile.host_business
        and (
            profile.host_business in record.respondent_name or record.respondent_name in profile.host_business
        )
    ):
        conflict = (
            f"被投诉方“{record.respondent_name}”是本站依托单位（{profile.host_business}）本身：由本单位员工调解"
            "有利害关系，建议告知消费者后移交辖区12315机构处理，或请市场监管部门主持调解。"
        )
    pause = ClockPause.get_or_none(ClockPause.record == record, ClockPause.ended_on.is_null())
    return MediationView(
        record.id,
        record.case_no,
        record.state,
        record.version,
        summary,
        _due(record),
        pause is not None,
        record.amount or Decimal(0),
        record.category,
        sessions,
        list(
            SettlementTerm.select().where(SettlementTerm.record == record).order_by(SettlementTerm.position)
        ),
        conflict,
    )


def record_version(record_id: int) -> int:
    return Record.select(Record.version).where(Record.id == record_id).scalar()


# --- pick lists --------------------------------------------------------------------------------------


def staff_options(*, active_only: bool = True, with_role: bool = False) -> list[Option]:
    query = Staff.select(Staff.id, Staff.name, Staff.role).order_by(Staff.id)
    if active_only:
        query = query.where(Staff.active)
    return [Option(sid, f"{name}（{role}）" if with_role else name) for sid, name, role in query.tuples()]


def body_options() -> list[Option]:
    return [
        Option(bid, name)
        for bid, name in Body.select(Body.id, Body.name).where(Body.active).order_by(Body.id).tuples()
    ]


def grounds(list_name: str) -> list[str]:
    """The station's grounds (editable; seeded from domain): ``rejection`` or ``termination``."""
    found = [
        text
        for (text,) in GroundOption.select(GroundOption.text)
        .where(GroundOption.list_name == list_name, GroundOption.active)
        .order_by(GroundOption.position)
        .tuples()
    ]
    return found or list(domain.REJECTION_GROUNDS if list_name == "rejection" else domain.TERMINATION_GROUNDS)


def latest_filing_id() -> int | None:
    return (
        CoordinatorFiling.select(CoordinatorFiling.id).order_by(CoordinatorFiling.id.desc()).limit(1).scalar()
    )


@dataclass
class ActivityForm:
    held_on: date
    type: str
    place: str
    participants: int
    materials: str
    description: str
    staff_ids: set[int]


def activity_form(activity_id: int) -> ActivityForm:
    a = Activity.get_by_id(activity_id)
    chosen = {link.staff_id for link in ActivityStaff.select().where(ActivityStaff.activity == a)}
    return ActivityForm(
        a.held_on, a.type, a.place or "", a.participants or 0, a.materials or "", a.description or "", chosen
    )
