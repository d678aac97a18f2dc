"""Every clock a case runs on, and whether it was kept (Qt-free).

A duty is something the station owes by a date: the 24-hour reply after a complaint is taken, the
acceptance decision, the rejection and termination notices, the mediation itself (paused while goods are
tested), the feedback owed to 12315 or the bureau for a case they passed down, a receiving body's feedback on
a referral, and the same-day report of a group or major case. Each is computed from the record and what was
recorded against it (notices, pauses, referrals, feedback); the earliest one not yet done is the record's
next deadline (``Record.next_due``), which the register, the due counts and the ledger show.

The notices (答复 aside) are owed only for decisions taken since the program recorded notices
(``NOTICES_SINCE_KEY``, set when the database was made or climbed to v3): a case rejected before then has no
record of its notice to be missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypeGuard

from peewee import ColumnBase, Expression, fn

from weiquan_desktop import domain
from weiquan_desktop.domain import Decision, Kind, State
from weiquan_desktop.models.db import id_in
from weiquan_desktop.models.migrations import NOTICES_SINCE_KEY
from weiquan_desktop.models.schema import (
    CaseNotice,
    ClockPause,
    MediationSession,
    Record,
    Referral,
    Setting,
    TransferFeedback,
)

if TYPE_CHECKING:  # deadlines imports this module
    from weiquan_desktop.services.deadlines import RuleBook

# code -> the label the register shows (at most 10 characters: Record.due_label)
LABELS = {
    "reply": "答复期限",
    "decision": "受理期限",
    "rejection_notice": "不予受理告知",
    "mediation": "调解期限",
    "termination_notice": "终止调解告知",
    "transfer_feedback": "反馈期限",
    "referral_feedback": "移交反馈期限",
    "major_report": "报告期限",
    "consult_reply": "答复期限",
}
PAUSED_SUFFIX = "（暂停）"
# what ends each notice duty (CaseNotice.kind); a reply is any first contact after the complaint is taken
NOTICE_OF = {"rejection_notice": "不予受理告知", "termination_notice": "终止调解告知"}
CONTACT_KINDS = ("答复", "进展告知", "现场核查")


@dataclass(frozen=True)
class Duty:
    code: str
    due: date
    estimated: bool = False
    due_at: datetime | None = None  # for a limit in hours: the very minute
    done_at: datetime | None = None
    paused: str | None = None  # the reason, while the mediation clock stands still
    about: str = ""  # which referral, which notice

    @property
    def label(self) -> str:
        return LABELS[self.code] + (PAUSED_SUFFIX if self.paused else "")

    @property
    def open(self) -> bool:
        return self.done_at is None

    def late(self, now: datetime | None = None) -> bool:
        """Done after its time, or still open past it (a paused clock is not late)."""
        if self.done_at is not None:
            return self.done_at > self.due_at if self.due_at else self.done_at.date() > self.due
        if self.paused:
            return False
        now = now or datetime.now()
        return now > self.due_at if self.due_at else now.date() > self.due

    def text(self, now: datetime | None = None) -> str:
        """One line for the case window: when it was due, and when it was done or that it is not."""
        when = self.due_at.strftime("%Y-%m-%d %H:%M") if self.due_at else self.due.isoformat()
        when += "（估算）" if self.estimated else ""
        if self.done_at is not None:
            done = self.done_at.strftime("%Y-%m-%d %H:%M")
            return f"{when}前；{done} 已办{'，逾期' if self.late() else ''}"
        if self.paused:
            return f"计时暂停（{self.paused}），恢复后顺延；按今日恢复计为 {when}"
        return f"{when}前；未办{'，已逾期' if self.late(now) else ''}"


@dataclass
class Facts:
    """What was recorded against a record that its duties depend on."""

    pauses: list[tuple[date, date | None, str]] = field(default_factory=list)
    first_contact: datetime | None = None  # the first 答复, progress call or on-site check
    notices: dict[str, datetime] = field(default_factory=dict)  # kind -> the first one
    first_session: datetime | None = None
    feedback_sent: datetime | None = None  # to 12315 or the bureau
    referrals: list[tuple[str, str, date | None, datetime | None]] = field(
        default_factory=list
    )  # number, body, due, back


def facts_for(record_ids: Iterable[int]) -> dict[int, Facts]:
    """The facts of many records in a few queries (an export or a refresh of thousands)."""
    ids = list(record_ids)
    out: dict[int, Facts] = {rid: Facts() for rid in ids}
    for chunk in (ids[i : i + 900] for i in range(0, len(ids), 900)):

        def among(column: ColumnBase, chunk: list[int] = chunk) -> Expression:
            return id_in(column, chunk)

        _load_facts(out, among)
    return out


def _load_facts(out: dict[int, Facts], which: Callable[[ColumnBase], Expression]) -> None:
    """Fill ``out`` with the facts of the records ``which(record_column)`` selects."""
    facts = out.__getitem__

    for rid, start, end, reason in (
        ClockPause.select(ClockPause.record, ClockPause.started_on, ClockPause.ended_on, ClockPause.reason)
        .where(which(ClockPause.record))
        .order_by(ClockPause.started_on)
        .tuples()
    ):
        facts(rid).pauses.append((start, end, reason))
    for rid, kind, at in (
        CaseNotice.select(CaseNotice.record, CaseNotice.kind, CaseNotice.at)
        .where(which(CaseNotice.record))
        .order_by(CaseNotice.at)
        .tuples()
    ):
        found = facts(rid)
        found.notices.setdefault(kind, at)
        if kind in CONTACT_KINDS and found.first_contact is None:
            found.first_contact = at
    for rid, at in (
        MediationSession.select(MediationSession.record, fn.MIN(MediationSession.held_at))
        .where(which(MediationSession.record))
        .group_by(MediationSession.record)
        .tuples()
    ):
        facts(rid).first_session = at
    for rid, sent in (
        TransferFeedback.select(TransferFeedback.record, fn.MIN(TransferFeedback.sent_at))
        .where(which(TransferFeedback.record), TransferFeedback.sent_at.is_null(False))
        .group_by(TransferFeedback.record)
        .tuples()
    ):
        facts(rid).feedback_sent = sent
    for rid, number, body, due, back in (
        Referral.select(
            Referral.record, Referral.number, Referral.body_name, Referral.feedback_due, Referral.feedback_at
        )
        .where(which(Referral.record))
        .order_by(Referral.referred_at)
        .tuples()
    ):
        facts(rid).referrals.append((number, body, due, back))


def notices_since() -> date | None:
    value = Setting.select(Setting.value).where(Setting.key == NOTICES_SINCE_KEY).scalar()
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def case_duties(
    record: Record, facts: Facts, book: RuleBook, *, today: date | None = None, since: date | None = None
) -> list[Duty]:
    """Every duty of the record, done or not, in the order they arise. ``book`` is a deadlines.RuleBook."""
    from weiquan_desktop.services.deadlines import apply_rule

    today = today or date.today()
    cal = book.calendar
    out: list[Duty] = []
    kind, received = record.kind, record.received_at
    closed = record.closed_at if record.state in domain.CLOSING_STATES.get(kind, ()) else None

    def tracked(on: datetime | None) -> TypeGuard[datetime]:
        return on is not None and (since is None or on.date() >= since)

    if kind == Kind.COMPLAINT:
        rule = book.rule("reply", received.date())
        due_at = received + timedelta(hours=rule.amount) if rule.unit == "hours" else None
        reply = apply_rule(cal, rule, received)
        contacts = [t for t in (facts.first_contact, record.decided_at, facts.first_session, closed) if t]
        out.append(
            Duty(
                "reply",
                due_at.date() if due_at else reply.due,
                reply.estimated,
                due_at,
                min(contacts) if contacts else None,
            )
        )
        decision = book.due("decision", received.date())
        out.append(Duty("decision", decision.due, decision.estimated, done_at=record.decided_at))
        if record.decision == Decision.REJECTED and tracked(record.decided_at):
            notice = book.due("rejection_notice", record.decided_at.date())
            out.append(
                Duty(
                    "rejection_notice",
                    notice.due,
                    notice.estimated,
                    done_at=facts.notices.get(NOTICE_OF["rejection_notice"]),
                )
            )
        if record.decision == Decision.ACCEPTED and record.decided_at is not None:
            accepted = record.decided_at.date()
            open_pause = next((reason for _s, end, reason in facts.pauses if end is None), None)
            spans = [(start, end or today) for start, end, _r in facts.pauses]
            limit = (
                apply_rule(cal, book.rule("mediation", accepted), accepted, spans)
                if spans
                else book.due("mediation", accepted)
            )
            out.append(
                Duty(
                    "mediation",
                    limit.due,
                    limit.estimated,
                    done_at=closed,
                    paused=open_pause if closed is None else None,
                )
            )
        if record.state == State.TERMINATED and tracked(record.closed_at):
            notice = book.due("termination_notice", record.closed_at.date())
            out.append(
                Duty(
                    "termination_notice",
                    notice.due,
                    notice.estimated,
                    done_at=facts.notices.get(NOTICE_OF["termination_notice"]),
                )
            )
        if record.is_group or record.is_major:
            # immediately: the day the case came in (a same-day limit is not moved off a rest day)
            out.append(Duty("major_report", received.date(), done_at=record.major_reported_at))
    if record.source in domain.TRANSFER_SOURCES:
        if record.external_due is not None:
            due, estimated = record.external_due, False
        else:
            rule_due = book.due("transfer_feedback", received.date())
            due, estimated = rule_due.due, rule_due.estimated
        out.append(Duty("transfer_feedback", due, estimated, done_at=facts.feedback_sent))
    for number, body, feedback_due, back in facts.referrals:
        if feedback_due is not None:
            out.append(
                Duty(
                    "referral_feedback",
                    feedback_due,
                    cal.is_estimated_year(feedback_due.year),
                    done_at=back,
                    about=f"{number} {body}",
                )
            )
    if kind == Kind.CONSULTATION and record.reply_due is not None:
        out.append(
            Duty(
                "consult_reply",
                record.reply_due.date(),
                cal.is_estimated_year(record.reply_due.year),
                record.reply_due,
                closed,
            )
        )
    return out


def next_open(duties: list[Duty]) -> Duty | None:
    """The earliest duty not yet done: the record's next deadline."""
    waiting = [d for d in duties if d.open]
    return (
        min(waiting, key=lambda d: (d.due, d.due_at or datetime.combine(d.due, datetime.max.time())))
        if waiting
        else None
    )


