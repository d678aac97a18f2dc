"""Registering a consultation, complaint, report or suggestion (受理登记), and the acceptance decision.

Validation happens here, not only in the dialog: the importer and the command line go through the same
checks. A registration is one transaction: case number, record, history event, audit row and deadline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TypeVar

from weiquan_desktop import domain, validation
from weiquan_desktop.domain import Decision, Kind, Source, State
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Business, Draft, Record, Staff
from weiquan_desktop.services import audit, deadlines, duties, lifecycle, numbering, station
from weiquan_desktop.services.actor import Actor, id_of, name_of
from weiquan_desktop.text import initials, plain_text, record_search_text

T = TypeVar("T")


@dataclass
class IntakeForm:
    """What the intake dialog collects. Text as typed; ``validate`` cleans and checks it."""

    kind: str = Kind.COMPLAINT
    source: str = Source.WALK_IN
    received_at: datetime | None = None  # None: now
    complainant_name: str = ""
    phone: str = ""
    id_type: str = "居民身份证"
    id_number: str = ""
    address: str = ""
    anonymous: bool = False
    agent_name: str = ""
    agent_id_number: str = ""
    agent_authorisation: str = ""
    agent_phone: str = ""
    consent_publish: bool = False  # 是否同意公示投诉信息 (asked at intake; SAMR 投诉登记表)
    consent_mediation: bool = True  # 是否同意委托调解
    respondent_id: int | None = None
    respondent_name: str = ""
    respondent_contact: str = (
        ""  # filled from the business record when one is chosen and these are left empty
    )
    respondent_phone: str = ""
    respondent_address: str = ""
    category: str = ""
    item: str = ""
    nature: str = ""
    purchase_date: date | None = None
    amount: str = ""
    place: str = ""
    facts: str = ""
    evidence: str = ""  # 证明材料: what the consumer showed or handed in
    demands: list[str] = field(default_factory=list)
    clues: str = ""
    external_no: str = ""
    external_due: date | None = None  # the feedback deadline the 12315 or bureau sheet set, when it set one
    is_group: bool = False
    group_size: int | None = None
    answer: str = ""  # consultation answered on the spot
    reply_due: datetime | None = None  # or: reply by an agreed time
    handler_id: int | None = None
    remark: str = ""
    new_business: bool = False  # add the typed respondent to the site's businesses, with the registration

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> IntakeForm:
        data = json.loads(text)
        for key in ("received_at", "reply_due"):
            if data.get(key):
                data[key] = datetime.fromisoformat(data[key])
        for key in ("purchase_date", "external_due"):
            if data.get(key):
                data[key] = date.fromisoformat(data[key])
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def _check(errors: list[ValidationError], fn: Callable[..., T], *args: object, **kwargs: object) -> T | None:
    """Run one field check, collecting its error instead of raising it."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        errors.append(exc)
        return None


