from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weiquan_desktop.models.schema import Holiday, TimeLimitRule
from weiquan_desktop.services.deadlines import RuleBook, WorkCalendar

CAL = WorkCalendar()


def test_saturday_before_national_day_seven_working_days():
    # received Saturday 2026-09-26; 10-01..10-07 holidays; Saturday 10-10 is a make-up working day
    assert CAL.add_working_days(date(2026, 9, 26), 7).due == date(2026, 10, 12)


def test_make_up_saturday_counts_as_a_working_day():
    assert CAL.is_workday(date(2026, 10, 10))
    assert not CAL.is_workday(date(2026, 10, 5))
    # Friday 10-09 + 1 working day is the make-up Saturday 10-10
    assert CAL.add_working_days(date(2026, 10, 9), 1).due == date(2026, 10, 10)


def test_spring_festival_is_skipped():
    # 2026-02-13 Friday; 02-14 make-up Saturday; 02-15..23 holidays
    assert CAL.add_working_days(date(2026, 2, 13), 2).due == date(2026, 2, 24)


def test_a_year_without_data_is_mon_fri_and_flagged_estimated():
    result = CAL.add_working_days(date(2027, 3, 5), 7)  # Friday
    assert result.due == date(2027, 3, 16)
    assert result.estimated
    assert "估算" in result.label()
    assert not CAL.add_working_days(date(2026, 3, 5), 7).estimated
    # a 2026 deadline that runs into 2027 is estimated too
    assert CAL.add_working_days(date(2026, 12, 28), 7).estimated


def test_station_entered_days_override_the_library():
    cal = WorkCalendar({date(2026, 3, 9): False, date(2027, 1, 1): False, date(2027, 1, 9): True})
    # a local holiday on Monday 2026-03-09 pushes the deadline by a day
    assert cal.add_working_days(date(2026, 3, 6), 1).due == date(2026, 3, 10)
    # days entered for 2027: Jan 1 is a holiday, Saturday Jan 9 a make-up day; until the year's notice is
    # imported its deadlines stay estimated
    result = cal.add_working_days(date(2026, 12, 31), 1)
    assert result.due == date(2027, 1, 4)
    assert result.estimated
    assert (
        not WorkCalendar(cal.overrides, notice_years=[2027]).add_working_days(date(2026, 12, 31), 1).estimated
    )
    assert cal.add_working_days(date(2027, 1, 8), 1).due == date(2027, 1, 9)


def test_calendar_days_end_on_the_next_working_day():
    # 60 days after 2026-08-02 is 2026-10-01, a holiday: the limit ends on 2026-10-08
    assert CAL.add_calendar_days(date(2026, 8, 2), 60).due == date(2026, 10, 8)
    assert CAL.add_calendar_days(date(2026, 5, 6), 60).due == date(2026, 7, 6)  # 07-05 is a Sunday


def test_paused_days_are_not_counted():
    plain = CAL.add_working_days(date(2026, 3, 2), 5).due
    paused = CAL.add_working_days(date(2026, 3, 2), 5, [(date(2026, 3, 4), date(2026, 3, 6))]).due
    assert plain == date(2026, 3, 9)
    assert paused == date(2026, 3, 12)


def test_mediation_limit_changes_on_2026_04_15(db):
    book = RuleBook()
    before = book.rule("mediation", date(2026, 4, 14))
    after = book.rule("mediation", date(2026, 4, 15))
    assert (before.amount, before.unit) == (45, "working_days")
    assert (after.amount, after.unit) == (60, "calendar_days")
    assert book.due("mediation", date(2026, 8, 2)).due == date(2026, 10, 8)
    assert book.due("mediation", date(2026, 4, 14)).due == date(2026, 6, 18)  # 45 wd; May Day, make-up 05-09


def test_rules_and_holidays_are_station_editable(db):
    TimeLimitRule.update(amount=5).where(TimeLimitRule.code == "decision").execute()
    Holiday.create(day=date(2026, 3, 10), workday=False, name="本地节日")
    assert RuleBook().due("decision", date(2026, 3, 6)).due == date(2026, 3, 16)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=date(2015, 1, 1), max_value=date(2028, 12, 31)), n=st.integers(1, 60))
def test_result_is_always_a_working_day_after_the_start(start, n):
    result = CAL.add_working_days(start, n)
    assert result.due > start
    assert CAL.is_workday(result.due)
    counted = sum(CAL.is_workday(start + timedelta(days=i)) for i in range(1, (result.due - start).days + 1))
    assert counted == n


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2015, 1, 1), max_value=date(2028, 12, 31)), n=st.integers(1, 90))
def test_calendar_limit_is_a_working_day_not_before_n_days(start, n):
    result = CAL.add_calendar_days(start, n)
    assert result.due >= start + timedelta(days=n)
    assert CAL.is_workday(result.due)
    assert all(not CAL.is_workday(start + timedelta(days=d)) for d in range(n, (result.due - start).days))


@pytest.mark.parametrize("year", [2004, 2026])
def test_library_years_are_not_estimated(year):
    assert not CAL.add_working_days(date(year, 5, 6), 3).estimated
