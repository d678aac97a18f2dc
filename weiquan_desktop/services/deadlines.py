"""Working-day deadlines on the Chinese calendar (Qt-free).

Counting (domain/README.md): the start day is not counted (民法典 Art.201); a limit of N working days ends
on the Nth working day after the start date; a limit of N calendar days ends N days after it, moved to the
next working day when that is a rest day (Art.203). Days spent on 检验/检测/鉴定 are not counted.

Which days are working days: the station's own table (Holiday) first, then chinesecalendar, which knows
2004-2026. A year that neither knows falls back to Monday-Friday and every deadline reaching into it is
flagged as estimated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

from weiquan_desktop import domain
from weiquan_desktop.models.schema import ClockPause, Holiday, TimeLimitRule, TransferFeedback

MAX_SPAN_DAYS = 3 * 366  # no limit in the rules comes near this; stops a bad rule from looping forever


@lru_cache(maxsize=64)
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class Deadline:
    due: date
    estimated: bool  # a day on the way fell in a year with no holiday data (Monday-Friday assumed)

    def label(self) -> str:
        return f"{self.due.isoformat()}{'（估算）' if self.estimated else ''}"


class WorkCalendar:
    """Working days: station overrides, then chinesecalendar, then Monday-Friday (estimated)."""

    def __init__(self, overrides: dict[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._override_years = {d.year for d in self.overrides}
        self._memo: dict[tuple[str, date, int], Deadline] = {}  # exports ask for the same dates again and again

    @classmethod
    def from_database(cls) -> WorkCalendar:
        return cls({day: workday for day, workday in Holiday.select(Holiday.day, Holiday.workday).tuples()})

    def is_estimated_year(self, year: int) -> bool:
        return not _library_knows(year) and year not in self._override_years

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if _library_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (how late ``end`` is for a limit ending
        on ``start``)."""
        count, day = 0, start
        for _ in range(MAX_SPAN_DAYS):
            if day >= end:
                break
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count

    def add_working_days(self, start: date, n: int, paused: Iterable[tuple[date, date]] = ()) -> Deadline:
        """The Nth working day strictly after ``start``, not counting paused days."""
        return self._count("w", start, n, list(paused))

    def add_calendar_days(self, start: date, n: int, paused: Iterable[tuple[date, date]] = ()) -> Deadline:
        """N days after ``start`` (paused days not counted), moved on to a working day if it is a rest day."""
        return self._count("c", start, n, list(paused))

    def _count(self, unit: str, start: date, n: int, pauses: list[tuple[date, date]]) -> Deadline:
        if not pauses and (unit, start, n) in self._memo:
            return self._memo[(unit, start, n)]
        day, counted, estimated = start, 0, False
        for _ in range(MAX_SPAN_DAYS):
            if counted >= n:
                break
            day += timedelta(days=1)
            estimated = estimated or self.is_estimated_year(day.year)
            if (unit == "c" or self.is_workday(day)) and not _in_pause(day, pauses):
                counted += 1
        while unit == "c" and not self.is_workday(day):
            day += timedelta(days=1)
            estimated = estimated or self.is_estimated_year(day.year)
        result = Deadline(day, estimated)
        if not pauses:
            self._memo[(unit, start, n)] = result
        return result