def check(form: IntakeForm, now: datetime | None = None) -> tuple[dict, list[ValidationError]]:
    """Every problem of the form (for inline display), and the cleaned values."""
    now = now or datetime.now()
    errors: list[ValidationError] = []
    kind = form.kind
    if kind not in domain.KINDS:
        errors.append(ValidationError(f"“类型”应为：{'、'.join(domain.KINDS)}。", "类型"))
    if form.source not in domain.SOURCES:
        errors.append(ValidationError(f"“来源”应为：{'、'.join(domain.SOURCES)}。", "来源"))
    received = (form.received_at or now).replace(microsecond=0)
    _check(errors, validation.not_future, received, "登记时间", now)
    clean: dict = {"kind": kind, "source": form.source, "received_at": received}

    text = {  # control characters pasted from Word (its line breaks) go here, before anything stores them
        k: plain_text(getattr(form, k) or "").strip()
        for k in (
            "complainant_name",
            "phone",
            "id_number",
            "address",
            "agent_name",
            "agent_id_number",
            "agent_authorisation",
            "agent_phone",
            "respondent_name",
            "respondent_contact",
            "respondent_phone",
            "respondent_address",
            "item",
            "place",
            "facts",
            "evidence",
            "clues",
            "external_no",
            "answer",
            "remark",
        )
    }
    anonymous = bool(form.anonymous) and kind == Kind.REPORT
    if kind == Kind.COMPLAINT:
        _check(errors, validation.required, text["complainant_name"], "消费者姓名")
        _check(errors, validation.required, text["phone"], "联系电话")
        _check(errors, validation.required, text["respondent_name"], "被投诉方")
        _check(errors, validation.required, form.category, "商品服务大类")
        _check(errors, validation.required, form.nature, "问题性质")
        _check(errors, validation.required, text["facts"], "事实与理由")
        if not form.demands:
            errors.append(ValidationError("请至少选择一项“诉求”。", "诉求"))
    elif kind == Kind.REPORT:
        _check(errors, validation.required, text["respondent_name"], "被举报方")
        if not (text["clues"] or text["facts"]):
            errors.append(ValidationError("“具体线索”不能为空。", "具体线索"))
        if not anonymous:
            _check(errors, validation.required, text["complainant_name"], "举报人姓名")
    elif kind == Kind.CONSULTATION:
        _check(errors, validation.required, text["facts"], "咨询内容")
        if not text["answer"] and form.reply_due is None:
            errors.append(ValidationError("请填写“当场答复”内容，或约定“答复时间”。", "答复"))
    elif kind == Kind.SUGGESTION:
        _check(errors, validation.required, text["facts"], "建议内容")
    if form.source in domain.TRANSFER_SOURCES:
        _check(errors, validation.required, text["external_no"], "转办编号")
        received_on = (form.received_at or now or datetime.now()).date()
        if form.external_due is not None and form.external_due < received_on:
            errors.append(ValidationError("“反馈期限”不能早于登记时间。", "反馈期限"))
    if text["phone"]:
        clean["phone"] = _check(errors, validation.phone, text["phone"], "联系电话")
    for key, label in (("agent_phone", "代理人电话"), ("respondent_phone", "被投诉方电话")):
        if text[key]:
            clean[key] = _check(errors, validation.phone, text[key], label, allow_service=True)
    group_size = form.group_size
    if group_size is not None and (not form.is_group or group_size < 2 or group_size > 100000):
        errors.append(
            ValidationError("群体性投诉的“涉及人数”应为 2 人以上；不是群体性投诉时不填。", "涉及人数")
        )
    id_type = form.id_type or "居民身份证"
    if text["id_number"] and (
        id_type == "居民身份证" or validation.looks_like_resident_id(text["id_number"])
    ):
        clean["id_number"] = _check(errors, validation.resident_id, text["id_number"], "证件号码")
    if text["agent_name"]:
        if not text["agent_id_number"]:
            errors.append(ValidationError("有代理人时须填写“代理人证件号码”。", "代理人证件号码"))
        elif validation.looks_like_resident_id(text["agent_id_number"]):
            _check(errors, validation.resident_id, text["agent_id_number"], "代理人证件号码")
        if not text["agent_authorisation"]:
            errors.append(ValidationError("有代理人时须登记“授权委托书”的委托事项、权限和期限。", "授权委托"))
    if form.category and form.category not in domain.CATEGORIES:
        errors.append(ValidationError(f"“商品服务大类”不在分类表中：{form.category}", "商品服务大类"))
    if form.nature and form.nature not in domain.NATURES:
        errors.append(ValidationError(f"“问题性质”不在分类表中：{form.nature}", "问题性质"))
    bad_demands = [d for d in form.demands if d not in domain.DEMANDS]
    if bad_demands:
        errors.append(ValidationError(f"“诉求”中有不认识的项：{'、'.join(bad_demands)}", "诉求"))
    amount = _check(errors, validation.money, form.amount, "涉及金额")
    if form.purchase_date is not None:
        _check(errors, validation.not_future, form.purchase_date, "购买日期", now)
        if form.purchase_date > received.date():
            errors.append(ValidationError("“购买日期”不能晚于登记时间。", "购买日期"))
    if form.reply_due is not None and not text["answer"] and form.reply_due <= received:
        errors.append(ValidationError("约定的“答复时间”应晚于登记时间。", "答复时间"))
    if form.handler_id is not None and not Staff.select().where(Staff.id == form.handler_id).exists():
        errors.append(ValidationError("“经办人”不存在。", "经办人"))
    if (
        form.respondent_id is not None
        and not Business.select().where(Business.id == form.respondent_id).exists()
    ):
        errors.append(ValidationError("所选被投诉方已不存在，请重新选择。", "被投诉方"))

    clean.update(
        {
            "complainant_name": None if anonymous else (text["complainant_name"] or None),
            "phone": None if anonymous else (clean.get("phone") or None),
            "id_type": id_type if text["id_number"] and not anonymous else None,
            "id_number": None if anonymous else (clean.get("id_number") or text["id_number"] or None),
            "address": None if anonymous else (text["address"] or None),
            "anonymous": anonymous,
            "agent_name": text["agent_name"] or None,
            "agent_id_number": text["agent_id_number"] or None,
            "agent_authorisation": text["agent_authorisation"] or None,
            "agent_phone": clean.get("agent_phone") or None,
            "consent_publish": bool(form.consent_publish) and kind == Kind.COMPLAINT,
            "consent_mediation": bool(form.consent_mediation) if kind == Kind.COMPLAINT else False,
            "respondent": form.respondent_id,
            "respondent_name": text["respondent_name"] or None,
            "respondent_contact": text["respondent_contact"] or None,
            "respondent_phone": clean.get("respondent_phone") or None,
            "respondent_address": text["respondent_address"] or None,
            "evidence": text["evidence"] or None,
            "group_size": group_size if form.is_group else None,
            "category": form.category or None,
            "category_group": domain.category_group(form.category),
            "item": text["item"] or None,
            "nature": form.nature or None,
            "purchase_date": form.purchase_date,
            "amount": amount,
            "place": text["place"] or None,
            "facts": text["facts"] or None,
            "demands": domain.DEMAND_SEPARATOR.join(d for d in domain.DEMANDS if d in form.demands) or None,
            "clues": text["clues"] or None,
            "external_no": text["external_no"] or None,
            "external_due": form.external_due if form.source in domain.TRANSFER_SOURCES else None,
            "is_group": bool(form.is_group),
            "handler": form.handler_id,
            "remark": text["remark"] or None,
            "answer": text["answer"] or None,
            "reply_due": None if text["answer"] else form.reply_due,
        }
    )
    return clean, errors


