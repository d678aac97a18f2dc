"""The station's own holiday table and time-limit rules (both data, both audited).

After any change the deadlines of open records are recomputed in the same transaction, so the register
never shows a deadline counted on the old calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from weiquan_desktop import domain
from weiquan_desktop.errors import ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Holiday, TimeLimitRule
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
            conflict_target=[Holiday.day], preserve=[Holiday.workday, Holiday.name]).execute()
        audit.append("calendar.set", actor=name_of(actor), entity="holiday", entity_id=day.isoformat(),
                     detail={"before": None if before is None else ("调休上班" if before.workday else "放假"),
                             "after": "调休上班" if workday else "放假", "name": name})
        return deadlines.refresh_open_records()


def remove_day(day: date, *, actor: Actor | None = None) -> int:
    auth.require(actor, "edit_rules")
    with write_transaction():
        deleted = Holiday.delete().where(Holiday.day == day).execute()
        if deleted:
            audit.append("calendar.remove", actor=name_of(actor), entity="holiday", entity_id=day.isoformat())
        return deadlines.refresh_open_records()


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
    return [RuleRow(r.id, r.code, r.title, r.effective_from, r.amount, r.unit, r.basis or "")
            for r in TimeLimitRule.select().order_by(TimeLimitRule.code, TimeLimitRule.effective_from)]


def save_rule(code: str, effective_from: date, amount: int, unit: str, title: str, basis: str = "", *,
              actor: Actor | None = None) -> int:
    """Add a rule in force from a date, or change the one with that code and date."""
    auth.require(actor, "edit_rules")
    if unit not in domain.TIME_UNITS:
        raise ValidationError(f"时限单位应为：{'、'.join(domain.TIME_UNITS.values())}。", "单位")
    if not isinstance(amount, int) or not 0 < amount <= 365:
        raise ValidationError("时限应为 1 至 365 之间的整数。", "时限")
    if not code.strip() or not title.strip():
        raise ValidationError("请填写时限名称。", "名称")
    with write_transaction():
        existing = TimeLimitRule.get_or_none(TimeLimitRule.code == code, TimeLimitRule.effective_from == effective_from)
        if existing is None:
            TimeLimitRule.create(code=code, effective_from=effective_from, amount=amount, unit=unit,
                                 title=title.strip(), basis=basis.strip() or None)
        else:
            TimeLimitRule.update(amount=amount, unit=unit, title=title.strip(), basis=basis.strip() or None).where(
                TimeLimitRule.id == existing.id).execute()
        audit.append("rule.save", actor=name_of(actor), entity="time_limit_rule", entity_id=f"{code}@{effective_from}",
                     detail={"before": None if existing is None else [existing.amount, existing.unit],
                             "after": [amount, unit]})
        return deadlines.refresh_open_records()
