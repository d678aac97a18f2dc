"""Publicity and training activities (活动)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from weiquan_desktop.models.schema import Activity, ActivityStaff, Staff


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
    links = (ActivityStaff.select(ActivityStaff.activity, Staff.name).join(Staff)
             .where(ActivityStaff.activity.in_([a.id for a in activities])).order_by(Staff.id).tuples())
    for activity_id, name in links:
        names[activity_id].append(name)
    return [ActivityRow(a.id, a.held_on, a.type, a.place or "", a.participants, "、".join(names[a.id]),
                        a.materials or "") for a in activities]