def validate(form: IntakeForm, now: datetime | None = None) -> dict:
    clean, errors = check(form, now)
    if errors:
        raise errors[0]
    return clean


def add_event(
    record: Record,
    action: str,
    actor: Actor | None,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: dict | None = None,
    at: datetime | None = None,
) -> None:
    audit.append_event(
        record.id,
        action,
        staff_id=id_of(actor),
        actor=name_of(actor),
        from_state=from_state,
        to_state=to_state,
        at=at or datetime.now(),
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )


def update_search_text(record: Record) -> None:
    record.search_text = record_search_text(record)


def register(
    form: IntakeForm, actor: Actor | None = None, *, now: datetime | None = None, drop_draft: bool = False
) -> Record:
    """Validate and save a new record; returns it with its case number.

    ``drop_draft``: the autosaved intake draft goes in the same transaction, so a crash can never leave
    both a saved case and a draft that would register it twice."""
    clean = validate(form, now)
    kind = clean["kind"]
    initial = domain.STATES[kind][0]
    if kind == Kind.CONSULTATION and clean["answer"]:
        clean["state"], clean["closed_at"] = State.ANSWERED, clean["received_at"]
    else:
        clean["state"] = initial
    with write_transaction():
        code = station.station_code()
        if form.new_business and clean["respondent"] is None and clean["respondent_name"]:
            # created with the registration, so an abandoned one leaves no merchant behind
            clean["respondent"] = add_business(
                clean["respondent_name"],
                booth=clean.get("place") or "",
                contact=clean.get("respondent_contact") or "",
                phone=clean.get("respondent_phone") or "",
                address=clean.get("respondent_address") or "",
                actor=actor,
            ).id
        _fill_from_business(clean)
        (case_no,) = numbering.allocate(code, clean["received_at"].year)
        record = Record(case_no=case_no, **clean)
        if record.handler is None and actor is not None:
            record.handler_id = actor.id
        update_search_text(record)
        found = deadlines.refresh(record)
        record.save(force_insert=True)
        duties.store({record.id: found})
        add_event(record, "登记", actor, to_state=record.state, detail={"来源": record.source})
        if record.state == State.ANSWERED:
            add_event(record, "当场答复", actor, from_state=initial, to_state=State.ANSWERED)
        audit.append(
            "record.create",
            actor=name_of(actor),
            entity="record",
            entity_id=case_no,
            detail={"类型": kind, "来源": record.source},
        )
        if drop_draft:
            discard_draft(actor)
    return record


