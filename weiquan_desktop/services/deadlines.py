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

from weiquan_desktop.models.schema import Holiday, TimeLimitRule

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

    def add_working_days(self, start: date, n: int, paused: Iterable[tuple[date, date]] = ()) -> Deadline:
        """The Nth working day strictly after ``start``, not counting paused days."""
        pauses = list(paused)
        day, counted, estimated = start, 0, False
        for _ in range(MAX_SPAN_DAYS):
            if counted >= n:
                break
            day += timedelta(days=1)
            estimated = estimated or self.is_estimated_year(day.year)
            if self.is_workday(day) and not _in_pause(day, pauses):
                counted += 1
        return Deadline(day, estimated)

    def add_calendar_days(self, start: date, n: int, paused: Iterable[tuple[date, date]] = ()) -> Deadline:
        """N days after ``start`` (paused days not counted), moved on to a working day if it is a rest day."""
        pauses = list(paused)
        day, counted, estimated = start, 0, False
        for _ in range(MAX_SPAN_DAYS):
            if counted >= n:
                break
            day += timedelta(days=1)
            estimated = estimated or self.is_estimated_year(day.year)
            if not _in_pause(day, pauses):
                counted += 1
        while not self.is_workday(day):
            day += timedelta(days=1)
            estimated = estimated or self.is_estimated_year(day.year)
        return Deadline(day, estimated)


def _in_pause(day: date, pauses: list[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in pauses)


@dataclass(frozen=True)
class Rule:
    code: str
    amount: int
    unit: str
    title: str
    effective_from: date


def rule_for(code: str, on: date) -> Rule:
    """The rule in force on ``on``: the one with the latest effective date not after it."""
    row = (TimeLimitRule.select().where(TimeLimitRule.code == code, TimeLimitRule.effective_from <= on)
           .order_by(TimeLimitRule.effective_from.desc()).first())
    if row is None:  # before the first rule: the earliest one applies
        row = (TimeLimitRule.select().where(TimeLimitRule.code == code)
               .order_by(TimeLimitRule.effective_from).first())
    if row is None:
        raise LookupError(f"no time-limit rule {code!r}")
    return Rule(row.code, row.amount, row.unit, row.title, row.effective_from)


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
