"""The station's printed documents (ReportLab, A4, embedded Chinese font).

Documents are reproducible: the same case prints the same content (no print time on the page, ReportLab's
invariant mode). Making a document writes only the file; what happened to it is recorded apart from that:
``record_output`` when it was printed on paper or saved as a PDF, so the audit log never shows a print that
did not happen, and one copy of each distinct document is kept with the case.

The forms follow SAMR's 文书式样 for Order 121 (投诉登记表, 举报登记表, 调解书 for the agreement, 分送通知书 for
the referral) and the station guide DB14/T 3132—2024 (和解协议, 回访记录表); the receipt, the mediation record and
the notices are worded for a business-run station, which does not decide under the Order but tells the
consumer where to go next.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from weiquan_desktop import domain, pdf
from weiquan_desktop.domain import Decision, Kind, Source, State
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import (
    Attachment,
    Body,
    Business,
    CaseNotice,
    MediationSession,
    Record,
    Referral,
    ReturnVisit,
    SettlementTerm,
    Staff,
    TransferFeedback,
)
from weiquan_desktop.pdf import cn_date, para
from weiquan_desktop.privacy import mask_id, mask_name, mask_phone
from weiquan_desktop.services import attachments, audit, station
from weiquan_desktop.services.actor import Actor, name_of

TRANSFER_SENDERS: dict[str, str] = {Source.CENTER_12315: "12315平台转办", Source.BUREAU: "上级部门交办"}
REMOTE_SOURCES = (Source.PHONE, Source.ONLINE, Source.LETTER, Source.CENTER_12315, Source.BUREAU)
KIND_FORMS: dict[str, str] = {
    Kind.COMPLAINT: "投诉登记表",
    Kind.REPORT: "举报登记表",
    Kind.CONSULTATION: "咨询登记表",
    Kind.SUGGESTION: "建议登记表",
}

# doc key -> (title, number suffix): one scheme, the initials of the document's name
DOCS: dict[str, tuple[str, str]] = {
    "intake": ("登记表", "DJ"),
    "receipt": ("投诉受理回执", "HZ"),
    "agreement": ("和解协议书", "HJ"),
    "mediation": ("调解笔录", "BL"),
    "referral": ("移交单", "YJ"),
    "rejection": ("不予受理告知书", "BY"),
    "termination": ("终止调解告知书", "ZZ"),
    "feedback": ("处理结果反馈单", "FK"),
    "major": ("重大/群体性投诉报告", "BG"),
    "visit": ("回访记录表", "HF"),
}
REFERRAL_REASONS = {
    "和解不成": "经本站组织调解，双方未能达成和解协议",
    "重大复杂": "案情重大、复杂，超出本站调解能力",
    "群体性": "涉及众多消费者，属群体性投诉",
    "涉嫌违法线索": "发现被投诉方涉嫌违法的线索，需依法核查",
    "超出受理范围": "不属于本站受理范围",
}
# an action that already says when it is done: no second, contradicting date is added to it
OWN_DEADLINE = re.compile(
    r"(\d+|[一二三四五六七八九十两]+)\s*个?(工作)?(日|天|小时|周|个月)(内|之内|以内)"
    r"|当日|当天|当场|立即|即时|之前|以前|前(退|付|支|交|履|完)|月底|年底|截止"
)


def find_record(case_no: str) -> Record:
    record = Record.get_or_none(Record.case_no == case_no.strip(), Record.deleted_at.is_null())
    if record is None:
        raise UserError(f"找不到案件编号 {case_no}。")
    return record


def may_print_original(record: Record, actor: Actor | None) -> bool:
    """The original a consumer signs carries full identity: printed by the case's handler or a head; anyone
    else prints a copy with the personal data masked."""
    from weiquan_desktop.services import auth

    return auth.can(actor, "reveal") or (actor is not None and actor.id == record.handler_id)


def number_of(doc: str, record: Record) -> str:
    return f"{record.case_no}-{DOCS[doc][1]}"


def document_title(doc: str, record: Record) -> str:
    if doc == "intake":
        return KIND_FORMS[record.kind]
    if doc == "referral":
        return "违法线索移送函" if record.kind == Kind.REPORT else "消费纠纷移交单"
    if doc == "major":
        return "群体性投诉报告" if record.is_group else "重大投诉报告"
    if doc == "receipt" and record.kind != Kind.COMPLAINT:
        return f"{record.kind}登记回执"
    return DOCS[doc][0]


# --- pieces shared by the documents ---------------------------------------------------------------


@dataclass
class Party:
    """The respondent as the documents show it: the business record, else what was typed at intake."""

    name: str
    contact: str
    phone: str
    address: str


def respondent(record: Record) -> Party:
    business = Business.get_or_none(Business.id == record.respondent_id) if record.respondent_id else None
    place = " ".join(p for p in ((business.booth if business else None), record.place) if p)
    address = record.respondent_address or (business.address if business else None) or ""
    return Party(
        record.respondent_name or "",
        record.respondent_contact or (business.contact if business else "") or "",
        record.respondent_phone or (business.phone if business else "") or "",
        "，".join(p for p in (address, place) if p),
    )


def _profile() -> station.StationProfile | None:
    return station.load_profile()


def _body(kind: str) -> Body | None:
    return station.body_for(kind)


def _top(st: dict, title: str, number: str) -> list[Flowable]:
    profile = _profile()
    return [
        para(profile.name if profile else "", st["center"]),
        para(title, st["title"]),
        para(f"编号：{number}", st["right"]),
        Spacer(1, 2 * mm),
    ]


def _contact_line(st: dict) -> Flowable:
    profile = _profile()
    if profile is None:
        return Spacer(1, 1)
    return para(
        f"本站地址：{profile.address}　联系电话：{profile.phone}"
        + (f"　服务时间：{profile.hours}" if profile.hours else ""),
        st["small"],
    )


def _consumer_routes(record: Record) -> str:
    body = _body("12315")
    where = body.name if body else "辖区12315投诉举报机构"
    phone = f"（电话：{body.phone}）" if body is not None and body.phone else ""
    return (
        f"您可以向{where}{phone}投诉，或拨打全国12315热线；也可以依照《中华人民共和国消费者权益保护法》"
        "第三十九条的规定，与经营者协商和解，请求消费者协会或者依法成立的其他调解组织调解，向有关行政部门投诉，"
        "根据与经营者达成的仲裁协议提请仲裁机构仲裁，或者向人民法院提起诉讼。"
    )


def _delivery_line(record: Record, kind: str, st: dict) -> Flowable:
    """How the notice reached its addressee: as recorded, or lines to fill in."""
    notice = (
        CaseNotice.select()
        .where(CaseNotice.record == record, CaseNotice.kind == kind)
        .order_by(CaseNotice.at.desc())
        .first()
    )
    if notice is not None:
        return para(
            f"送达方式：{notice.method}　送达时间：{notice.at:%Y年%m月%d日 %H:%M}"
            + (f"　送达对象：{notice.party}" if notice.party else ""),
            st["body"],
        )
    return para("送达方式：＿＿＿＿＿＿　送达时间：＿＿＿＿年＿＿月＿＿日　签收人：＿＿＿＿＿＿", st["body"])


def _what(record: Record) -> str:
    """关于某经营者某商品或服务的投诉: the subject of a case in one phrase."""
    party = record.respondent_name or "经营者"
    return f"{party}{('（' + record.item + '）') if record.item else ''}"


def stated_ground(record: Record) -> str:
    """The termination ground as the notice states it: one ground, naming the party where the ground says
    "投诉人或者被投诉人" and the case records who it was."""
    ground = (record.termination_ground or "").rstrip("。")
    party = {"投诉人": "投诉人", "被投诉人": "被投诉人", "双方": "投诉人和被投诉人"}.get(
        record.termination_party or ""
    )
    if party and "投诉人或者被投诉人" in ground:
        return ground.replace("投诉人或者被投诉人", party, 1)
    return ground + (f"（{record.termination_party}）" if party else "")


def _event_time(record: Record, action: str) -> datetime | None:
    from weiquan_desktop.models.schema import RecordEvent

    return (
        RecordEvent.select(RecordEvent.at)
        .where(RecordEvent.record == record, RecordEvent.action == action)
        .order_by(RecordEvent.id.desc())
        .scalar()
    )


def _staff_name(staff_id: int | None) -> str:
    staff = Staff.get_or_none(Staff.id == staff_id) if staff_id else None
    return staff.name if staff else ""


def _money(value: Decimal | None) -> str:
    return f"{value:,.2f} 元" if value is not None else ""


def _demand_boxes(record: Record) -> str:
    chosen = set((record.demands or "").split(domain.DEMAND_SEPARATOR))
    return pdf.choice(domain.DEMANDS, chosen)


def _build(
    record: Record, doc: str, dest: Path, story: list[Flowable], *, seal_note: str | None = None
) -> Path:
    title = document_title(doc, record)
    return pdf.build(
        dest,
        story,
        title=f"{title} {record.case_no}",
        header=f"{title}　{record.case_no}",
        seal_note=seal_note,
    )


def record_output(
    doc: str, case_no: str, path: Path, *, actor: Actor | None, how: str = "save", pages: int | None = None
) -> Attachment:
    """After a document left the program: printed on paper (``how="print"``) or saved as a PDF. The audit
    log says which; the case keeps one copy of each distinct document (the same content is not added twice)."""
    record = find_record(case_no)
    title = document_title(doc, record)
    kept = attachments.add(record.id, Path(path), purpose="文书", actor=actor, audited=False)
    detail: dict[str, object] = {"文书": title, "文件": Path(path).name}
    if pages is not None:
        detail["页数"] = pages
    audit.log(
        "print" if how == "print" else "document.save",
        actor=name_of(actor),
        entity="record",
        entity_id=record.case_no,
        detail=detail,
    )
    return kept


# --- 登记表: the complete intake record the consumer signs ----------------------------------------


def _person_rows(record: Record, masked: bool) -> list[tuple[str, str]]:
    if record.anonymous:
        return [("姓名", "匿名举报")]
    rows = [
        ("姓名", mask_name(record.complainant_name) if masked else record.complainant_name or ""),
        ("联系电话", mask_phone(record.phone) if masked else record.phone or ""),
        ("证件类型", record.id_type or ""),
        ("证件号码", mask_id(record.id_number) if masked else record.id_number or ""),
        (
            "联系地址",
            (record.address or "")[:6] + "****" if masked and record.address else record.address or "",
        ),
    ]
    if record.kind == Kind.COMPLAINT:
        rows += [
            ("是否同意公示投诉信息", pdf.choice(("是", "否"), "是" if record.consent_publish else "否")),
            ("是否同意委托调解", pdf.choice(("是", "否"), "是" if record.consent_mediation else "否")),
        ]
    return rows


def _agent_rows(record: Record, masked: bool) -> list[tuple[str, str]]:
    if not record.agent_name:
        return []
    return [
        ("委托代理人", mask_name(record.agent_name) if masked else record.agent_name),
        ("代理人证件号码", mask_id(record.agent_id_number) if masked else record.agent_id_number or ""),
        ("代理人电话", mask_phone(record.agent_phone) if masked else record.agent_phone or ""),
        ("授权委托书", record.agent_authorisation or ""),
    ]


def _evidence(record: Record) -> str:
    files = [
        a.filename
        for a in Attachment.select(Attachment.filename)
        .where(Attachment.record == record, Attachment.purpose == "证据")
        .order_by(Attachment.id)
    ]
    parts = [record.evidence or ""] + ([f"已存档附件：{'、'.join(files)}"] if files else [])
    return "\n".join(p for p in parts if p)


def intake_record(
    case_no: str, dest: Path, *, masked: bool | None = None, actor: Actor | None = None, keep: bool = True
) -> Path:
    """投诉登记表 / 举报登记表 (SAMR 文书式样一、二), and the consultation and suggestion forms, with signature
    lines. The original carries full identity (for the handler and the heads); anyone else gets a copy with the
    personal data masked, and so does whoever asks for one (``masked=True``)."""
    record = find_record(case_no)
    if not masked:
        masked = not may_print_original(record, actor)
    st = pdf.doc_styles()
    profile = _profile()
    title = document_title("intake", record)
    who = domain.PERSON_LABELS[record.kind]
    story: list[Flowable] = [
        para(title, st["title"]),
        para(f"登记单位：{profile.name if profile else ''}", st["body"]),
        para(f"编号：{record.case_no}", st["body"]),
        Spacer(1, 2 * mm),
        pdf.field_table(
            [
                ("登记时间", f"{record.received_at:%Y-%m-%d %H:%M}"),
                ("来源", record.source),
                ("转办编号", record.external_no or ""),
                ("经办人", _staff_name(record.handler_id)),
            ],
            st,
        ),
        para(who, st["section"]),
        pdf.field_table(_person_rows(record, masked) + _agent_rows(record, masked), st),
    ]
    if record.kind in (Kind.COMPLAINT, Kind.REPORT):
        party = respondent(record)
        label = "被投诉人" if record.kind == Kind.COMPLAINT else "被举报人"
        story += [
            para(label, st["section"]),
            pdf.field_table(
                [
                    ("名称（姓名）", party.name),
                    ("联系人", party.contact),
                    ("联系电话", party.phone),
                    ("地址", party.address),
                ],
                st,
            ),
        ]
    if record.kind == Kind.COMPLAINT:
        story += [
            para("商品或服务", st["section"]),
            pdf.field_table(
                [
                    ("商品服务大类", record.category or ""),
                    ("商品服务名称", record.item or ""),
                    ("问题性质", record.nature or ""),
                    (
                        "购买（接受服务）日期",
                        record.purchase_date.isoformat() if record.purchase_date else "",
                    ),
                    ("涉及金额", _money(record.amount)),
                    ("消费地点", record.place or ""),
                ],
                st,
            ),
            Spacer(1, 2 * mm),
            pdf.box("消费者权益争议事实依据", record.facts or "", st, min_height=10 * mm),
            pdf.box("证明材料", _evidence(record), st),
            pdf.box("投诉请求", _demand_boxes(record), st),
            pdf.box(
                "群体性投诉",
                pdf.choice(("是", "否"), "是" if record.is_group else "否")
                + (f"（涉及 {record.group_size} 人）" if record.group_size else ""),
                st,
            ),
        ]
    elif record.kind == Kind.REPORT:
        story += [
            Spacer(1, 2 * mm),
            pdf.box(
                "具体线索和相应的事实依据",
                "\n".join(p for p in (record.clues, record.facts) if p),
                st,
                min_height=10 * mm,
            ),
            pdf.box("证明材料", _evidence(record), st),
        ]
    else:
        label = "咨询内容" if record.kind == Kind.CONSULTATION else "建议内容"
        story += [Spacer(1, 2 * mm), pdf.box(label, record.facts or "", st, min_height=10 * mm)]
        if record.kind == Kind.CONSULTATION:
            answer = record.answer or (
                f"约定于 {record.reply_due:%Y-%m-%d %H:%M} 前答复" if record.reply_due else ""
            )
            story.append(pdf.box("答复", answer, st))
    lines: list[Flowable] = [Spacer(1, 6 * mm)]
    if record.anonymous:
        lines.append(para(f"{who}：匿名", st["body"]))
    elif record.source in REMOTE_SOURCES:
        lines.append(para(f"{who}：{record.source}登记，无需本人签字。", st["body"]))
    signers = []
    if not record.anonymous and record.source not in REMOTE_SOURCES:
        signers.append((f"{who}（签字）", cn_date(None)))
        if record.agent_name:
            signers.append(("委托代理人（签字）", cn_date(None)))
    signers.append((f"经办人（签字）{_staff_name(record.handler_id)}", cn_date(None)))
    lines.append(pdf.signature_table(signers, st))
    if masked:
        lines += [
            Spacer(1, 3 * mm),
            para("副本：本表中的个人信息已作去标识化处理，原件存服务站。", st["small"]),
        ]
    story.append(KeepTogether(lines))  # the signatures never stand alone on a page
    return _finish(record, "intake", dest, story, actor, keep)


def _finish(
    record: Record,
    doc: str,
    dest: Path,
    story: list[Flowable],
    actor: Actor | None,
    keep: bool,
    *,
    seal_note: str | None = None,
) -> Path:
    _build(record, doc, dest, story, seal_note=seal_note)
    if keep:
        record_output(doc, record.case_no, dest, actor=actor)
    return dest


# --- 受理回执: what the consumer takes home -------------------------------------------------------


def receipt(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """The consumer's receipt: the case number, the promised reply, the steps and their time limits, how to
    reach the station and the 12315 body."""
    from weiquan_desktop.services import deadlines

    record = find_record(case_no)
    st = pdf.doc_styles()
    profile = _profile()
    book = deadlines.RuleBook()
    received = record.received_at
    title = document_title("receipt", record)
    who = record.complainant_name if not record.anonymous else "举报人"
    story = _top(st, title, number_of("receipt", record))
    story.append(para(f"{who or '您好'}：", st["body"]))
    story.append(
        para(
            f"您于{received:%Y年%m月%d日 %H时%M分}向本站反映的{'关于' + _what(record) + '的' if record.kind in (Kind.COMPLAINT, Kind.REPORT) else ''}"
            f"{record.kind}已登记，编号 {record.case_no}。查询时请提供此编号。",
            st["indent"],
        )
    )
    steps: list[str] = []
    if record.kind == Kind.COMPLAINT:
        reply = book.rule("reply", received.date())
        reply_by = received + timedelta(hours=reply.amount) if reply.unit == "hours" else None
        decision = book.due("decision", received.date())
        mediation_rule = book.rule("mediation", received.date())
        limit = f"{mediation_rule.amount}{domain.TIME_UNITS[mediation_rule.unit]}"
        if reply_by is not None:
            steps.append(
                f"本站将于{reply_by:%Y年%m月%d日 %H时%M分}前（登记后{reply.amount}小时内）与您联系，"
                "告知处理流程和时间。"
            )
        steps += [
            f"本站自收到投诉之日起7个工作日内（{decision.due:%Y年%m月%d日}前）决定是否受理，并告知您。",
            f"受理后，本站组织您与经营者协商和解，期限为自受理之日起{limit}；检验、检测、鉴定所需时间不计入。",
            "达成和解的，各方签订和解协议书；和解不成的，本站告知您，并按规定将有关材料移交辖区12315机构。",
        ]
        if record.source in domain.TRANSFER_SOURCES:
            feedback = book.due("transfer_feedback", received.date())
            sender = TRANSFER_SENDERS[record.source]
            steps.append(
                f"本投诉由{sender}，本站将于{(record.external_due or feedback.due):%Y年%m月%d日}前反馈处理结果。"
            )
    elif record.kind == Kind.REPORT:
        steps.append("本站将把举报线索报送辖区市场监督管理部门依法核查处理，并协助调查。")
    elif record.kind == Kind.CONSULTATION and record.reply_due and not record.answer:
        steps.append(f"本站将于{record.reply_due:%Y年%m月%d日 %H时%M分}前答复您。")
    elif record.kind == Kind.SUGGESTION:
        steps.append("本站将把您的建议转达有关经营者或部门，并告知您处理情况。")
    for i, step in enumerate(steps, 1):
        story.append(para(f"{i}. {step}", st["term"]))
    body = _body("12315")
    story += [
        Spacer(1, 3 * mm),
        para(
            f"本站联系电话：{profile.phone if profile else ''}"
            + (f"　服务时间：{profile.hours}" if profile and profile.hours else ""),
            st["body"],
        ),
        para(f"本站地址：{profile.address if profile else ''}", st["body"]),
        para(
            "全国消费者投诉举报电话：12315"
            + (f"　辖区12315机构：{body.name}" if body else "")
            + (f"（{body.phone}）" if body is not None and body.phone else ""),
            st["body"],
        ),
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                pdf.signature_table(
                    [
                        (f"经办人：{_staff_name(record.handler_id)}", cn_date(received)),
                        ("服务站（盖章）", cn_date(received)),
                    ],
                    st,
                )
            ]
        ),
    ]
    return _finish(record, "receipt", dest, story, actor, keep)


# --- 和解协议书 ------------------------------------------------------------------------------------


def terms_digest(record: Record) -> str:
    """A digest of the agreed terms, printed in the QR code: a paper copy can be checked against the database."""
    terms = [
        [
            t.position,
            t.kind,
            t.action,
            str(t.amount) if t.amount is not None else None,
            t.obligor,
            t.due_on.isoformat() if t.due_on else None,
        ]
        for t in SettlementTerm.select()
        .where(SettlementTerm.record == record)
        .order_by(SettlementTerm.position)
    ]
    payload = json.dumps(
        [record.case_no, terms, str(record.recovered_amount)], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def qr_payload(record: Record) -> str:
    return f"WQ1|{record.case_no}|{terms_digest(record)}"


def _qr(text: str, size: float = 20 * mm) -> Drawing:
    widget = QrCodeWidget(text)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def term_sentence(
    position: int, action: str, amount: Decimal | None, obligor: str | None, due: object
) -> str:
    """One numbered term as it is printed: what is done, the amount, by whom and by when, without adding a
    date to an action that already says when (三日内……) and without naming the obligor twice."""
    text = (action or "").strip().rstrip("。；;，,. ")
    who = (obligor or "乙方").strip()
    parts = [text]
    if amount is not None:
        parts.append(f"金额{amount:,.2f}元")
    if due:
        parts.append(f"{'' if text.startswith(who) else '由' + who}于{cn_date(due)}前履行")
    elif not OWN_DEADLINE.search(text):
        parts.append(f"{'' if text.startswith(who) else '由' + who}于本协议签订之日履行")
    elif not text.startswith(who):
        parts.append(f"由{who}履行")
    return f"{position}. " + "，".join(parts) + "。"


def _agreement_parties(
    record: Record, *, show_id: bool, masked: bool
) -> tuple[list[tuple[str, str]], list[str]]:
    """The parties table and the holders of the copies (甲方, 乙方, 丙方 if one takes part)."""

    def person(value: str | None, mask: Callable[[str | None], str]) -> str:
        return (mask(value) if masked else value) or ""

    rows = [
        ("甲方（消费者）", person(record.complainant_name, mask_name)),
        ("证件号码", (record.id_number or "") if show_id and not masked else mask_id(record.id_number)),
        ("联系电话", person(record.phone, mask_phone)),
        ("联系地址", person(record.address, lambda a: (a or "")[:6] + "****")),
    ]
    if record.agent_name:
        rows += [
            ("甲方委托代理人", person(record.agent_name, mask_name)),
            (
                "代理人证件号码",
                (record.agent_id_number or "") if show_id and not masked else mask_id(record.agent_id_number),
            ),
            ("代理人电话", person(record.agent_phone, mask_phone)),
            ("授权委托", record.agent_authorisation or ""),
        ]
    party = respondent(record)
    rows += [
        ("乙方（经营者）", party.name),
        ("负责人/联系人", party.contact),
        ("联系电话", party.phone),
        ("经营场所", party.address),
    ]
    holders = ["甲方", "乙方"]
    if record.third_party:
        rows += [
            (f"丙方（{record.third_party_role}）" if record.third_party_role else "丙方", record.third_party),
            ("联系人", record.third_party_contact or ""),
            ("联系电话", record.third_party_phone or ""),
            ("地址", record.third_party_address or ""),
        ]
        holders.append("丙方")
    return rows, holders


def _agreement_copy(
    record: Record, terms: list[SettlementTerm], holder: str, holders: list[str], st: dict, masked: bool
) -> list[Flowable]:
    profile = _profile()
    host = profile.name if profile else "本站"
    # the business's and the third party's copies never show the consumer's full ID number
    rows, _ = _agreement_parties(record, show_id=holder in ("甲方", "服务站"), masked=masked)
    sides = "双方" if len(holders) == 2 else "三方"
    story = [
        pdf.CopyMark(f"{holder}执" if holder != "服务站" else "服务站存档"),
        *_top(st, "和解协议书", number_of("agreement", record)),
        pdf.field_table(rows, st),
    ]
    goods = record.category_group == "服务类"
    bought = []
    if record.purchase_date:
        bought.append(f"{cn_date(record.purchase_date)}")
    bought.append(f"甲方在乙方处{'接受' if goods else '购买'}{record.item or ('服务' if goods else '商品')}")
    if record.amount:
        bought.append(f"涉及金额{record.amount:,.2f}元")
    story += [para("一、争议事实与请求", st["heading"]), para("，".join(bought) + "。", st["indent"])]
    if record.facts:
        story.append(para(f"争议情况：{record.facts}", st["indent"]))
    if record.demands:
        story.append(para(f"甲方请求：{record.demands}。", st["indent"]))
    story += [
        para("二、协议内容", st["heading"]),
        para(f"经{host}主持调解，{sides}自愿达成如下协议：", st["indent"]),
    ]
    lines = [term_sentence(t.position, t.action, t.amount, t.obligor, t.due_on) for t in terms]
    if (
        not terms and record.settlement
    ):  # a case brought in from an old ledger: its 和解内容 as it was written
        items = [i.strip() for i in re.split(r"[；;\n]", record.settlement) if i.strip()]
        lines = [
            term_sentence(n, re.sub(r"^\d+[.、．]\s*", "", item), None, "乙方", None)
            for n, item in enumerate(items, 1)
        ]
    if record.punitive_amount:
        lines.append(
            term_sentence(
                len(lines) + 1,
                f"乙方依据{record.punitive_basis or '有关法律规定'}向甲方支付加倍赔偿",
                record.punitive_amount,
                "乙方",
                None,
            )
        )
    story += [para(line, st["term"]) for line in lines]
    if record.recovered_amount:
        story.append(para(f"以上为甲方挽回经济损失共计{record.recovered_amount:,.2f}元。", st["indent"]))
    money = any(t.amount for t in terms) or bool(record.punitive_amount)
    story += [
        para("三、履行", st["heading"]),
        para(
            "各方按上列条款及期限履行。"
            + ("涉及款项的，以现金或转账方式支付，收款方当场签收或出具收据。" if money else ""),
            st["indent"],
        ),
    ]
    copies = len(holders) + 1
    holders_text = "、".join(holders)
    last = [
        para("四、协议效力", st["heading"]),
        para(
            "本协议自各方签字（盖章）之日起生效。一方不履行的，另一方可以依照《中华人民共和国消费者权益保护法》"
            "第三十九条的规定，向有关行政部门投诉、提请仲裁或者向人民法院提起诉讼。",
            st["indent"],
        ),
        para(
            f"本协议一式{'两三四五'[copies - 2]}份，{holders_text}各执一份，服务站存档一份，具有同等效力。",
            st["indent"],
        ),
        para("（以下无正文）", st["center"]),
    ]
    signers = [("甲方（签名）", cn_date(None))]
    if record.agent_name:
        signers.append(("甲方委托代理人（签名）", cn_date(None)))
    signers.append(("乙方（盖章）\n负责人（签名）", cn_date(None)))
    if record.third_party:
        signers.append(("丙方（签名或盖章）", cn_date(None)))
    mediator = (
        MediationSession.select()
        .where(MediationSession.record == record, MediationSession.mediator.is_null(False))
        .order_by(MediationSession.held_at.desc())
        .first()
    )
    signers += [
        (f"调解员（签名）{mediator.mediator.name if mediator else ''}", cn_date(None)),
        ("服务站（盖章）", cn_date(record.closed_at)),
    ]
    check = Table(
        [
            [
                _qr(qr_payload(record)),
                para(
                    f"核验码：{terms_digest(record)}\n扫描二维码可核对案件编号和协议条款是否与服务站记录一致。",
                    st["small"],
                ),
            ]
        ],
        colWidths=[24 * mm, 146 * mm],
    )
    check.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, 10),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    # the last clause, every signature and seal and the check code on one page: a signature never stands
    # apart from the terms it signs
    story.append(KeepTogether([*last, pdf.signature_table(signers, st), check]))
    return story


def agreement(
    case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True, masked: bool | None = None
) -> Path:
    """和解协议书 (SAMR 调解书, DB14/T 3132 附录D): the parties (丙方 too, and the consumer's agent), facts,
    numbered terms, performance, effect clause, signatures and seals, check code; one copy for each party and
    one for the station, in one file."""
    record = find_record(case_no)
    if record.state != State.SETTLED:
        raise UserError(f"案件 {record.case_no} 状态为“{record.state}”，未和解，不能打印和解协议书。")
    if not masked:
        masked = not may_print_original(record, actor)
    st = pdf.doc_styles()
    terms = list(
        SettlementTerm.select().where(SettlementTerm.record == record).order_by(SettlementTerm.position)
    )
    _rows, holders = _agreement_parties(record, show_id=False, masked=masked)
    story: list[Flowable] = []
    for index, holder in enumerate([*holders, "服务站"]):
        if index:
            story.append(PageBreak())
        story += _agreement_copy(record, terms, holder, holders, st, masked)
    return _finish(
        record,
        "agreement",
        dest,
        story,
        actor,
        keep,
        seal_note="本协议共 {total} 页，各方应在骑缝处签名或盖章",
    )


# --- 调解笔录 and 回访记录表 -------------------------------------------------------------------------


def mediation_record(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """调解笔录: each session as the parties sign it (DB14/T 3132 asks for a record where no agreement is made)."""
    record = find_record(case_no)
    sessions = list(
        MediationSession.select().where(MediationSession.record == record).order_by(MediationSession.held_at)
    )
    if not sessions:
        raise UserError(f"案件 {record.case_no} 还没有调解记录，不能打印调解笔录。")
    st = pdf.doc_styles()
    profile = _profile()
    party = respondent(record)
    story: list[Flowable] = []
    for number, session in enumerate(sessions, 1):
        if number > 1:
            story.append(PageBreak())
        where = (profile.address if profile else "") if session.mode == "现场" else f"{session.mode}调解"
        story += [
            pdf.CopyMark(f"第{number}次调解"),
            *_top(st, "调解笔录", f"{number_of('mediation', record)}{number}"),
            pdf.field_table(
                [
                    ("案件编号", record.case_no),
                    ("调解时间", f"{session.held_at:%Y-%m-%d %H:%M}"),
                    ("调解地点", where),
                    ("调解方式", session.mode),
                    ("调解员", session.mediator.name if session.mediator else ""),
                    ("记录人", name_of(actor) or ""),
                    ("投诉人", record.complainant_name or ""),
                    ("被投诉人", party.name),
                    ("参加人员", session.attendees or ""),
                ],
                st,
            ),
            Spacer(1, 2 * mm),
            pdf.box("投诉人陈述", session.consumer_statement or "", st, min_height=12 * mm),
            pdf.box("被投诉人陈述", session.business_statement or "", st, min_height=12 * mm),
            pdf.box("调解情况及结果", session.notes or "", st, min_height=12 * mm),
            KeepTogether(
                [
                    Spacer(1, 3 * mm),
                    para("以上笔录已经各方阅读（或向各方宣读），确认无误。", st["body"]),
                    pdf.signature_table(
                        [
                            ("投诉人（签名）", cn_date(session.held_at)),
                            ("被投诉人（签名或盖章）", cn_date(session.held_at)),
                            ("调解员（签名）", cn_date(session.held_at)),
                            ("记录人（签名）", cn_date(session.held_at)),
                        ],
                        st,
                    ),
                ]
            ),
        ]
    return _finish(record, "mediation", dest, story, actor, keep)


def visit_record(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """回访记录表 (DB14/T 3132 附录E): the case, how it ended, and each return visit."""
    record = find_record(case_no)
    visits = list(ReturnVisit.select().where(ReturnVisit.record == record).order_by(ReturnVisit.visited_at))
    if not visits:
        raise UserError(f"案件 {record.case_no} 还没有回访，不能打印回访记录表。")
    st = pdf.doc_styles()
    party = respondent(record)
    story = _top(st, "回访记录表", number_of("visit", record))
    story.append(
        pdf.field_table(
            [
                ("案件编号", record.case_no),
                ("投诉人", record.complainant_name or ""),
                ("联系电话", mask_phone(record.phone)),
                ("被投诉人", party.name),
                ("投诉事项", "，".join(p for p in (record.item, record.nature) if p)),
                ("办结时间", f"{record.closed_at:%Y-%m-%d}" if record.closed_at else ""),
                ("办理结果", record.state + (f"：{record.settlement}" if record.settlement else "")),
            ],
            st,
        )
    )
    for number, visit in enumerate(visits, 1):
        story += [
            para(f"第{number}次回访", st["section"]),
            pdf.field_table(
                [
                    ("回访时间", f"{visit.visited_at:%Y-%m-%d %H:%M}"),
                    ("回访方式", visit.method or ""),
                    ("回访人", visit.staff.name if visit.staff else ""),
                    ("满意度", pdf.choice(domain.SATISFACTION[:3], visit.satisfaction)),
                    ("协议履行情况", visit.performance or ""),
                    ("消费者意见", visit.comment or ""),
                ],
                st,
            ),
        ]
    story += [
        Spacer(1, 6 * mm),
        KeepTogether([pdf.signature_table([("回访人（签名）", cn_date(visits[-1].visited_at))], st)]),
    ]
    return _finish(record, "visit", dest, story, actor, keep)


# --- 移交单 / 线索移送函 ------------------------------------------------------------------------------


def _latest_referral(record: Record) -> Referral:
    referral = (
        Referral.select().where(Referral.record == record).order_by(Referral.referred_at.desc()).first()
    )
    if referral is None:
        raise UserError(f"案件 {record.case_no} 没有移交记录，不能打印移交单。")
    return referral


def referral_materials(referral: Referral) -> list[dict]:
    materials = [m for m in json.loads(referral.materials or "[]") if m.get("name")]
    if not materials or any(int(m.get("pages") or 0) < 1 or int(m.get("count") or 0) < 1 for m in materials):
        raise UserError(
            f"移交单 {referral.number} 没有写明移交材料的份数和页数（每项至少 1 份、1 页），"
            "请在案件中补充移交材料后再打印。"
        )
    return materials


def referral_slip(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """移交单 (after SAMR 分送通知书) from a station to its 12315 body, with a tear-off receipt; a 举报 lead goes
    out as a 违法线索移送函."""
    record = find_record(case_no)
    referral = _latest_referral(record)
    materials = referral_materials(referral)
    masked = not may_print_original(record, actor)
    st = pdf.doc_styles()
    party = respondent(record)
    lead = record.kind == Kind.REPORT
    title = document_title("referral", record)
    who = (
        "匿名举报人"
        if record.anonymous
        else (mask_name(record.complainant_name) if masked else record.complainant_name) or ""
    )
    story = _top(st, title, referral.number)
    story.append(para(f"{referral.body_name}：", st["body"]))
    if lead:
        story.append(
            para(
                f"本站于{cn_date(record.received_at)}接到{who}关于{_what(record)}涉嫌违法的举报。"
                "现将有关线索移送贵单位，请依法核查处理。",
                st["indent"],
            )
        )
    else:
        story.append(
            para(
                f"{who}于{cn_date(record.received_at)}向本站投诉{_what(record)}的消费纠纷，"
                f"因{REFERRAL_REASONS.get(referral.reason, referral.reason)}，现移交贵单位，请依法处理。",
                st["indent"],
            )
        )
    rows = [("案件编号", record.case_no), ("移交原因", referral.reason)]
    if not record.anonymous:
        rows += [
            ("投诉人" if not lead else "举报人", who),
            ("联系电话", mask_phone(record.phone) if masked else record.phone or ""),
            (
                "联系地址",
                (record.address or "")[:6] + "****" if masked and record.address else record.address or "",
            ),
        ]
    rows += [
        ("被投诉人" if not lead else "被举报人", party.name),
        ("联系人", party.contact),
        ("联系电话", party.phone),
        ("地址", party.address),
    ]
    if not lead:
        rows += [
            ("商品或服务", record.item or ""),
            ("涉及金额", _money(record.amount)),
            ("投诉请求", record.demands or ""),
        ]
        sessions = MediationSession.select().where(MediationSession.record == record).count()
        done = []
        if record.decided_at:
            done.append(f"本站于{record.decided_at:%Y年%m月%d日}受理")
        if sessions:
            done.append(f"组织调解{sessions}次")
        if record.termination_ground:
            done.append(f"因{stated_ground(record)}，终止调解")
        rows.append(("本站处理情况", "，".join(done) or "已登记"))
    story += [pdf.field_table(rows, st), Spacer(1, 2 * mm)]
    if lead:
        story.append(pdf.box("具体线索", "\n".join(p for p in (record.clues, record.facts) if p), st))
    else:
        story.append(pdf.box("争议事实", record.facts or "", st))
    table_rows = [["序号", "材料名称", "份数", "页数"]] + [
        [str(i), para(m["name"], st["cell"]), str(m["count"]), str(m["pages"])]
        for i, m in enumerate(materials, 1)
    ]
    count, pages = sum(int(m["count"]) for m in materials), sum(int(m["pages"]) for m in materials)
    table_rows.append(["", "合计", str(count), str(pages)])
    table = Table(table_rows, colWidths=[15 * mm, 105 * mm, 25 * mm, 25 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), pdf.LABEL_FILL),
            ]
        )
    )
    profile = _profile()
    handler = _staff_name(record.handler_id)
    story += [
        para("附：移交材料", st["section"]),
        table,
        Spacer(1, 2 * mm),
        para(
            f"请于{cn_date(referral.feedback_due)}前将处理情况反馈本站。联系人：{handler or '本站工作人员'}　电话："
            f"{profile.phone if profile else ''}",
            st["indent"],
        ),
        KeepTogether(
            [
                Spacer(1, 4 * mm),
                pdf.signature_table(
                    [
                        ("经办人（签名）", cn_date(referral.referred_at)),
                        ("服务站（盖章）", cn_date(referral.referred_at)),
                    ],
                    st,
                ),
            ]
        ),
        KeepTogether(
            [
                Spacer(1, 6 * mm),
                para("－ － － － － － － － 沿此线剪开 － － － － － － － －", st["center"]),
                Spacer(1, 3 * mm),
                para("回　执", st["heading"]),
                para(
                    f"{profile.name if profile else '贵站'}移交的{title} {referral.number}（案件 {record.case_no}）"
                    f"及材料共 {count} 份 {pages} 页已收到。",
                    st["indent"],
                ),
                para(f"接收单位：{referral.body_name}", st["body"]),
                pdf.signature_table(
                    [("接收人（签名）", cn_date(None)), ("接收单位（盖章）", cn_date(None))], st
                ),
            ]
        ),
    ]
    return _finish(record, "referral", dest, story, actor, keep)


# --- the notices ------------------------------------------------------------------------------------


def _notice_end(record: Record, kind: str, when: object, st: dict) -> Flowable:
    return KeepTogether(
        [
            para("特此告知。", st["indent"]),
            Spacer(1, 8 * mm),
            pdf.signature_table(
                [
                    ("服务站（盖章）", cn_date(when)),
                    (f"经办人：{_staff_name(record.handler_id)}", cn_date(when)),
                ],
                st,
            ),
            Spacer(1, 3 * mm),
            _contact_line(st),
            Spacer(1, 2 * mm),
            _delivery_line(record, kind, st),
        ]
    )


def rejection_notice(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """不予受理告知书: one ground, plainly, and what the consumer can do next."""
    record = find_record(case_no)
    if record.decision != Decision.REJECTED:
        raise UserError(f"案件 {record.case_no} 未作出不予受理决定，不能打印不予受理告知书。")
    st = pdf.doc_styles()
    story = _top(st, "不予受理告知书", number_of("rejection", record))
    story += [
        para(f"{record.complainant_name or '投诉人'}：", st["body"]),
        para(
            f"您于{cn_date(record.received_at)}向本站反映的关于{_what(record)}的投诉（编号 {record.case_no}），"
            f"经本站审查，因{(record.rejection_ground or '').rstrip('。')}，本站不予受理。",
            st["indent"],
        ),
        para(_consumer_routes(record), st["indent"]),
        _notice_end(record, "不予受理告知", record.decided_at, st),
    ]
    return _finish(record, "rejection", dest, story, actor, keep)


def termination_notice(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """终止调解告知书: one notice to the consumer and one to the business, with the ground, who refused, and
    the way on."""
    record = find_record(case_no)
    if not record.termination_ground:
        raise UserError(f"案件 {record.case_no} 没有终止调解，不能打印终止调解告知书。")
    st = pdf.doc_styles()
    party = respondent(record)
    ground = stated_ground(record)
    ended = _event_time(record, "终止调解") or record.closed_at
    referral = (
        Referral.select().where(Referral.record == record).order_by(Referral.referred_at.desc()).first()
    )
    consumer = record.complainant_name or "投诉人"
    accepted = f"本站于{cn_date(record.decided_at)}受理并组织调解" if record.decided_at else "本站组织调解"
    handed = (
        f"本站已于{cn_date(referral.referred_at)}将有关材料移交{referral.body_name}。"
        if referral
        else "如您向辖区12315机构投诉，本站将按规定移交有关材料。"
    )
    story: list[Flowable] = [
        pdf.CopyMark("致投诉人"),
        *_top(st, "终止调解告知书", number_of("termination", record)),
        para(f"{consumer}：", st["body"]),
        para(
            f"您与{_what(record)}之间的消费纠纷（编号 {record.case_no}），{accepted}。"
            f"因{ground}，本站终止调解。",
            st["indent"],
        ),
        para(handed, st["indent"]),
        para(_consumer_routes(record), st["indent"]),
        _notice_end(record, "终止调解告知", ended, st),
        PageBreak(),
        pdf.CopyMark("致被投诉人"),
        *_top(st, "终止调解告知书", number_of("termination", record)),
        para(f"{party.name or '被投诉人'}：", st["body"]),
        para(
            f"{consumer}对你方的投诉（编号 {record.case_no}），{accepted}。因{ground}，本站终止调解。",
            st["indent"],
        ),
        para(
            "双方可以依照《中华人民共和国消费者权益保护法》第三十九条的规定，通过协商和解、请求消费者协会调解、"
            "向有关行政部门投诉、提请仲裁或者向人民法院提起诉讼等途径解决争议。",
            st["indent"],
        ),
        _notice_end(record, "终止调解告知", ended, st),
    ]
    return _finish(record, "termination", dest, story, actor, keep)


def feedback_slip(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """处理结果反馈单 to the body that passed the case down: its deadline and whether it was met, and a result
    that is the case's own state."""
    from weiquan_desktop.services import deadlines

    record = find_record(case_no)
    feedback = (
        TransferFeedback.select()
        .where(TransferFeedback.record == record)
        .order_by(TransferFeedback.handled_at.desc())
        .first()
    )
    if record.source not in domain.TRANSFER_SOURCES or feedback is None:
        raise UserError(f"案件 {record.case_no} 不是转办案件或尚未记录处理结果，不能打印处理结果反馈单。")
    st = pdf.doc_styles()
    party = respondent(record)
    body = _body("12315" if record.source == Source.CENTER_12315 else "市场监管所")
    due = record.external_due or deadlines.RuleBook().due("transfer_feedback", record.received_at.date()).due
    sent = (feedback.sent_at or feedback.handled_at).date()
    late = deadlines.WorkCalendar.from_database().working_days_between(due, sent) if sent > due else 0
    met = "按期反馈" if not late else f"逾期 {late} 个工作日"
    result = record.state + (
        f"：{record.settlement}" if record.state == State.SETTLED and record.settlement else ""
    )
    handler = Staff.get_or_none(Staff.id == record.handler_id) if record.handler_id else None
    story = _top(st, "处理结果反馈单", number_of("feedback", record))
    story.append(
        para(f"{body.name if body else record.source.replace('转办', '').replace('交办', '')}：", st["body"])
    )
    story.append(
        para(
            f"贵单位转来的投诉（转办编号 {record.external_no or ''}）本站已办理，现将处理结果反馈如下：",
            st["indent"],
        )
    )
    story.append(
        pdf.field_table(
            [
                ("转办编号", record.external_no or ""),
                ("本站编号", record.case_no),
                ("收到时间", f"{record.received_at:%Y-%m-%d %H:%M}"),
                ("反馈期限", f"{due:%Y-%m-%d}（{met}）"),
                ("投诉人", record.complainant_name or ""),
                ("被投诉人", party.name),
                ("投诉请求", record.demands or ""),
                ("处理时间", f"{feedback.handled_at:%Y-%m-%d %H:%M}"),
                ("处理方式", feedback.method),
                ("处理过程", feedback.process),
                ("办理结果", result),
                ("结果说明", feedback.result),
                ("挽回经济损失", _money(record.recovered_amount)),
                ("消费者意见", record.satisfaction or ""),
                ("经办人", handler.name if handler else ""),
                ("经办人电话", (handler.phone if handler else "") or ""),
            ],
            st,
        )
    )
    story.append(
        KeepTogether(
            [
                Spacer(1, 8 * mm),
                pdf.signature_table(
                    [
                        ("经办人（签名）", cn_date(feedback.handled_at)),
                        ("服务站（盖章）", cn_date(feedback.handled_at)),
                    ],
                    st,
                ),
            ]
        )
    )
    return _finish(record, "feedback", dest, story, actor, keep)


def major_report(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """群体性 / 重大投诉报告 to the bureau: how many consumers, how much, what was done, when and to whom it was
    reported and by whom."""
    record = find_record(case_no)
    if not (record.is_group or record.is_major):
        raise UserError(f"案件 {record.case_no} 未标记为群体性或重大投诉。")
    st = pdf.doc_styles()
    party = respondent(record)
    title = document_title("major", record)
    body = _body("12315")
    to = record.major_reported_to or (body.name if body else "辖区12315机构")
    sessions = MediationSession.select().where(MediationSession.record == record).count()
    measures = record.settlement or (
        "已登记并组织调解" + (f"{sessions}次" if sessions else "") + "，正在处理"
    )
    reporter = record.major_reported_by or name_of(actor) or _staff_name(record.handler_id)
    reporter_staff = Staff.get_or_none(Staff.name == reporter) if reporter else None
    story = _top(st, title, number_of("major", record))
    story += [
        para(f"{to}：", st["body"]),
        para(
            f"本站于{record.received_at:%Y年%m月%d日 %H时%M分}接到一起{'群体性' if record.is_group else '重大'}投诉，"
            "现报告如下：",
            st["indent"],
        ),
        pdf.field_table(
            [
                ("案件编号", record.case_no),
                ("被投诉人", party.name),
                ("商品或服务", record.item or ""),
                ("涉及消费者人数", f"{record.group_size} 人" if record.group_size else ""),
                ("涉及金额合计", _money(record.group_amount or record.amount)),
                ("发生地点", record.place or party.address),
                ("当前状态", record.state),
                ("基本情况", record.facts or ""),
                ("消费者诉求", record.demands or ""),
                ("已采取措施", measures),
                (
                    "报告时间",
                    f"{record.major_reported_at:%Y-%m-%d %H:%M}" if record.major_reported_at else "",
                ),
                ("报告对象", to),
                ("报告人", reporter or ""),
                ("报告人电话", (reporter_staff.phone if reporter_staff else "") or ""),
            ],
            st,
        ),
        pdf.box("发展态势及风险", "", st, min_height=14 * mm),
        pdf.box("需协调解决的事项", "", st, min_height=14 * mm),
        KeepTogether(
            [
                Spacer(1, 8 * mm),
                pdf.signature_table(
                    [
                        ("报告人（签名）", cn_date(record.major_reported_at)),
                        ("服务站（盖章）", cn_date(record.major_reported_at)),
                    ],
                    st,
                ),
            ]
        ),
    ]
    return _finish(record, "major", dest, story, actor, keep)


# --- which documents, and making one -----------------------------------------------------------------

MAKERS = {
    "intake": intake_record,
    "receipt": receipt,
    "agreement": agreement,
    "mediation": mediation_record,
    "referral": referral_slip,
    "rejection": rejection_notice,
    "termination": termination_notice,
    "feedback": feedback_slip,
    "major": major_report,
    "visit": visit_record,
}


def available_documents(record: Record) -> list[str]:
    """The documents that make sense for a case in its current state."""
    docs = ["intake"]
    if record.kind in (Kind.COMPLAINT, Kind.REPORT):
        docs.append("receipt")
    if MediationSession.select().where(MediationSession.record == record).exists():
        docs.append("mediation")
    if record.state == State.SETTLED:
        docs.append("agreement")
    if Referral.select().where(Referral.record == record).exists():
        docs.append("referral")
    if record.decision == Decision.REJECTED:
        docs.append("rejection")
    if record.termination_ground:
        docs.append("termination")
    if (
        record.source in domain.TRANSFER_SOURCES
        and TransferFeedback.select().where(TransferFeedback.record == record).exists()
    ):
        docs.append("feedback")
    if record.is_group or record.is_major:
        docs.append("major")
    if ReturnVisit.select().where(ReturnVisit.record == record).exists():
        docs.append("visit")
    return docs


def work_file(name: str) -> Path:
    """Where a document for the preview is made: the data folder's print/, readable by its owner only."""
    from weiquan_desktop.models.db import current_data_dir

    folder = current_data_dir().root / "print"
    folder.mkdir(exist_ok=True)
    return folder / name.replace("/", "、")


def render(doc: str, case_no: str, dest: Path, *, actor: Actor | None = None) -> Path:
    """Make the document's PDF and nothing else (for the print preview: whether it is printed is not known yet)."""
    from weiquan_desktop.services.session import check_output_path

    if doc not in MAKERS:
        raise UserError(f"没有这种文书：{doc}（可用：{'、'.join(MAKERS)}）")
    check_output_path(dest)
    return MAKERS[doc](case_no, dest, actor=actor, keep=False)


def print_document(
    doc: str, case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True
) -> Path:
    """Make the document as a PDF file (the command line's ``print``, the window's 另存为 PDF), recorded as saved."""
    render(doc, case_no, dest, actor=actor)
    if keep:
        record_output(doc, case_no, dest, actor=actor)
    return dest


# --- station documents: the public notice board and the coordinator filing -----------------------------

DUTIES = (
    "受理、处理消费者的咨询，提供消费信息服务；受理消费者的建议和意见。",
    "受理、处理消费者与本单位的消费纠纷，做好完整的受理记录，能当场解决的当场解决。",
    "和解不成或重大、复杂、群体性投诉，告知消费者向辖区12315机构反映，并及时移交材料。",
    "发现制售假冒伪劣、不正当竞争、商标侵权等违法行为，及时向辖区12315机构举报。",
    "按时办理12315平台和上级转办的投诉，并在规定时限内反馈处理结果。",
    "开展消费维权法律法规宣传，每季度报送投诉统计报表，半年有小结，年终有总结。",
    "严格保密，不向无关人员泄露投诉、举报内容和消费者个人信息。",
)


def notice_board(dest: Path, *, size: str = "A4") -> Path:
    """公示栏: the station, its staff with role and phone, its duties, the 12315 hotline."""
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A3, A4
    from reportlab.lib.styles import ParagraphStyle

    from weiquan_desktop.services import staff as staff_service

    profile = station.load_profile()
    if profile is None:
        raise UserError("尚未填写站点信息，不能生成公示栏。")
    scale = 1.4 if size == "A3" else 1.0
    st = pdf.doc_styles()
    big = ParagraphStyle(
        "big", parent=st["body"], fontSize=26 * scale, leading=34 * scale, alignment=TA_CENTER
    )
    mid = ParagraphStyle(
        "mid", parent=st["body"], fontSize=14 * scale, leading=20 * scale, alignment=TA_CENTER
    )
    body = ParagraphStyle("nb", parent=st["body"], fontSize=11 * scale, leading=17 * scale)
    people = staff_service.roster()
    order = {role: i for i, role in enumerate(domain.STAFF_ROLES)}
    people.sort(key=lambda s: (order.get(s.role, 9), s.id))
    cells = [
        [para(f"{s.role.split('/')[0]}\n{s.name}\n电话：{s.phone or '—'}", mid) for s in people[i : i + 3]]
        for i in range(0, len(people), 3)
    ]
    for row in cells:
        row += [""] * (3 - len(row))
    width = (A3 if size == "A3" else A4)[0] - 40 * mm
    grid = Table(cells or [[""]], colWidths=[width / 3] * 3)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, 10),
                ("BOX", (0, 0), (-1, -1), 1, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 12 * scale),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 12 * scale),
            ]
        )
    )
    hotline = station.body_for("12315")
    story: list[Flowable] = [
        para("12315消费维权服务站", big),
        para("公　示　栏", big),
        Spacer(1, 4 * mm),
        para(profile.name, mid),
        Spacer(1, 6 * mm),
        grid,
        Spacer(1, 6 * mm),
        para("服务站职责", st["heading"]),
        *[para(f"{i}. {duty}", body) for i, duty in enumerate(DUTIES, 1)],
        Spacer(1, 6 * mm),
        para(f"服务站电话：{profile.phone}　　服务时间：{profile.hours or '营业时间内'}", body),
        para(f"地址：{profile.address}", body),
        para(
            f"全国消费者投诉举报电话：12315　　辖区12315机构：{hotline.name if hotline else ''}"
            f"{('　电话：' + hotline.phone) if hotline and hotline.phone else ''}",
            body,
        ),
    ]
    pagesize = A3 if size == "A3" else A4
    pdf.build(dest, story, title=f"公示栏 {profile.name}", pagesize=pagesize)
    audit.log("print", entity="station", entity_id=profile.code, detail={"文书": "公示栏", "纸张": size})
    return dest