def for_record(record: Record, book: RuleBook | None = None, *, today: date | None = None) -> list[Duty]:
    """The duties of one saved record (or of one not saved yet: no facts)."""
    from weiquan_desktop.services.deadlines import RuleBook

    book = book or RuleBook()
    record_id = getattr(record, "id", None)
    facts = facts_for([record_id])[record_id] if record_id is not None else Facts()
    return case_duties(record, facts, book, today=today, since=notices_since())


# --- across cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """How a kind of duty fell due in a period was kept: on time, late, or not at all (yet)."""

    code: str
    due: int
    on_time: int
    late: int
    missing: int  # still not done and past its time

    @property
    def label(self) -> str:
        return LABELS[self.code]


@dataclass(frozen=True)
class LateItem:
    record_id: int
    case_no: str
    label: str
    due: date
    done_at: datetime | None  # None: still not done


# --- the stored duties (RecordDuty): written with each record's next deadline, counted in SQL -------------


def stored_rows(record_id: int, found: list[Duty]) -> list[dict]:
    return [
        {
            "record": record_id,
            "code": d.code,
            "due": d.due,
            "due_at": d.due_at,
            "done_at": d.done_at,
            "done_late": d.done_at is not None and d.late(),
            "paused": d.paused is not None,
            "about": d.about[:200],
        }
        for d in found
    ]


