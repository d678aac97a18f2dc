"""The public holidays of a year, before and after the State Council's notice (Qt-free, no database).

Before the notice: the statutory days of 《全国年节及纪念日放假办法》 (as amended 2024-11-10, in force
2025-01-01), Art.2, with Art.6's 补假 for a statutory day on a weekend, guessed as the next free weekday. The
lunar festivals come from the table below (computed with lunar-python 1.4.8 by tools/make_lunar_table.py;
2025 and 2026 agree with the notices). Deadlines counted on these guesses stay marked 估算.

After the notice: ``parse_notice`` reads the notice's text (国务院办公厅关于YYYY年部分节假日安排的通知, pasted
or read from a file) into its holidays and make-up working days, with the checks a clerk cannot do by eye.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

# year -> (除夕, 清明, 端午, 中秋)
LUNAR_FESTIVALS: dict[int, tuple[date, date, date, date]] = {
    2025: (date(2025, 1, 28), date(2025, 4, 4), date(2025, 5, 31), date(2025, 10, 6)),
    2026: (date(2026, 2, 16), date(2026, 4, 5), date(2026, 6, 19), date(2026, 9, 25)),
    2027: (date(2027, 2, 5), date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)),
    2028: (date(2028, 1, 25), date(2028, 4, 4), date(2028, 5, 28), date(2028, 10, 3)),
    2029: (date(2029, 2, 12), date(2029, 4, 4), date(2029, 6, 16), date(2029, 9, 22)),
    2030: (date(2030, 2, 2), date(2030, 4, 5), date(2030, 6, 5), date(2030, 9, 12)),
    2031: (date(2031, 1, 22), date(2031, 4, 5), date(2031, 6, 24), date(2031, 10, 1)),
    2032: (date(2032, 2, 10), date(2032, 4, 4), date(2032, 6, 12), date(2032, 9, 19)),
    2033: (date(2033, 1, 30), date(2033, 4, 4), date(2033, 6, 1), date(2033, 9, 8)),
    2034: (date(2034, 2, 18), date(2034, 4, 5), date(2034, 6, 20), date(2034, 9, 27)),
    2035: (date(2035, 2, 7), date(2035, 4, 5), date(2035, 6, 10), date(2035, 9, 16)),
    2036: (date(2036, 1, 27), date(2036, 4, 4), date(2036, 5, 30), date(2036, 10, 4)),
    2037: (date(2037, 2, 14), date(2037, 4, 4), date(2037, 6, 18), date(2037, 9, 24)),
    2038: (date(2038, 2, 3), date(2038, 4, 5), date(2038, 6, 7), date(2038, 9, 13)),
    2039: (date(2039, 1, 23), date(2039, 4, 5), date(2039, 5, 27), date(2039, 10, 2)),
    2040: (date(2040, 2, 11), date(2040, 4, 4), date(2040, 6, 14), date(2040, 9, 20)),
}
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def statutory_days(year: int) -> dict[date, str]:
    """Art.2's days off for all citizens (13 from 2025), plus Art.6's 补假 guessed for those on a weekend."""
    days: dict[date, str] = {date(year, 1, 1): "元旦", date(year, 5, 1): "劳动节", date(year, 5, 2): "劳动节"}
    days.update({date(year, 10, d): "国庆节" for d in (1, 2, 3)})
    lunar = LUNAR_FESTIVALS.get(year)
    if lunar is not None:
        eve, qingming, duanwu, zhongqiu = lunar
        days.update({eve + timedelta(days=i): "春节" for i in range(4)})
        days.update({qingming: "清明节", duanwu: "端午节", zhongqiu: "中秋节"})
    # 补假: a statutory day on a Saturday or Sunday is made up on the next weekday that is not already off
    for day, name in sorted(days.items()):
        if day.weekday() >= 5:
            extra = day + timedelta(days=1)
            while extra.weekday() >= 5 or extra in days:
                extra += timedelta(days=1)
            days[extra] = name
    return days


# --- the State Council's notice -------------------------------------------------------------------------


@dataclass
class Notice:
    year: int
    holidays: dict[date, str] = field(default_factory=dict)  # day -> festival
    workdays: dict[date, str] = field(default_factory=dict)  # make-up working days (调休上班)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.holidays)


CN_NUMBERS = "一二三四五六七八九十"
ITEM_RE = re.compile(rf"^\s*[{CN_NUMBERS}]+\s*[、.．]\s*([^：:]+?)\s*[：:]\s*(.+)$")
TITLE_RE = re.compile(r"(\d{4})\s*年\s*(?:部分)?节假日")
DATE_RE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
RANGE_RE = re.compile(
    r"((?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)\s*(?:至|—|－|-|~|～)\s*((?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)"
)
WEEKDAY_RE = re.compile(
    r"((?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)\s*[（(](?:农历[^）)]*?[、，,])?\s*(?:周|星期)([一二三四五六日天])\s*[）)]"
)
BRACKETS_RE = re.compile(r"[（(][^）)]*[）)]")
COUNT_RE = re.compile(r"共\s*(\d+)\s*天")
WEEKDAYS = "一二三四五六日"


def _dates(text: str, year: int, month: int | None) -> tuple[list[date], int | None]:
    """Every date in ``text``; a date without a month takes the one before it (9月29日、30日)."""
    found = []
    for y, m, d in DATE_RE.findall(text):
        month = int(m) if m else month
        if month is None:
            raise ValueError(f"{d}日没有月份")
        found.append(date(int(y) if y else year, month, int(d)))
    return found, month


def parse_notice(text: str, year: int | None = None) -> Notice:
    """The notice's items, one line each: ``一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。``"""
    title = TITLE_RE.search(text)
    title_year = int(title.group(1)) if title else None
    year = year or title_year
    if year is None:
        return Notice(
            0,
            problems=[
                "没有找到年份：请粘贴通知的标题（如“国务院办公厅关于2027年部分节假日安排的通知”），或选择年份。"
            ],
        )
    notice = Notice(year)
    if title_year is not None and title_year != year:
        notice.problems.append(f"通知标题是{title_year}年，与所选的{year}年不一致。")
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    items = 0
    for number, line in enumerate(lines, 1):
        match = ITEM_RE.match(line)
        if not match:
            continue
        items += 1
        name, body = match.group(1), match.group(2)
        festival = "、".join(f for f in FESTIVALS if f.removesuffix("节") in name) or name
        where = f"第{number}行（{name}）"
        for day_text, weekday in WEEKDAY_RE.findall(body):
            try:
                (day,), _m = _dates(day_text, year, _month_before(body, day_text))
            except ValueError:
                continue
            if WEEKDAYS.index("日" if weekday == "天" else weekday) != day.weekday():
                notice.problems.append(
                    f"{where}：{day.month}月{day.day}日是星期{WEEKDAYS[day.weekday()]}，不是星期{weekday}。"
                )
        plain = BRACKETS_RE.sub("", body)
        for sentence in (s.strip() for s in re.split(r"[。；;]", plain)):
            if not sentence:
                continue
            try:
                _read_sentence(sentence, festival, year, notice, where)
            except ValueError as exc:
                notice.problems.append(f"{where}：日期读不出（{exc}）：{sentence}")
    if not items:
        notice.problems.append("没有读到放假安排：每项应单独一行，如“一、元旦：1月1日放假，共1天。”")
    both = sorted(set(notice.holidays) & set(notice.workdays))
    for day in both:
        notice.problems.append(f"{day.isoformat()} 既写了放假又写了上班。")
    for day in sorted(notice.workdays):
        if day.weekday() < 5:
            notice.problems.append(
                f"调休上班日 {day.isoformat()} 是星期{WEEKDAYS[day.weekday()]}，应为周六或周日。"
            )
    if items:  # the fixed statutory days are always in the notice's holidays
        for day, name in (
            (date(year, 1, 1), "元旦"),
            (date(year, 5, 1), "劳动节"),
            (date(year, 10, 1), "国庆节"),
        ):
            if day not in notice.holidays:
                notice.problems.append(f"{day.isoformat()}（{name}）是法定节日，通知中却没有放假。")
    return notice


