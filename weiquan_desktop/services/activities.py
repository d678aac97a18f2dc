"""Publicity and training activities (活动): listed, added, changed; counted in reports and evaluation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from weiquan_desktop import domain, validation
from weiquan_desktop.errors import ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Activity, ActivityStaff, Staff
from weiquan_desktop.services import audit
from weiquan_desktop.services.actor import Actor, name_of


@dataclass
class ActivityRow:
    id: int
    held_on: date
    type: str
    place: str
    participants: int | None
    staff: str
    materials: str


def list_activities(year: int | None = None) -> list[ActivityRow]:
    query = Activity.select().order_by(Activity.held_on.desc(), Activity.id.desc())
    if year is not None:
        query = query.where(Activity.held_on.between(date(year, 1, 1), date(year, 12, 31)))
    activities = list(query)
    names: dict[int, list[str]] = defaultdict(list)
    links = (
        ActivityStaff.select(ActivityStaff.activity, Staff.name)
        .join(Staff)
        .where(ActivityStaff.activity.in_([a.id for a in activities]))
        .order_by(Staff.id)
        .tuples()
    )
    for activity_id, name in links:
        names[activity_id].append(name)
    return [
        ActivityRow(
            a.id, a.held_on, a.type, a.place or "", a.participants, "、".join(names[a.id]), a.materials or ""
        )
        for a in activities
    ]


def save_activity(
    held_on: date,
    type_: str,
    place: str,
    participants: int | None,
    materials: str,
    description: str,
    staff_ids: list[int],
    *,
    activity_id: int | None = None,
    actor: Actor | None = None,
) -> Activity:
    if type_ not in domain.ACTIVITY_TYPES:
        raise ValidationError(f"活动类型应为：{'、'.join(domain.ACTIVITY_TYPES)}。", "活动类型")
    validation.not_future(held_on, "活动日期")
    if participants is not None and participants < 0:
        raise ValidationError("参与人数不能为负数。", "参与人数")
    if not staff_ids:
        raise ValidationError("请至少选择一名参加的工作人员。", "工作人员")
    with write_transaction():
        activity = Activity.get_by_id(activity_id) if activity_id else Activity()
        activity.held_on, activity.type, activity.place = held_on, type_, place.strip() or None
        activity.participants, activity.materials = participants, materials.strip() or None
        activity.description = description.strip() or None
        activity.save()
        ActivityStaff.delete().where(ActivityStaff.activity == activity).execute()
        for staff_id in dict.fromkeys(staff_ids):
            ActivityStaff.create(activity=activity, staff=staff_id)
        audit.append(
            "activity.save",
            actor=name_of(actor),
            entity="activity",
            entity_id=activity.id,
            detail={"日期": held_on, "类型": type_},
        )
    return activity
