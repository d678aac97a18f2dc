"""Working-day deadlines on the Chinese calendar (Qt-free).

Counting (domain/README.md): the start day is not counted (民法典 Art.201); a limit of N working days ends
on the Nth working day after the start date; a limit of N calendar days ends N days after it, moved to the
next working day when that is a rest day (Art.203). Days spent on 检验/检测/鉴定 are not counted.

Which days are working days: the station's own table (Holiday: the State Council's notice as imported, and
local days) first, then chinesecalendar, which knows 2004-2026. A year with neither the library's data nor an
imported notice counts Monday-Friday less its statutory holidays (weiquan_desktop.holidays), and every
deadline reaching into it is flagged as estimated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import chinese_calendar
from peewee import Expression

from weiquan_desktop import domain, holidays
from weiquan_desktop.domain import Decision, Kind, Source, State
from weiquan_desktop.models.schema import ClockPause, Holiday, Record, TimeLimitRule

if TYPE_CHECKING:  # duties imports this module
    from weiquan_desktop.services.duties import Duty, Facts

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


NOTICE_KEY = "holiday_notice_{year}"  # Setting: the State Council's notice for that year was imported


class WorkCalendar:
    """Working days: station overrides, then chinesecalendar, then Monday-Friday less the statutory holidays
    (estimated)."""

    def __init__(self, overrides: dict[date, bool] | None = None, notice_years: Iterable[int] = ()) -> None:
        self.overrides = dict(overrides or {})
        self.notice_years = set(notice_years)
        self._statutory: dict[int, dict[date, str]] = {}
        self._memo: dict[
            tuple[str, date, int], Deadline
        ] = {}  # exports ask for the same dates again and again
        self._days: dict[date, bool] = {}  # is_workday of each day asked (chinese_calendar is slow per call)

    @classmethod
    def from_database(cls) -> WorkCalendar:
        from weiquan_desktop.models.schema import Setting

        prefix = NOTICE_KEY.format(year="")
        years = [
            int(key[len(prefix) :])
            for (key,) in Setting.select(Setting.key).where(Setting.key.startswith(prefix)).tuples()
            if key[len(prefix) :].isdigit()
        ]
        return cls(
            {day: workday for day, workday in Holiday.select(Holiday.day, Holiday.workday).tuples()}, years
        )

    def is_estimated_year(self, year: int) -> bool:
        return not _library_knows(year) and year not in self.notice_years

    def is_workday(self, day: date) -> bool:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if _library_knows(day.year):
            return chinese_calendar.is_workday(day)
        if day.year not in self.notice_years:  # no notice yet: at least the statutory days are off
            if day.year not in self._statutory:
                self._statutory[day.year] = holidays.statutory_days(day.year)
            if day in self._statutory[day.year]:
                return False
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


def apply_rule(
    calendar: WorkCalendar, rule: Rule, start: date | datetime, paused: Iterable[tuple[date, date]] = ()
) -> Deadline:
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
        self._due: dict[tuple[str, date], Deadline] = {}
        for row in TimeLimitRule.select().order_by(TimeLimitRule.effective_from):
            self._rules.setdefault(row.code, []).append(
                Rule(row.code, row.amount, row.unit, row.title, row.effective_from)
            )

    def rule(self, code: str, on: date) -> Rule:
        rules = self._rules.get(code)
        if not rules:
            raise LookupError(f"no time-limit rule {code!r}")
        in_force = [r for r in rules if r.effective_from <= on]
        return in_force[-1] if in_force else rules[0]

    def due(self, code: str, start: date) -> Deadline:
        key = (code, start)  # a scan of a year's cases asks for the same few hundred dates over and over
        found = self._due.get(key)
        if found is None:
            found = self._due[key] = apply_rule(self.calendar, self.rule(code, start), start)
        return found

    def ledger_deadlines(
        self,
        kind: str,
        source: str,
        received_at: datetime,
        decision: str | None,
        decided_at: datetime | None,
        pauses: Iterable[tuple[date, date]] = (),
    ) -> dict[str, Deadline]:
        """The ledger's three deadline columns (spec/ledger.md 32-34): the decision limit of a complaint, the
        mediation limit of an accepted one (the days its goods were tested not counted, as on the register)
        and the feedback limit of a 12315 transfer."""
        out: dict[str, Deadline] = {}
        received = received_at.date()
        if kind == Kind.COMPLAINT:
            out[DUE_DECISION] = self.due("decision", received)
            if decision == Decision.ACCEPTED and decided_at is not None:
                accepted = decided_at.date()
                out[DUE_MEDIATION] = apply_rule(
                    self.calendar, self.rule("mediation", accepted), accepted, pauses
                )
        if source == Source.CENTER_12315:
            out[DUE_FEEDBACK] = self.due("transfer_feedback", received)
        return out


def refresh(
    record: Record,
    book: RuleBook | None = None,
    facts: Facts | None = None,
    since: date | None | bool = False,
) -> list[Duty]:
    """Set the record's next_due / due_label / due_estimated from its earliest open duty (the caller saves it)
    and return every duty (for duties.store). ``facts`` and ``since`` may be given by a caller refreshing many
    records at once."""
    from weiquan_desktop.services import duties

    book = book or RuleBook()
    record_id = getattr(record, "id", None)
    if facts is None:
        facts = duties.facts_for([record_id])[record_id] if record_id is not None else duties.Facts()
    if since is False:
        since = duties.notices_since()
    found = duties.case_duties(record, facts, book, since=None if since is True else since)
    first = duties.next_open(found)
    record.next_due, record.due_label, record.due_estimated = (
        (first.due, first.label, first.estimated) if first else (None, None, False)
    )
    return found


def open_candidates() -> Expression:
    """The records that may still owe something (a peewee condition): the others' duties are all done and
    no longer move with the calendar's future."""
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.services import duties

    since = duties.notices_since()
    candidates = (
        Record.state.in_(domain.OPEN_STATES)
        | Record.next_due.is_null(False)
        | Record.source.in_(domain.TRANSFER_SOURCES)
        | (Record.state == State.REFERRED)
        | Record.is_group
        | Record.is_major
    )
    notice_states = Record.state.in_((State.REJECTED, State.TERMINATED))
    return candidates | ((notice_states & (Record.closed_at >= since)) if since else notice_states)