def _month_before(body: str, day_text: str) -> int | None:
    """The month a bare ``30日`` inherits: the last month written before it."""
    if "月" in day_text:
        return None
    before = body[: body.find(day_text)]
    months = re.findall(r"(\d{1,2})月", before)
    return int(months[-1]) if months else None


def _read_sentence(sentence: str, festival: str, year: int, notice: Notice, where: str) -> None:
    if "上班" in sentence:
        days, _month = _dates(sentence, year, None)
        for day in days:
            notice.workdays[day] = festival
        return
    if sentence.startswith("不") or not re.search(r"放假|补休|调休|休息", sentence):
        return
    count = COUNT_RE.search(sentence)
    span = RANGE_RE.search(sentence)
    if span:
        (first,), month = _dates(span.group(1), year, None)
        (last,), _m = _dates(span.group(2), first.year, month)
        if last < first and last.month < first.month:  # 12月30日至1月1日: the range runs into the next year
            last = last.replace(year=last.year + 1)
        if last < first or (last - first).days > 15:
            raise ValueError(f"{span.group(0)} 不是一段假期")
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    else:
        days, _month = _dates(sentence, year, None)
        days = days[:1]
    if not days:
        return
    if count and int(count.group(1)) != len(days):
        notice.problems.append(f"{where}：写明共{count.group(1)}天，日期算下来是{len(days)}天。")
    for day in days:
        notice.holidays[day] = festival
