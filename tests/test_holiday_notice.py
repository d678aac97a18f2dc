"""Next year's calendar from the State Council's notice: read, checked, previewed, loaded; refused whole when
it does not check out; estimated from the statutory days until it comes."""

from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from helpers import run_cli

from weiquan_desktop import holidays
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import AuditLog, Holiday, Record
from weiquan_desktop.services import auth, calendar_rules, deadlines, demo, intake, station

FIXTURES = Path(__file__).parent / "fixtures" / "holiday-notices"


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_published_notices_read_exactly_as_chinesecalendar_has_them(year):
    notice = holidays.parse_notice((FIXTURES / f"{year}.txt").read_text(encoding="utf-8"))
    assert notice.ok, notice.problems
    day = date(year, 1, 1)
    while day.year == year:
        ours = day in notice.workdays or (day.weekday() < 5 and day not in notice.holidays)
        assert ours == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("1月1日（周五）", "1月1日（周六）"), "不是星期六"),
        (("共8天", "共9天"), "共9天"),
        (("2月20日（周六）上班", "2月22日（周一）上班"), "应为周六或周日"),
        (
            (
                "一、元旦：1月1日（周五）至3日（周日）放假，共3天。",
                "一、元旦：1月2日（周六）至3日（周日）放假，共2天。",
            ),
            "法定节日",
        ),
        (("10月9日（周六）上班", "10月5日（周二）上班"), "既写了放假又写了上班"),
    ],
)
def test_a_notice_that_does_not_check_out_says_where(change, words):
    text = (FIXTURES / "2027-test.txt").read_text(encoding="utf-8").replace(*change)
    notice = holidays.parse_notice(text)
    assert not notice.ok and any(words in p for p in notice.problems), notice.problems


def test_text_without_the_items_or_the_year_is_refused():
    assert "没有找到年份" in holidays.parse_notice("元旦放三天").problems[0]
    assert (
        "没有读到放假安排"
        in holidays.parse_notice("国务院办公厅关于2027年部分节假日安排的通知\n元旦放三天").problems[0]
    )


def test_without_the_notice_the_statutory_days_are_off_and_marked_estimated():
    calendar = deadlines.WorkCalendar()
    assert calendar.is_estimated_year(2027)
    assert not calendar.is_workday(date(2027, 1, 1))  # 元旦, a Friday: not a working day even unannounced
    assert not calendar.is_workday(date(2027, 2, 8))  # 初三, a Monday
    assert not calendar.is_workday(date(2027, 10, 4))  # 补假 for 10-02 on a Saturday (Art.6)
    assert calendar.is_workday(date(2027, 1, 4))
    due = calendar.add_working_days(date(2026, 12, 30), 3)
    assert due == deadlines.Deadline(date(2027, 1, 5), True)  # 12-31, (01-01 off), 01-04, 01-05


@pytest.fixture
def station_db(db):
    station.save_profile(demo.DEMO_PROFILE)
    return db


def test_import_previews_the_cases_it_re_dates_then_loads_the_year(station_db):
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            received_at=datetime(2026, 11, 30, 9, 0),
            complainant_name="张三",
            phone="13812345678",
            respondent_name="麦当劳",
            category="食品类",
            nature="质量",
            facts="异物",
            demands=["退款"],
        )
    )
    intake.decide(record.id, "受理", at=datetime(2026, 11, 30, 10, 0))  # 60 days: 2027-01-29, estimated
    calendar_rules.set_day(date(2027, 3, 8), workday=False, name="本地节日")  # the station's own day stays
    text = (FIXTURES / "2027-test.txt").read_text(encoding="utf-8")
    preview = calendar_rules.preview_notice(text)
    assert preview.notice.ok and Holiday.select().where(Holiday.day.year == 2027).count() == 1  # nothing yet
    before = Record.get_by_id(record.id)
    assert before.due_estimated
    calendar_rules.import_notice(text)
    after = Record.get_by_id(record.id)
    assert not after.due_estimated
    assert Holiday.get_by_id(date(2027, 3, 8)).name == "本地节日"
    assert Holiday.get_by_id(date(2027, 2, 20)).workday
    assert AuditLog.select().where(AuditLog.action == "calendar.notice").count() == 1
    # loaded again, corrected: the notice's days are replaced, not added to
    corrected = text.replace("5月8日（周六）上班", "4月25日（周日）上班")
    calendar_rules.import_notice(corrected)
    assert Holiday.get_or_none(Holiday.day == date(2027, 5, 8)) is None
    assert Holiday.get_by_id(date(2027, 4, 25)).workday
    assert calendar_rules.next_year_missing(date(2026, 12, 1)) is None


def test_a_bad_notice_changes_nothing(station_db):
    text = (FIXTURES / "2027-test.txt").read_text(encoding="utf-8").replace("共8天", "共9天")
    with pytest.raises(UserError, match="未导入"):
        calendar_rules.import_notice(text)
    assert Holiday.select().count() == 0
    assert deadlines.WorkCalendar.from_database().is_estimated_year(2027)


def test_december_reminds_while_next_year_is_missing(station_db):
    assert calendar_rules.next_year_missing(date(2026, 11, 30)) is None
    assert "2027" in calendar_rules.next_year_missing(date(2026, 12, 1))


def test_only_a_head_loads_the_notice(station_db):
    auth.create_account("王站长", "站长", "wang", "Weiquan#2026")
    clerk = auth.create_account(
        "李四", "工作人员/和解员", "li", "Weiquan#2026", actor=auth.authenticate("wang", "Weiquan#2026")
    )
    with pytest.raises(UserError):
        calendar_rules.import_notice((FIXTURES / "2027-test.txt").read_text(encoding="utf-8"), actor=clerk)
    assert Holiday.select().count() == 0


def test_the_command_line_checks_then_imports(tmp_path):
    data = tmp_path / "data"
    notice = tmp_path / "通知.txt"
    notice.write_bytes(
        (FIXTURES / "2027-test.txt").read_text(encoding="utf-8").encode("gb18030")
    )  # as saved on Windows
    checked = run_cli("calendar", "import", str(notice), "--dry-run", "--data-dir", str(data))
    assert checked.returncode == 0 and "检查通过" in checked.stdout, checked.stderr
    shown = run_cli("calendar", "show", "2027", "--data-dir", str(data))
    assert "估算" in shown.stdout
    done = run_cli("calendar", "import", str(notice), "--data-dir", str(data))
    assert done.returncode == 0 and "已导入" in done.stdout
    shown = run_cli("calendar", "show", "2027", "--data-dir", str(data))
    assert "2027年：已确定" in shown.stdout and "2027-02-20　星期六　调休上班　春节" in shown.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "国务院办公厅关于2028年部分节假日安排的通知\n一、元旦：1月1日（周一）放假，共1天。\n",
        encoding="utf-8",
    )
    refused = run_cli("calendar", "import", str(bad), "--data-dir", str(data))
    assert refused.returncode == 1 and "不是星期一" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_days_of_known_years_are_holidays_in_the_published_calendar(year):
    """The lunar table (tools/make_lunar_table.py) against the years the State Council has announced."""
    for day, name in holidays.statutory_days(year).items():
        if day.weekday() < 5 and "补" not in name:
            assert not chinese_calendar.is_workday(day), (day, name)
    eve, qingming, duanwu, zhongqiu = holidays.LUNAR_FESTIVALS[year]
    for day in (eve + timedelta(days=1), qingming, duanwu, zhongqiu):
        assert chinese_calendar.is_holiday(day), day
