"""From an accepted complaint to a closed case: sessions, clock pauses, settlement, termination, withdrawal,
referral, feedback and return visits.

The state machine lives here. Each transition checks the current state (and the version the caller read),
writes the change, a history event and an audit row in one transaction, and refuses what makes no sense
(settling a rejected case, closing twice) with a message that says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from weiquan_desktop import domain, validation
from weiquan_desktop.domain import Decision, Kind, State
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import (
    Body,
    ClockPause,
    MediationSession,
    Record,
    Referral,
    ReturnVisit,
    SettlementTerm,
    Staff,
    TransferFeedback,
)
from weiquan_desktop.services import audit, intake, lifecycle
from weiquan_desktop.services.actor import Actor, id_of, name_of
from weiquan_desktop.services.intake import add_event, load_for_change, save_changed

MONEY_TERMS = ("退货", "退款", "赔偿", "补足数量", "换货", "维修", "重作")


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _move(
    record: Record, target: str, action: str, actor: Actor | None, at: datetime, detail: dict | None = None
) -> None:
    lifecycle.move(record, target, action, actor, at, detail)


def _check_mediator(record: Record, mediator_id: int | None) -> None:
    if mediator_id is None:
        return
    staff = Staff.get_or_none(Staff.id == mediator_id)
    if staff is None:
        raise ValidationError("所选调解员不存在。", "调解员")
    if staff.business_id is not None and staff.business_id == record.respondent_id:
        raise ValidationError(
            f"{staff.name} 与被投诉方 {record.respondent_name} 有关联，应当回避，不能担任本案调解员。",
            "调解员",
        )


# --- sessions and the clock ---------------------------------------------------------------------------


def add_session(
    record_id: int,
    *,
    held_at: datetime,
    mode: str,
    mediator_id: int | None = None,
    attendees: str = "",
    consumer_statement: str = "",
    business_statement: str = "",
    notes: str = "",
    actor: Actor | None = None,
    version: int | None = None,
) -> MediationSession:
    if mode not in domain.MEDIATION_MODES:
        raise ValidationError(f"调解方式应为：{'、'.join(domain.MEDIATION_MODES)}。", "调解方式")
    validation.not_future(held_at, "调解时间")
    with write_transaction():
        record = load_for_change(record_id, version)
        if record.state != State.MEDIATING:
            raise UserError(f"案件 {record.case_no} 当前状态为“{record.state}”，不能记录调解。")
        if record.decided_at and held_at < record.decided_at.replace(second=0):  # the form has minutes only
            raise ValidationError("调解时间不能早于受理时间。", "调解时间")
        _check_mediator(record, mediator_id)
        session = MediationSession.create(
            record=record,
            held_at=held_at.replace(microsecond=0),
            mode=mode,
            mediator=mediator_id,
            attendees=attendees.strip() or None,
            consumer_statement=consumer_statement.strip() or None,
            business_statement=business_statement.strip() or None,
            notes=notes.strip() or None,
        )
        number = MediationSession.select().where(MediationSession.record == record).count()
        save_changed(record)
        add_event(
            record,
            f"第{number}次调解",
            actor,
            detail={"调解时间": held_at.strftime("%Y-%m-%d %H:%M"), "方式": mode},
        )
        audit.append(
            "mediation.session",
            actor=name_of(actor),
            entity="record",
            entity_id=record.case_no,
            detail={"次": number, "方式": mode},
        )
    return session


def pause_clock(
    record_id: int, started_on: date, reason: str, *, actor: Actor | None = None, version: int | None = None
) -> Record:
    """检验/检测/鉴定: the mediation limit stops counting from ``started_on``."""
    reason = validation.required(reason, "暂停原因")
    with write_transaction():
        record = load_for_change(record_id, version)
        if record.state != State.MEDIATING:
            raise UserError(f"案件 {record.case_no} 不在调解中，不能暂停计时。")
        if ClockPause.select().where(ClockPause.record == record, ClockPause.ended_on.is_null()).exists():
            raise UserError(f"案件 {record.case_no} 的调解期限已在暂停中。")
        ClockPause.create(record=record, started_on=started_on, reason=reason)
        save_changed(record)
        add_event(record, "暂停计时", actor, detail={"原因": reason, "起": started_on})
        audit.append("mediation.pause", actor=name_of(actor), entity="record", entity_id=record.case_no)
    return record


def resume_clock(
    record_id: int, ended_on: date, *, actor: Actor | None = None, version: int | None = None
) -> Record:
    with write_transaction():
        record = load_for_change(record_id, version)
        pause = ClockPause.get_or_none(ClockPause.record == record, ClockPause.ended_on.is_null())
        if pause is None:
            raise UserError(f"案件 {record.case_no} 的调解期限没有暂停。")
        if ended_on < pause.started_on:
            raise ValidationError("恢复日期不能早于暂停日期。", "恢复日期")
        pause.ended_on = ended_on
        pause.save()
        save_changed(record)
        add_event(record, "恢复计时", actor, detail={"止": ended_on})
        audit.append("mediation.resume", actor=name_of(actor), entity="record", entity_id=record.case_no)
    return record


# --- outcomes -------------------------------------------------------------------------------------------


@dataclass
class TermInput:
    kind: str
    action: str
    amount: str | Decimal | None = None
    obligor: str = "乙方"
    due_on: date | None = None


def _clean_terms(terms: list[TermInput]) -> list[dict]:
    if not terms:
        raise ValidationError("和解协议至少要有一项条款。", "和解条款")
    out = []
    for number, term in enumerate(terms, 1):
        if term.kind not in domain.TERM_KINDS:
            raise ValidationError(f"第{number}项条款的类别应为：{'、'.join(domain.TERM_KINDS)}。", "和解条款")
        action = validation.required(term.action, f"第{number}项条款内容")
        amount = validation.money(term.amount, f"第{number}项条款金额")
        out.append(
            {
                "position": number,
                "kind": term.kind,
                "action": action,
                "amount": amount,
                "obligor": (term.obligor or "").strip() or None,
                "due_on": term.due_on,
            }
        )
    return out


def recovered_from_terms(terms: list[TermInput]) -> Decimal:
    """挽回经济损失 suggested from the terms: every amount the consumer gets back or is compensated."""
    total = Decimal("0.00")
    for term in terms:
        amount = validation.money(term.amount, "金额") if term.amount not in (None, "") else None
        if amount is not None and term.kind in MONEY_TERMS:
            total += amount
    return total


@dataclass
class ThirdParty:
    """丙方: a party to the agreement besides the consumer and the business (the mall, a maker, a platform)."""

    name: str
    role: str = ""
    contact: str = ""
    phone: str = ""
    address: str = ""


def settle(
    record_id: int,
    terms: list[TermInput],
    *,
    recovered: str | Decimal | None = None,
    punitive_amount: str | Decimal | None = None,
    punitive_basis: str = "",
    third_party: ThirdParty | str | None = None,
    actor: Actor | None = None,
    version: int | None = None,
    at: datetime | None = None,
) -> Record:
    """和解成功 with numbered terms; 挽回经济损失 defaults to what the terms add up to."""
    if isinstance(third_party, str):
        third_party = ThirdParty(third_party) if third_party.strip() else None
    if third_party is not None and not third_party.name.strip():
        third_party = None
    if third_party is not None and third_party.phone.strip():
        third_party.phone = validation.phone(third_party.phone, "丙方电话", allow_service=True)
    at = (at or _now()).replace(microsecond=0)
    clean = _clean_terms(terms)
    recovered_amount = validation.money(recovered, "挽回经济损失")
    if recovered_amount is None:
        recovered_amount = recovered_from_terms(terms)
    punitive = validation.money(punitive_amount, "加倍赔偿金额")
    if punitive and not punitive_basis.strip():
        raise ValidationError("有加倍赔偿时须写明法律依据。", "加倍赔偿依据")
    with write_transaction():
        record = load_for_change(record_id, version)
        SettlementTerm.delete().where(SettlementTerm.record == record).execute()
        for term in clean:
            SettlementTerm.create(record=record, **term)
        record.settlement = "；".join(f"{t['position']}. {t['action'].rstrip('。；;，,. ')}" for t in clean)
        record.recovered_amount = recovered_amount
        record.punitive_amount = punitive if punitive else None
        record.punitive_basis = punitive_basis.strip() or None
        record.third_party = third_party.name.strip() if third_party else None
        record.third_party_role = (third_party.role.strip() or None) if third_party else None
        record.third_party_contact = (third_party.contact.strip() or None) if third_party else None
        record.third_party_phone = (third_party.phone.strip() or None) if third_party else None
        record.third_party_address = (third_party.address.strip() or None) if third_party else None
        _move(record, State.SETTLED, "和解", actor, at, {"挽回经济损失": str(recovered_amount)})
    return record


def terminate(
    record_id: int,
    ground: str,
    *,
    party: str | None = None,
    actor: Actor | None = None,
    version: int | None = None,
    at: datetime | None = None,
) -> Record:
    """调解终止 on one ground; for a refusal or no agreement, who it was (the notice says so)."""
    ground = validation.required(ground, "终止调解理由")
    if party is not None and party not in domain.TERMINATION_PARTIES:
        raise ValidationError(f"“哪一方”应为：{'、'.join(domain.TERMINATION_PARTIES)}。", "哪一方")
    if ground in domain.GROUNDS_WITH_PARTY and not party:
        raise ValidationError("这个理由须写明是哪一方（投诉人、被投诉人或双方）。", "哪一方")
    with write_transaction():
        record = load_for_change(record_id, version)
        record.termination_ground = ground
        record.termination_party = party
        detail = {"理由": ground, **({"一方": party} if party else {})}
        _move(record, State.TERMINATED, "终止调解", actor, (at or _now()), detail)
    return record


def withdraw(
    record_id: int,
    *,
    reason: str = "",
    actor: Actor | None = None,
    version: int | None = None,
    at: datetime | None = None,
) -> Record:
    with write_transaction():
        record = load_for_change(record_id, version)
        _move(record, State.WITHDRAWN, "撤回", actor, (at or _now()), {"说明": reason} if reason else None)
    return record


def close_suggestion(
    record_id: int,
    *,
    forwarded_to: str = "",
    reply: str = "",
    actor: Actor | None = None,
    version: int | None = None,
) -> Record:
    """A suggestion closes with where it went and what came back (it used to close with neither)."""
    forwarded_to = validation.required(forwarded_to, "转达给")
    reply = validation.required(reply, "处理情况")
    with write_transaction():
        record = load_for_change(record_id, version)
        record.forwarded_to = forwarded_to
        record.answer = reply
        _move(record, State.CONCLUDED, "办结", actor, _now(), {"转达给": forwarded_to, "处理情况": reply})
    return record


def record_handover_note(
    record_id: int, note: str, *, actor: Actor | None = None, version: int | None = None
) -> Record:
    """A failed mediation is handed to 12315 with its materials (the station rules); when it is not, why."""
    note = validation.required(note, "不移交的原因")
    with write_transaction():
        record = load_for_change(record_id, version)
        if record.state != State.TERMINATED:
            raise UserError(f"案件 {record.case_no} 当前状态为“{record.state}”，不需要说明不移交的原因。")
        record.handover_note = note
        save_changed(record)
        add_event(record, "不移交", actor, detail={"原因": note})
        audit.append("record.handover_note", actor=name_of(actor), entity="record", entity_id=record.case_no)
    return record


@dataclass
class Material:
    name: str
    count: int = 1
    pages: int = 1


def referral_feedback_due(at: datetime | date) -> date:
    """When the receiving body is asked to report back: the station's editable rule, in working days, so the
    date never falls on a holiday (referred on 2026-09-20, a fixed 15 days gave the National Day 10-05)."""
    from weiquan_desktop.services import deadlines

    start = at.date() if isinstance(at, datetime) else at
    return deadlines.RuleBook().due("referral_feedback", start).due


def refer(
    record_id: int,
    reason: str,
    *,
    body_id: int | None = None,
    body_name: str = "",
    materials: list[Material] | None = None,
    feedback_due: date | None = None,
    actor: Actor | None = None,
    version: int | None = None,
    at: datetime | None = None,
) -> Referral:
    """移交 to the local 12315 body (or another): failed, serious, group cases and 举报 leads. The slip lists
    what goes with it: at least one item, each with its count and pages."""
    if reason not in domain.REFERRAL_REASONS:
        raise ValidationError(f"移交原因应为：{'、'.join(domain.REFERRAL_REASONS)}。", "移交原因")
    at = (at or _now()).replace(microsecond=0)
    body = Body.get_or_none(Body.id == body_id) if body_id else None
    name = body.name if body else body_name.strip()
    if not name:
        raise ValidationError("请选择或填写接收移交的单位。", "接收单位")
    items = [m for m in (materials or []) if m.name.strip() or m.count or m.pages]
    if not items:
        raise ValidationError("请至少列出一项移交材料（如投诉登记表），写明份数和页数。", "移交材料")
    for item in items:
        if not item.name.strip() or item.count < 1 or item.pages < 1:
            raise ValidationError("移交材料须写明名称、份数和页数（均不少于1）。", "移交材料")
    due = feedback_due or referral_feedback_due(at)
    if due < at.date():
        raise ValidationError("反馈期限不能早于移交日期。", "反馈期限")
    with write_transaction():
        record = load_for_change(record_id, version)
        count = Referral.select().where(Referral.record == record).count()
        referral = Referral.create(
            record=record,
            number=f"{record.case_no}-YJ{count + 1}",
            body=body,
            body_name=name,
            reason=reason,
            materials=json.dumps([vars(m) for m in items], ensure_ascii=False),
            referred_at=at,
            feedback_due=due,
        )
        _move(record, State.REFERRED, "移交", actor, at, {"接收单位": name, "原因": reason})
    return referral


def record_referral_feedback(
    referral_id: int, text: str, *, at: datetime | None = None, actor: Actor | None = None
) -> Referral:
    text = validation.required(text, "反馈情况")
    with write_transaction():
        referral = Referral.get_or_none(Referral.id == referral_id)
        if referral is None:
            raise UserError("该移交记录不存在。")
        if referral.feedback_at is not None:
            raise UserError(f"移交单 {referral.number} 已记录过反馈。")
        at = (at or _now()).replace(microsecond=0)
        validation.not_future(at, "反馈时间")
        if at < referral.referred_at:
            raise ValidationError("反馈时间不能早于移交时间。", "反馈时间")
        referral.feedback, referral.feedback_at = text, at
        referral.save()
        record = load_for_change(referral.record_id, None)
        save_changed(record)  # the feedback no longer binds the case's next deadline
        add_event(record, "移交反馈", actor, at=at, detail={"反馈": text})
        audit.append("referral.feedback", actor=name_of(actor), entity="referral", entity_id=referral.number)
    return referral


def transfer_feedback(
    record_id: int,
    *,
    process: str,
    method: str,
    result: str,
    handled_at: datetime | None = None,
    sent_at: datetime | None = None,
    actor: Actor | None = None,
) -> TransferFeedback:
    """处理结果反馈单 content for a case passed down by 12315 or the bureau; ``sent_at`` (default: when it was
    handled) is when the feedback reached the body, which its deadline is measured by."""
    handled_at = (handled_at or _now()).replace(microsecond=0)
    sent_at = (sent_at or handled_at).replace(microsecond=0)
    validation.not_future(sent_at, "反馈时间")
    if sent_at < handled_at:
        raise ValidationError("反馈时间不能早于处理时间。", "反馈时间")
    process = validation.required(process, "处理过程")
    method = validation.required(method, "处理方式")
    result = validation.required(result, "处理结果")
    with write_transaction():
        record = load_for_change(record_id, None)
        if record.source not in domain.TRANSFER_SOURCES:
            raise UserError(f"案件 {record.case_no} 不是12315或上级转办的案件，无需反馈单。")
        if handled_at < record.received_at:
            raise ValidationError("处理时间不能早于收到转办的时间。", "处理时间")
        feedback = TransferFeedback.create(
            record=record,
            handled_at=handled_at,
            process=process,
            method=method,
            result=result,
            sent_at=sent_at,
        )
        save_changed(record)  # the feedback deadline no longer binds
        add_event(record, "转办反馈", actor, detail={"方式": method})
        audit.append("transfer.feedback", actor=name_of(actor), entity="record", entity_id=record.case_no)
    return feedback


def return_visit(
    record_id: int,
    satisfaction: str,
    comment: str = "",
    *,
    method: str = "电话",
    performance: str = "",
    actor: Actor | None = None,
    at: datetime | None = None,
) -> ReturnVisit:
    if satisfaction not in domain.SATISFACTION[:3]:
        raise ValidationError("满意度应为：满意、基本满意、不满意。", "满意度")
    if method not in domain.VISIT_METHODS:
        raise ValidationError(f"回访方式应为：{'、'.join(domain.VISIT_METHODS)}。", "回访方式")
    with write_transaction():
        record = load_for_change(record_id, None)
        if record.closed_at is None:
            raise UserError(f"案件 {record.case_no} 尚未办结，办结后再回访。")
        visit = ReturnVisit.create(
            record=record,
            visited_at=(at or _now()).replace(microsecond=0),
            staff=id_of(actor),
            satisfaction=satisfaction,
            comment=comment.strip() or None,
            method=method,
            performance=performance.strip() or None,
        )
        record.satisfaction = satisfaction
        save_changed(record)
        add_event(record, "回访", actor, detail={"满意度": satisfaction})
        audit.append(
            "record.visit",
            actor=name_of(actor),
            entity="record",
            entity_id=record.case_no,
            detail={"满意度": satisfaction},
        )
    return visit


def quick_settle(
    form: intake.IntakeForm,
    terms: list[TermInput],
    *,
    actor: Actor | None = None,
    recovered: str | Decimal | None = None,
) -> Record:
    """A complaint settled on the spot: registered, accepted and settled in one sitting, one transaction."""
    _clean_terms(terms)  # refuse bad terms before anything is written
    with write_transaction():
        record = intake.register(form, actor)
        at = record.received_at
        intake.decide(record.id, Decision.ACCEPTED, actor=actor, at=at)
        return settle(record.id, terms, recovered=recovered, actor=actor, at=at)


# --- compensation helper --------------------------------------------------------------------------------


def consumer_law_55(price: Decimal) -> Decimal:
    """消保法 Art.55: fraud, 3x the price or fee, at least ¥500 (on top of the loss)."""
    return max(Decimal(price) * 3, Decimal(500)).quantize(Decimal("0.01"))


def food_safety_148(price: Decimal, loss: Decimal = Decimal(0)) -> Decimal:
    """食品安全法 Art.148: 10x the price or 3x the loss, whichever is more, at least ¥1,000."""
    return max(Decimal(price) * 10, Decimal(loss) * 3, Decimal(1000)).quantize(Decimal("0.01"))


FOOD_CATEGORIES = ("食品类", "烟、酒和饮料类")


def compensation_hint(amount: Decimal | None, category: str | None) -> str:
    """The statutory figure staff may quote: 食品安全法 Art.148 only where the goods are food, else 消保法 Art.55."""
    amount = Decimal(amount or 0)
    basis = f"（按涉及金额 {amount:,.2f} 元计算，仅供参考；须有欺诈或不符合食品安全标准的事实）"
    if category in FOOD_CATEGORIES:
        return (
            f"赔偿参考：食品安全法第一百四十八条 {food_safety_148(amount):,.2f} 元；"
            f"消保法第五十五条（欺诈）{consumer_law_55(amount):,.2f} 元{basis}"
        )
    return f"赔偿参考：消保法第五十五条（欺诈）{consumer_law_55(amount):,.2f} 元{basis}"


LAWS = (
    ("消保法第二十三条", "耐用商品或装饰装修服务，自接受之日起六个月内发现瑕疵，由经营者承担举证责任。"),
    (
        "消保法第二十四条",
        "商品不符合质量要求的，可依规定或约定退货、更换、修理；没有规定或约定的，七日内可退货，之后可更换、修理。",
    ),
    (
        "消保法第二十五条",
        "网购、电视、电话、邮购商品，自收到之日起七日内可无理由退货（定作、鲜活易腐等除外），退款在七日内返还。",
    ),
    (
        "消保法第五十五条",
        "欺诈的，增加赔偿价款或费用的三倍，不足五百元的为五百元；明知缺陷致死伤的，可要求损失二倍以下惩罚性赔偿。",
    ),
    (
        "食品安全法第一百四十八条",
        "首负责任；不符合食品安全标准的，还可要求价款十倍或损失三倍赔偿，不足一千元的为一千元。",
    ),
)


# --- lists ----------------------------------------------------------------------------------------------

FOLLOW_UP_LIMIT = 500  # a list to work through, not an archive: the oldest first, at most this many


def awaiting_feedback(limit: int = FOLLOW_UP_LIMIT) -> list[Referral]:
    # with their records in the same query: the list shows each case number (no query per row)
    return list(
        Referral.select(Referral, Record)
        .join(Record)
        .where(Referral.feedback_at.is_null())
        .order_by(Referral.feedback_due)
        .limit(limit)
    )


def awaiting_visit(limit: int = FOLLOW_UP_LIMIT) -> list[Record]:
    """Closed complaints nobody has called back yet."""
    visited = ReturnVisit.select(ReturnVisit.record)
    return list(
        Record.select()
        .where(
            Record.kind == Kind.COMPLAINT,
            Record.deleted_at.is_null(),
            Record.closed_at.is_null(False),
            Record.state.in_((State.SETTLED, State.TERMINATED, State.WITHDRAWN)),
            Record.id.not_in(visited),
            (Record.satisfaction.is_null()) | (Record.satisfaction == "未回访"),
        )
        .order_by(Record.closed_at.desc())
        .limit(limit)
    )


def group_cases(limit: int = FOLLOW_UP_LIMIT) -> list[Record]:
    return list(
        Record.select()
        .where(Record.deleted_at.is_null(), Record.is_group | Record.is_major)
        .order_by(Record.received_at.desc())
        .limit(limit)
    )


def transfers_awaiting_feedback(limit: int = FOLLOW_UP_LIMIT) -> list[Record]:
    fed = TransferFeedback.select(TransferFeedback.record)
    return list(
        Record.select()
        .where(Record.deleted_at.is_null(), Record.source.in_(domain.TRANSFER_SOURCES), Record.id.not_in(fed))
        .order_by(Record.received_at)
        .limit(limit)
    )
