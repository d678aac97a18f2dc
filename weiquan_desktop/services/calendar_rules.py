"""The station's own holiday table and time-limit rules (both data, both audited).

After any change the deadlines of open records are recomputed in the same transaction, so the register
never shows a deadline counted on the old calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from weiquan_desktop import domain
from weiquan_desktop import holidays as public_holidays
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Holiday, Setting, TimeLimitRule
from weiquan_desktop.services import audit, auth, deadlines
from weiquan_desktop.services.actor import Actor, name_of


def holidays(year: int | None = None) -> list[Holiday]:
    query = Holiday.select().order_by(Holiday.day)
    if year is not None:
        query = query.where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(query)


def set_day(day: date, workday: bool, name: str = "", *, actor: Actor | None = None) -> int:
    """Enter a holiday (workday=False) or a make-up working day (True); returns open records re-dated."""
    auth.require(actor, "edit_rules")
    if not isinstance(day, date):
        raise ValidationError("请填写日期。", "日期")
    with write_transaction():
        before = Holiday.get_or_none(Holiday.day == day)
        Holiday.insert(day=day, workday=workday, name=name.strip() or None).on_conflict(
            conflict_target=[Holiday.day], preserve=[Holiday.workday, Holiday.name]
        ).execute()
        audit.append(
            "calendar.set",
            actor=name_of(actor),
            entity="holiday",
            entity_id=day.isoformat(),
            detail={
                "before": None if before is None else ("调休上班" if before.workday else "放假"),
                "after": "调休上班" if workday else "放假",
                "name": name,
            },
        )
        return deadlines.refresh_after_calendar_change(day)


def remove_day(day: date, *, actor: Actor | None = None) -> int:
    auth.require(actor, "edit_rules")
    with write_transaction():
        deleted = Holiday.delete().where(Holiday.day == day).execute()
        if deleted:
            audit.append("calendar.remove", actor=name_of(actor), entity="holiday", entity_id=day.isoformat())
        return deadlines.refresh_after_calendar_change(day)


@dataclass
class RuleRow:
    id: int
    code: str
    title: str
    effective_from: date
    amount: int
    unit: str
    basis: str


def rules() -> list[RuleRow]:
    return [
        RuleRow(r.id, r.code, r.title, r.effective_from, r.amount, r.unit, r.basis or "")
        for r in TimeLimitRule.select().order_by(TimeLimitRule.code, TimeLimitRule.effective_from)
    ]


def save_rule(
    code: str,
    effective_from: date,
    amount: int,
    unit: str,
    title: str,
    basis: str = "",
    *,
    actor: Actor | None = None,
) -> int:
    """Add a rule in force from a date, or change the one with that code and date."""
    auth.require(actor, "edit_rules")
    if unit not in domain.TIME_UNITS:
        raise ValidationError(f"时限单位应为：{'、'.join(domain.TIME_UNITS.values())}。", "单位")
    if not isinstance(amount, int) or not 0 <= amount <= 365 or (amount == 0 and unit != "calendar_days"):
        raise ValidationError("时限应为 1 至 365 之间的整数（“当日”可写 0 日）。", "时限")
    if not code.strip() or not title.strip():
        raise ValidationError("请填写时限名称。", "名称")
    with write_transaction():
        existing = TimeLimitRule.get_or_none(
            TimeLimitRule.code == code, TimeLimitRule.effective_from == effective_from
        )
        if existing is None:
            TimeLimitRule.create(
                code=code,
                effective_from=effective_from,
                amount=amount,
                unit=unit,
                title=title.strip(),
                basis=basis.strip() or None,
            )
        else:
            TimeLimitRule.update(
                amount=amount, unit=unit, title=title.strip(), basis=basis.strip() or None
            ).where(TimeLimitRule.id == existing.id).execute()
        audit.append(
            "rule.save",
            actor=name_of(actor),
            entity="time_limit_rule",
            entity_id=f"{code}@{effective_from}",
            detail={
                "before": None if existing is None else [existing.amount, existing.unit],
                "after": [amount, unit],
            },
        )
        return deadlines.refresh_after_calendar_change()


# --- the State Council's annual notice ------------------------------------------------------------------


@dataclass
class Redated:
    case_no: str
    label: str
    before: date | None
    after: date | None
    was_estimated: bool = False
    estimated: bool = False

    def text(self) -> str:
        def show(day: date | None, estimated: bool) -> str:
            return f"{day.isoformat()}{'（估算）' if estimated else ''}" if day else "—"

        return f"{self.case_no}　{self.label}　{show(self.before, self.was_estimated)} → {show(self.after, self.estimated)}"


@dataclass
class NoticePreview:
    notice: public_holidays.Notice
    redated: list[Redated]


def read_notice_file(path: Path) -> str:
    """The notice as saved from gov.cn or a colleague: UTF-8 (with or without BOM) or GB18030, at most 1 MB."""
    try:
        size = path.stat().st_size
        raw = path.read_bytes() if size <= 1_000_000 else b""
    except OSError as exc:
        raise UserError(f"无法读取 {path.name}：{exc.strerror or exc}") from None
    if size > 1_000_000:
        raise UserError(f"{path.name} 太大（{size // 1024} KB），不像是放假通知的文本。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{path.name} 不是文本文件：请把通知全文复制粘贴进来，或另存为 .txt。")


def _calendar_with(notice: public_holidays.Notice) -> deadlines.WorkCalendar:
    current = deadlines.WorkCalendar.from_database()
    overrides = {d: w for d, w in current.overrides.items() if d.year != notice.year or not _from_notice(d)}
    overrides.update(dict.fromkeys(notice.holidays, False))
    overrides.update(dict.fromkeys(notice.workdays, True))
    return deadlines.WorkCalendar(overrides, current.notice_years | {notice.year})


def _from_notice(day: date) -> bool:
    row = Holiday.get_or_none(Holiday.day == day)
    return row is not None and (row.name or "") in NOTICE_NAMES


NOTICE_NAMES = {*public_holidays.FESTIVALS, "国庆节、中秋节", "中秋节、国庆节", "元旦、春节"}


def preview_notice(text: str, year: int | None = None) -> NoticePreview:
    """The notice read and checked, and the open cases whose next deadline it would move; changes nothing."""
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.services import duties

    notice = public_holidays.parse_notice(text, year)
    redated: list[Redated] = []
    if notice.ok:
        book = deadlines.RuleBook(_calendar_with(notice))
        since = duties.notices_since()
        start = date(notice.year, 1, 1) - timedelta(days=90)
        records = list(Record.select().where(Record.deleted_at.is_null(), Record.next_due >= start))
        facts = duties.facts_for([r.id for r in records])
        for record in records:
            before = (record.next_due, record.due_label, bool(record.due_estimated))
            deadlines.refresh(record, book, facts[record.id], since)
            if (record.next_due, record.due_label, bool(record.due_estimated)) != before:
                redated.append(
                    Redated(
                        record.case_no,
                        record.due_label or before[1] or "",
                        before[0],
                        record.next_due,
                        before[2],
                        bool(record.due_estimated),
                    )
                )
    return NoticePreview(notice, redated)


def import_notice(text: str, year: int | None = None, *, actor: Actor | None = None) -> NoticePreview:
    """Load the year's holidays and make-up working days from the notice, in one transaction: the year's
    earlier notice days are replaced, the station's local days kept, and open deadlines recounted."""
    auth.require(actor, "edit_rules")
    preview = preview_notice(text, year)
    notice = preview.notice
    if not notice.ok:
        raise UserError(
            "放假通知未导入，日历没有改动：\n" + "\n".join(notice.problems or ["没有读到放假日期。"])
        )
    with write_transaction():
        first, last = date(notice.year, 1, 1), date(notice.year, 12, 31)
        old = [
            h.day
            for h in Holiday.select().where(Holiday.day.between(first, last))
            if (h.name or "") in NOTICE_NAMES
        ]
        if old:
            Holiday.delete().where(Holiday.day.in_(old)).execute()
        for day, workday, name in [(d, False, n) for d, n in notice.holidays.items()] + [
            (d, True, n) for d, n in notice.workdays.items()
        ]:
            Holiday.insert(day=day, workday=workday, name=name[:50]).on_conflict(
                conflict_target=[Holiday.day], preserve=[Holiday.workday, Holiday.name]
            ).execute()
        key = deadlines.NOTICE_KEY.format(year=notice.year)
        Setting.insert(key=key, value=date.today().isoformat()).on_conflict(
            conflict_target=[Setting.key], preserve=[Setting.value]
        ).execute()
        audit.append(
            "calendar.notice",
            actor=name_of(actor),
            entity="holiday",
            entity_id=str(notice.year),
            detail={
                "放假": len(notice.holidays),
                "调休上班": len(notice.workdays),
                "重新计算期限": len(preview.redated),
            },
        )
        deadlines.refresh_after_calendar_change(first)
    return preview