def _in_pause(day: date, pauses: list[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in pauses)


@dataclass(frozen=True)
class Rule:
    code: str
    amount: int
    unit: str
    title: str
    effective_from: date


def apply_rule(calendar: WorkCalendar, rule: Rule, start: date | datetime,
               paused: Iterable[tuple[date, date]] = ()) -> Deadline:
    if isinstance(start, datetime):
        if rule.unit == "hours":
            due = start + timedelta(hours=rule.amount)
            return Deadline(due.date(), calendar.is_estimated_year(due.year))
        start = start.date()
    if rule.unit == "working_days":
        return calendar.add_working_days(start, rule.amount, paused)
    if rule.unit == "calendar_days":
        return calendar.add_calendar_days(start, rule.amount, paused)
    if rule.unit == "hours":
        return Deadline(start + timedelta(days=-(-rule.amount // 24)), calendar.is_estimated_year(start.year))
    raise ValueError(f"unknown time unit {rule.unit!r}")


# --- deadlines of a record -----------------------------------------------------------------------------

DUE_DECISION, DUE_MEDIATION, DUE_FEEDBACK, DUE_REPLY = "受理期限", "调解期限", "反馈期限", "答复期限"


class RuleBook:
    """The rules and the calendar loaded once, for computing many records' deadlines."""

    def __init__(self, calendar: WorkCalendar | None = None) -> None:
        self.calendar = calendar or WorkCalendar.from_database()
        self._rules: dict[str, list[Rule]] = {}
        for row in TimeLimitRule.select().order_by(TimeLimitRule.effective_from):
            self._rules.setdefault(row.code, []).append(
                Rule(row.code, row.amount, row.unit, row.title, row.effective_from))

    def rule(self, code: str, on: date) -> Rule:
        rules = self._rules.get(code)
        if not rules:
            raise LookupError(f"no time-limit rule {code!r}")
        in_force = [r for r in rules if r.effective_from <= on]
        return in_force[-1] if in_force else rules[0]

    def due(self, code: str, start: date) -> Deadline:
        return apply_rule(self.calendar, self.rule(code, start), start)

    def record_deadlines(self, kind: str, source: str, received_at: datetime, decision: str | None,
                         decided_at: datetime | None, reply_due: datetime | None = None,
                         pauses: Iterable[tuple[date, date]] = ()) -> dict[str, Deadline]:
        out: dict[str, Deadline] = {}
        received = received_at.date()
        if kind == "投诉":
            out[DUE_DECISION] = self.due("decision", received)
            if decision == "受理" and decided_at is not None:
                accepted = decided_at.date()
                out[DUE_MEDIATION] = apply_rule(self.calendar, self.rule("mediation", accepted), accepted, pauses)
        if source == "12315转办":
            out[DUE_FEEDBACK] = self.due("transfer_feedback", received)
        if kind == "咨询" and reply_due is not None:
            out[DUE_REPLY] = Deadline(reply_due.date(), self.calendar.is_estimated_year(reply_due.year))
        return out


# which deadlines still bind a record in a given open state
_OPEN_STATE_DEADLINES = {
    ("投诉", "待受理"): (DUE_DECISION, DUE_FEEDBACK),
    ("投诉", "调解中"): (DUE_MEDIATION, DUE_FEEDBACK),
    ("咨询", "待回复"): (DUE_REPLY,),
}


def next_deadline(book: RuleBook, record: object, pauses: Iterable[tuple[date, date]] = (),
                  feedback_sent: bool = False) -> tuple[str, Deadline] | None:
    """The earliest deadline still binding a record: those of its open state and, for a 12315 transfer, the
    feedback deadline until the feedback has been sent (a case settled at once still owes it)."""
    binding = _OPEN_STATE_DEADLINES.get((record.kind, record.state), ())
    if record.source == "12315转办" and not feedback_sent and DUE_FEEDBACK not in binding:
        binding = (*binding, DUE_FEEDBACK)
    elif feedback_sent:
        binding = tuple(b for b in binding if b != DUE_FEEDBACK)
    if not binding:
        return None
    all_due = book.record_deadlines(record.kind, record.source, record.received_at, record.decision,
                                    record.decided_at, record.reply_due, pauses)
    candidates = [(label, all_due[label]) for label in binding if label in all_due]
    return min(candidates, key=lambda item: item[1].due) if candidates else None


def pauses_of(record_id: int) -> list[tuple[date, date]]:
    today = date.today()
    return [(start, end or today) for start, end in ClockPause.select(ClockPause.started_on, ClockPause.ended_on)
            .where(ClockPause.record == record_id).tuples()]


def refresh(record: object, book: RuleBook | None = None) -> None:
    """Set the record's next_due / due_label / due_estimated (the caller saves it)."""
    book = book or RuleBook()
    saved = getattr(record, "id", None) is not None
    sent = saved and record.source == "12315转办" and TransferFeedback.select().where(
        TransferFeedback.record == record.id).exists()
    found = next_deadline(book, record, pauses_of(record.id) if saved else (), feedback_sent=sent)
    record.next_due, record.due_label, record.due_estimated = (
        (found[1].due, found[0], found[1].estimated) if found else (None, None, False))


def refresh_open_records() -> int:
    """Recompute the deadlines of every open record (after the calendar or a rule was edited)."""
    from weiquan_desktop.models.schema import Record

    book = RuleBook()
    changed = 0
    for record in Record.select().where(Record.state.in_(domain.OPEN_STATES) | Record.next_due.is_null(False)
                                        | (Record.source == "12315转办")):
        before = (record.next_due, record.due_label, record.due_estimated)
        refresh(record, book)
        if (record.next_due, record.due_label, record.due_estimated) != before:
            Record.update(next_due=record.next_due, due_label=record.due_label,
                          due_estimated=record.due_estimated).where(Record.id == record.id).execute()
            changed += 1
    return changed