# how long after its receipt a case's duties may still be counted from a day (the report's window too)
DUTY_REACH_DAYS = 200


def refresh_open_records(where: Expression | None = None) -> int:
    """Recompute the deadlines of every record that may owe something (a new day moved a paused clock on);
    ``where`` narrows it (a peewee condition)."""
    return refresh_records(open_candidates() if where is None else (open_candidates() & where))


def refresh_after_calendar_change(day: date | None = None) -> int:
    """After a working day or a rule was edited: the open records, and every record whose duties may count a
    day from ``day`` on (all records when None: a rule applies to the whole history)."""
    from weiquan_desktop.models.schema import Record

    if day is None:
        return refresh_records()
    reach = datetime.combine(day - timedelta(days=DUTY_REACH_DAYS), datetime.min.time())
    return refresh_records(open_candidates() | (Record.received_at >= reach) | (Record.closed_at >= reach))


def refresh_records(where: Expression | None = None) -> int:
    """Recompute the next deadline and the stored duties (duties.store) of the records ``where`` selects
    (all when None), in batches; returns how many next deadlines moved."""
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.services import duties

    book = RuleBook()
    since = duties.notices_since()
    query = Record.select() if where is None else Record.select().where(where)
    changed = 0
    batch: list = []

    def flush() -> int:
        facts = duties.facts_for([r.id for r in batch])
        count = 0
        found = {}
        for record in batch:
            before = (record.next_due, record.due_label, record.due_estimated)
            computed = refresh(record, book, facts[record.id], since)
            found[record.id] = [] if record.deleted_at else computed  # a deleted record owes nothing
            if (record.next_due, record.due_label, record.due_estimated) != before:
                Record.update(
                    next_due=record.next_due, due_label=record.due_label, due_estimated=record.due_estimated
                ).where(Record.id == record.id).execute()
                count += 1
        duties.store(found)
        batch.clear()
        return count

    for record in query.iterator():
        batch.append(record)
        if len(batch) >= 500:
            changed += flush()
    changed += flush() if batch else 0
    return changed


DAY_KEY = "deadlines_refreshed_on"


def refresh_for_new_day(today: date | None = None) -> int:
    """Once a day (the first window or command of the day on any desk): a clock paused for testing moves its
    projected deadline on by a day, so records with a pause still open are counted again."""
    from weiquan_desktop.models import write_transaction
    from weiquan_desktop.models.schema import Record, Setting

    today = today or date.today()
    if Setting.select(Setting.value).where(Setting.key == DAY_KEY).scalar() == today.isoformat():
        return 0
    with write_transaction():
        paused = ClockPause.select(ClockPause.record).where(ClockPause.ended_on.is_null())
        changed = refresh_open_records(Record.id.in_(paused))
        Setting.insert(key=DAY_KEY, value=today.isoformat()).on_conflict(
            conflict_target=[Setting.key], preserve=[Setting.value]
        ).execute()
    return changed