def _fill_from_business(clean: dict) -> None:
    """The chosen business's contact, phone and address, where the form left them empty: the record keeps
    them as they were on the day."""
    business = (
        Business.get_or_none(Business.id == clean.get("respondent")) if clean.get("respondent") else None
    )
    if business is None:
        return
    for key, value in (
        ("respondent_contact", business.contact),
        ("respondent_phone", business.phone),
        ("respondent_address", business.address),
    ):
        if not clean.get(key) and value:
            clean[key] = value


def load_for_change(record_id: int, expected_version: int | None) -> Record:
    """Inside a write transaction: the record, refusing the change if someone else saved it meanwhile."""
    record = Record.get_or_none(Record.id == record_id)
    if record is None or record.deleted_at is not None:
        raise UserError("该记录不存在或已被删除。")
    if expected_version is not None and record.version != expected_version:
        raise UserError(f"案件 {record.case_no} 已被其他人修改过，请关闭后重新打开再操作（您的修改未保存）。")
    return record


def save_changed(record: Record) -> None:
    record.version += 1
    record.updated_at = datetime.now().replace(microsecond=0)
    update_search_text(record)
    found = deadlines.refresh(record)
    record.save()
    duties.store({record.id: [] if record.deleted_at else found})


EDITABLE = (
    "source",
    "received_at",
    "complainant_name",
    "phone",
    "id_type",
    "id_number",
    "address",
    "anonymous",
    "agent_name",
    "agent_id_number",
    "agent_authorisation",
    "agent_phone",
    "consent_publish",
    "consent_mediation",
    "respondent",
    "respondent_name",
    "respondent_contact",
    "respondent_phone",
    "respondent_address",
    "category",
    "category_group",
    "item",
    "nature",
    "purchase_date",
    "amount",
    "place",
    "facts",
    "evidence",
    "demands",
    "clues",
    "external_no",
    "external_due",
    "is_group",
    "group_size",
    "handler",
    "remark",
)