def store(found: dict[int, list[Duty]]) -> None:
    """Replace the stored duties of these records with these, inside the caller's transaction (callers give a
    deleted record none: the report's count then needs no join to leave it out)."""
    from weiquan_desktop.models.schema import RecordDuty

    ids = list(found)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        RecordDuty.delete().where(id_in(RecordDuty.record, chunk)).execute()
    rows = [row for rid, duties in found.items() for row in stored_rows(rid, duties)]
    for batch in (
        rows[i : i + 100] for i in range(0, len(rows), 100)
    ):  # 8 columns: under SQLite's 999 parameters
        RecordDuty.insert_many(batch).execute()


def _late_now(now: datetime) -> Expression:
    """A stored duty still open and past its time at ``now`` (Duty.late; a paused clock is not late)."""
    from weiquan_desktop.models.schema import RecordDuty

    return (
        RecordDuty.done_at.is_null()
        & ~RecordDuty.paused
        & (
            (RecordDuty.due_at.is_null(False) & (RecordDuty.due_at < now))
            | (RecordDuty.due_at.is_null() & (RecordDuty.due < now.date()))
        )
    )


def _counts(
    start: date, end: date, now: datetime, where: Expression | None = None, scope: Expression | None = None
) -> dict[str, list[int]]:
    """code -> [due, on time, late, missing] of the stored duties due from ``start`` to ``end``."""
    from peewee import Case, fn

    from weiquan_desktop.models.schema import Record, RecordDuty

    late = fn.SUM(Case(None, [(RecordDuty.done_late, 1)], 0))
    missing = fn.SUM(Case(None, [(_late_now(now), 1)], 0))
    # code IN (every code): one range of the (code, due, ...) index per code, in order, from the index alone
    query = RecordDuty.select(
        RecordDuty.code, fn.COUNT(RecordDuty.id), fn.COUNT(RecordDuty.done_at), late, missing
    ).where(RecordDuty.code.in_(list(LABELS)), RecordDuty.due.between(start, end))
    if where is not None:
        query = query.where(where)
    if scope is not None:
        query = query.join(Record).where(scope)
    out = {}
    for code, due, done, late_count, missing_count in query.group_by(RecordDuty.code).tuples():
        done, late_count = int(done or 0), int(late_count or 0)
        out[code] = [int(due or 0), done - late_count, late_count, int(missing_count or 0)]
    return out


