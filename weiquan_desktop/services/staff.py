"""The roster: staff, their training, and the filing (备案) of a change of coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from weiquan_desktop import domain, validation
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import CoordinatorFiling, Staff, Training
from weiquan_desktop.services import audit, auth, station
from weiquan_desktop.services.actor import Actor, name_of

COORDINATOR = "协调员/联络员"
# the coordinator must have at least 高中 (station rules: 具备高中以上文化程度)
MIN_COORDINATOR_EDUCATION = domain.EDUCATION_LEVELS.index("高中")


@dataclass
class StaffInput:
    name: str
    role: str
    phone: str = ""
    education: str = ""


def _clean(data: StaffInput) -> StaffInput:
    name = validation.required(data.name, "姓名")
    if data.role not in domain.STAFF_ROLES:
        raise ValidationError(f"职务应为：{'、'.join(domain.STAFF_ROLES)}。", "职务")
    phone = validation.phone(data.phone, "电话") if data.phone.strip() else ""
    if data.education and data.education not in domain.EDUCATION_LEVELS:
        raise ValidationError(f"文化程度应为：{'、'.join(domain.EDUCATION_LEVELS)}。", "文化程度")
    if data.role == COORDINATOR and (
        not data.education or domain.EDUCATION_LEVELS.index(data.education) < MIN_COORDINATOR_EDUCATION
    ):
        raise ValidationError("协调员须具备高中以上文化程度。", "文化程度")
    return StaffInput(name, data.role, phone, data.education)


def roster(include_inactive: bool = False) -> list[Staff]:
    query = Staff.select().order_by(Staff.id)
    if not include_inactive:
        query = query.where(Staff.active)
    return list(query)


def coordinator() -> Staff | None:
    return Staff.select().where(Staff.active, Staff.role == COORDINATOR).order_by(Staff.id).first()


def save_staff(
    data: StaffInput,
    *,
    staff_id: int | None = None,
    actor: Actor | None = None,
    filed_with: str = "",
    reason: str = "",
) -> tuple[Staff, CoordinatorFiling | None]:
    """Add or change a staff member. Making someone the coordinator retires the previous one's role and
    records the filing (备案) to be printed and sent to the bureau, in the same transaction."""
    auth.require(actor, "manage_staff")
    clean = _clean(data)
    filing = None
    with write_transaction():
        staff = Staff.get_by_id(staff_id) if staff_id else Staff()
        before = {"姓名": staff.name, "职务": staff.role, "电话": staff.phone, "文化程度": staff.education}
        becomes_coordinator = clean.role == COORDINATOR and staff.role != COORDINATOR
        previous = coordinator() if becomes_coordinator else None
        staff.name, staff.role, staff.phone, staff.education = (
            clean.name,
            clean.role,
            clean.phone or None,
            clean.education or None,
        )
        staff.save()
        if previous is not None and previous.id != staff.id:
            Staff.update(role="工作人员/和解员").where(Staff.id == previous.id).execute()
        if becomes_coordinator:
            body = station.body_for("12315")
            filing = CoordinatorFiling.create(
                previous=previous.id if previous else None,
                successor=staff.id,
                changed_on=date.today(),
                filed_with=filed_with or (body.name if body else None),
                reason=reason.strip() or None,
            )
        after = {"姓名": staff.name, "职务": staff.role, "电话": staff.phone, "文化程度": staff.education}
        audit.append(
            "staff.save",
            actor=name_of(actor),
            entity="staff",
            entity_id=staff.id,
            detail={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return staff, filing


def deactivate(staff_id: int, *, actor: Actor | None = None) -> None:
    auth.require(actor, "manage_staff")
    if actor is not None and actor.id == staff_id:
        raise UserError("不能停用自己的账号。")
    with write_transaction():
        Staff.update(active=False).where(Staff.id == staff_id).execute()
        audit.append("staff.deactivate", actor=name_of(actor), entity="staff", entity_id=staff_id)


def add_training(
    staff_id: int,
    held_on: date,
    topic: str,
    hours: int | None = None,
    organiser: str = "",
    *,
    actor: Actor | None = None,
) -> Training:
    topic = validation.required(topic, "培训内容")
    with write_transaction():
        training = Training.create(
            staff=staff_id, held_on=held_on, topic=topic, hours=hours, organiser=organiser.strip() or None
        )
        audit.append(
            "staff.training", actor=name_of(actor), entity="staff", entity_id=staff_id, detail={"内容": topic}
        )
    return training