def form_of(record: Record) -> IntakeForm:
    """The intake form as the record holds it, for correcting a registration."""
    return IntakeForm(
        kind=record.kind,
        source=record.source,
        received_at=record.received_at,
        complainant_name=record.complainant_name or "",
        phone=record.phone or "",
        id_type=record.id_type or "居民身份证",
        id_number=record.id_number or "",
        address=record.address or "",
        anonymous=record.anonymous,
        agent_name=record.agent_name or "",
        agent_id_number=record.agent_id_number or "",
        agent_authorisation=record.agent_authorisation or "",
        agent_phone=record.agent_phone or "",
        consent_publish=record.consent_publish,
        consent_mediation=record.consent_mediation,
        respondent_id=record.respondent_id,
        respondent_name=record.respondent_name or "",
        respondent_contact=record.respondent_contact or "",
        respondent_phone=record.respondent_phone or "",
        respondent_address=record.respondent_address or "",
        category=record.category or "",
        item=record.item or "",
        nature=record.nature or "",
        purchase_date=record.purchase_date,
        amount="" if record.amount is None else str(record.amount),
        place=record.place or "",
        facts=record.facts or "",
        evidence=record.evidence or "",
        group_size=record.group_size,
        demands=[d for d in (record.demands or "").split(domain.DEMAND_SEPARATOR) if d],
        clues=record.clues or "",
        external_no=record.external_no or "",
        external_due=record.external_due,
        is_group=record.is_group,
        answer=record.answer or "",
        reply_due=record.reply_due,
        handler_id=record.handler_id,
        remark=record.remark or "",
    )


@dataclass
class Registered:
    """What the intake window needs to know of a record it saved."""

    id: int
    case_no: str


@dataclass
class EditableForm:
    form: IntakeForm
    version: int  # as read: a save over someone else's change since is refused
    case_no: str


def editable_form(record_id: int) -> EditableForm:
    record = Record.get_or_none(Record.id == record_id, Record.deleted_at.is_null())
    if record is None:
        raise UserError("该记录不存在或已被删除。")
    return EditableForm(form_of(record), record.version, record.case_no)


def update(
    record_id: int, form: IntakeForm, *, actor: Actor | None = None, version: int | None = None
) -> Record:
    """Correct a registration: the same checks as registering, each change recorded old -> new. A record
    someone else saved since it was opened is refused (the version), so no desk overwrites another."""
    clean = validate(form)
    with write_transaction():
        record = load_for_change(record_id, version)
        if record.kind != clean["kind"]:
            raise UserError("登记后不能更改类型；如登记错了，请删除后重新登记。")
        changes: dict[str, list[str | None]] = {}
        for name in EDITABLE:
            if name not in clean:
                continue
            old = (
                getattr(record, f"{name}_id") if name in ("respondent", "handler") else getattr(record, name)
            )
            new = clean[name]
            if old != new:
                changes[name] = [None if old is None else str(old), None if new is None else str(new)]
                setattr(record, name, new)
        if not changes:
            return record
        save_changed(record)
        add_event(record, "修改登记", actor, detail={"修改项": "、".join(changes)})
        audit.append(
            "record.update", actor=name_of(actor), entity="record", entity_id=record.case_no, detail=changes
        )
    return record


def decide(
    record_id: int,
    decision: str,
    *,
    ground: str | None = None,
    actor: Actor | None = None,
    version: int | None = None,
    at: datetime | None = None,
) -> Record:
    """受理 (the case goes to mediation) or 不予受理 with a ground (the case is closed)."""
    at = (at or datetime.now()).replace(microsecond=0)
    with write_transaction():
        record = load_for_change(record_id, version)
        if record.kind != Kind.COMPLAINT:
            raise UserError(f"只有投诉需要作出受理决定（{record.case_no} 是{record.kind}）。")
        if record.state != State.PENDING:
            raise UserError(f"案件 {record.case_no} 当前状态为“{record.state}”，已作出过受理决定。")
        if decision not in domain.DECISIONS:
            raise ValidationError("受理决定应为“受理”或“不予受理”。", "受理决定")
        if at < record.received_at:
            raise ValidationError("受理决定时间不能早于登记时间。", "受理决定时间")
        record.decision, record.decided_at = decision, at
        if decision == Decision.REJECTED:
            if ground is None or not ground.strip():
                raise ValidationError("不予受理须选择或填写理由。", "不予受理理由")
            record.rejection_ground = ground.strip()
        lifecycle.move(
            record,
            State.REJECTED if decision == Decision.REJECTED else State.MEDIATING,
            decision,
            actor,
            at,
            {"理由": record.rejection_ground} if record.rejection_ground else None,
        )
    return record