def kept_in(
    periods: list[tuple[date, date]], now: datetime | None = None, scope: Expression | None = None
) -> list[list[Kept]]:
    """``kept_between`` of several periods (a report's period, the one before and a year ago), each one
    aggregate over the stored duties. A record whose clock is paused now is counted from its duties as of
    ``now`` instead (a paused deadline moves on each day; there are few)."""
    from weiquan_desktop.models.schema import Record, RecordDuty
    from weiquan_desktop.services.deadlines import RuleBook

    now = now or datetime.now()
    paused = RecordDuty.select(RecordDuty.record).where(RecordDuty.paused == True)  # noqa: E712 - an index range
    paused_ids = [rid for (rid,) in paused.distinct().tuples()]
    live: list[list[Duty]] = []
    if paused_ids:
        book, since = RuleBook(), notices_since()
        facts = facts_for(paused_ids)
        query = Record.select().where(Record.id.in_(paused), Record.deleted_at.is_null())
        live = [
            case_duties(r, facts[r.id], book, today=now.date(), since=since)
            for r in (query if scope is None else query.where(scope))
        ]
    out = []
    for start, end in periods:
        counts = _counts(start, end, now, scope=scope)
        if paused_ids:  # their stored rows out, their duties as of now in
            stored = _counts(start, end, now, RecordDuty.record.in_(paused), scope)
            for code, figures in stored.items():
                counts[code] = [a - b for a, b in zip(counts[code], figures, strict=True)]
            for duties in live:
                for duty in duties:
                    if start <= duty.due <= end:
                        row = counts.setdefault(duty.code, [0, 0, 0, 0])
                        row[0] += 1
                        state = (
                            (2 if duty.late() else 1)
                            if duty.done_at is not None
                            else 3
                            if duty.late(now)
                            else 0
                        )
                        if state:
                            row[state] += 1
        out.append([Kept(code, *counts[code]) for code in LABELS if counts.get(code, [0])[0]])
    return out


def kept_between(
    start: date, end: date, now: datetime | None = None, scope: Expression | None = None
) -> list[Kept]:
    """Each kind of duty that fell due from ``start`` to ``end``: how many, kept on time, kept late, missed."""
    return kept_in([(start, end)], now, scope)[0]


def late_between(start: date, end: date, now: datetime | None = None, limit: int = 500) -> list[LateItem]:
    """The duties due in the period that were kept late or not at all, the most recent first."""
    from weiquan_desktop.models.schema import Record, RecordDuty

    now = now or datetime.now()
    rows = (
        RecordDuty.select(
            RecordDuty.record,
            Record.case_no,
            RecordDuty.code,
            RecordDuty.about,
            RecordDuty.due,
            RecordDuty.done_at,
        )
        .join(Record)
        .where(
            RecordDuty.code.in_(list(LABELS)),
            RecordDuty.due.between(start, end),
            RecordDuty.done_late | _late_now(now),
        )
        .order_by(RecordDuty.due.desc(), RecordDuty.record.desc())
        .limit(limit)
        .tuples()
    )
    return [
        LateItem(rid, case_no, LABELS[code] + (f"（{about}）" if about else ""), due, done_at)
        for rid, case_no, code, about, due, done_at in rows
    ]