def next_year_missing(today: date | None = None) -> str | None:
    """From December on, while next year's notice is not in: a reminder for the status bar and the calendar."""
    today = today or date.today()
    if today.month < 12:
        return None
    year = today.year + 1
    if not deadlines.WorkCalendar.from_database().is_estimated_year(year):
        return None
    return (
        f"尚未导入{year}年放假安排：{year}年的期限暂按法定节假日估算。国务院办公厅通知发布后，"
        "请在“站点设置 → 节假日与调休”中导入。"
    )


def year_days(year: int) -> list[tuple[date, bool, str]]:
    """The year's days off and make-up working days as the program counts them: the library's, the station's
    own (an imported notice, local days), or, for a year with neither, the statutory estimate."""
    import chinese_calendar

    calendar = deadlines.WorkCalendar.from_database()
    out: dict[date, tuple[bool, str]] = {}
    day = date(year, 1, 1)
    while day.year == year:
        workday = calendar.is_workday(day)
        if workday != (day.weekday() < 5):
            name = ""
            if day in calendar.overrides:
                row = Holiday.get_or_none(Holiday.day == day)
                name = (row.name or "") if row else ""
            elif calendar.is_estimated_year(year):
                name = public_holidays.statutory_days(year).get(day, "") + "（估算）"
            else:
                english = chinese_calendar.get_holiday_detail(day)[1]
                name = next(
                    (h.chinese for h in chinese_calendar.Holiday if h.value == english), english or ""
                )
            out[day] = (workday, name)
        day += timedelta(days=1)
    return [(d, w, n) for d, (w, n) in sorted(out.items())]