def answer(record_id: int, text: str, *, actor: Actor | None = None, version: int | None = None) -> Record:
    """Reply to a consultation that was given an agreed reply time."""
    with write_transaction():
        record = load_for_change(record_id, version)
        if record.kind != Kind.CONSULTATION or record.state != State.AWAITING_REPLY:
            raise UserError(f"案件 {record.case_no} 不是待回复的咨询。")
        record.answer = validation.required(text, "答复内容")
        lifecycle.move(record, State.ANSWERED, "答复", actor, datetime.now().replace(microsecond=0))
    return record


def add_business(
    name: str,
    *,
    booth: str = "",
    contact: str = "",
    phone: str = "",
    licence_no: str = "",
    address: str = "",
    actor: Actor | None = None,
) -> Business:
    """A new business at the site, created inline from the intake dialog."""
    name = validation.required(name, "被投诉方名称")
    if phone.strip():
        phone = validation.phone(phone, "商户电话", allow_service=True)
    with write_transaction():
        existing = Business.get_or_none(Business.name == name)
        if existing is not None:
            return existing
        business = Business.create(
            name=name,
            booth=booth.strip() or None,
            contact=contact.strip() or None,
            phone=phone.strip() or None,
            licence_no=licence_no.strip() or None,
            address=address.strip() or None,
            initials=initials(name),
        )
        audit.append(
            "business.create",
            actor=name_of(actor),
            entity="business",
            entity_id=business.id,
            detail={"名称": name},
        )
    return business


@dataclass
class BusinessRow:
    id: int
    name: str
    booth: str
    contact: str
    phone: str
    address: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.booth}）" if self.booth else self.name


def find_businesses(text: str, limit: int = 20) -> list[BusinessRow]:
    """Autocomplete: by name fragment or pinyin initials (mdl -> 麦当劳), active ones first."""
    text = text.strip()
    if not text:
        return []
    query = Business.select().where(
        Business.active, Business.name.contains(text) | Business.initials.startswith(text.lower())
    )
    return [
        BusinessRow(b.id, b.name, b.booth or "", b.contact or "", b.phone or "", b.address or "")
        for b in query.order_by(Business.name).limit(limit)
    ]


def suggest_category(respondent_name: str) -> str | None:
    """The category this respondent's complaints most often had: a first guess the clerk can change."""
    from peewee import fn

    name = (respondent_name or "").strip()
    if not name:
        return None
    row = (
        Record.select(Record.category, fn.COUNT(Record.id).alias("n"))
        .where(Record.respondent_name == name, Record.category.is_null(False), Record.deleted_at.is_null())
        .group_by(Record.category)
        .order_by(fn.COUNT(Record.id).desc())
        .limit(1)
        .tuples()
        .first()
    )
    return row[0] if row else None


# --- drafts: the form autosaved while typing, offered back after a crash or power cut -----------------

DRAFT_FORM = "intake"


def save_draft(form: IntakeForm, actor: Actor | None = None) -> None:
    with write_transaction():
        draft = Draft.get_or_none(Draft.form == DRAFT_FORM, Draft.staff == (actor.id if actor else None))
        now = datetime.now().replace(microsecond=0)
        if draft is None:
            Draft.create(form=DRAFT_FORM, staff=id_of(actor), payload=form.to_json(), updated_at=now)
        else:
            Draft.update(payload=form.to_json(), updated_at=now).where(Draft.id == draft.id).execute()


def load_draft(actor: Actor | None = None) -> tuple[IntakeForm, datetime] | None:
    draft = Draft.get_or_none(Draft.form == DRAFT_FORM, Draft.staff == (actor.id if actor else None))
    if draft is None:
        return None
    try:
        return IntakeForm.from_json(draft.payload), draft.updated_at
    except (ValueError, TypeError):  # a draft from an older form layout: not worth an error
        return None


def discard_draft(actor: Actor | None = None) -> None:
    with write_transaction():
        Draft.delete().where(Draft.form == DRAFT_FORM, Draft.staff == (actor.id if actor else None)).execute()