def coordinator_filing(filing_id: int, dest: Path) -> Path:
    """协调员变更备案表, to be sealed and sent to the bureau."""
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    from weiquan_desktop.models.schema import CoordinatorFiling

    filing = CoordinatorFiling.get_or_none(CoordinatorFiling.id == filing_id)
    if filing is None:
        raise UserError("该备案记录不存在。")
    profile = station.load_profile()
    st = pdf.doc_styles()
    new, old = filing.successor, filing.previous
    story = _top(st, "协调员变更备案表", f"{profile.code if profile else ''}-BA{filing.id:03d}")
    story.append(
        pdf.field_table(
            [
                ("服务站名称", profile.name if profile else ""),
                ("依托单位", profile.host_business if profile else ""),
                ("地址", profile.address if profile else ""),
                ("联系电话", profile.phone if profile else ""),
                ("原协调员", old.name if old else "（无）"),
                ("原协调员电话", (old.phone if old else "") or ""),
                ("新协调员", new.name),
                ("新协调员电话", new.phone or ""),
                ("文化程度", new.education or ""),
                ("变更日期", cn_date(filing.changed_on)),
                ("变更原因", filing.reason or ""),
                ("备案单位", filing.filed_with or ""),
            ],
            st,
        )
    )
    story += [
        Spacer(1, 10 * mm),
        pdf.signature_table(
            [
                ("服务站负责人（签名）", cn_date(None)),
                ("服务站（盖章）", cn_date(None)),
                ("备案单位意见", cn_date(None)),
                ("备案单位（盖章）", cn_date(None)),
            ],
            st,
        ),
    ]
    pdf.build(dest, story, title="协调员变更备案表")
    audit.log("print", entity="coordinator_filing", entity_id=filing.id, detail={"文书": "协调员变更备案表"})
    return dest
