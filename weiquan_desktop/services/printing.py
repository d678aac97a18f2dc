"""The station's printed documents (ReportLab, A4, embedded Chinese font).

Documents are reproducible: the same case prints the same content (no print time on the page, ReportLab's
invariant mode), and each printed copy is kept with the case.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from weiquan_desktop import domain, pdf
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import (
    Business,
    MediationSession,
    Record,
    Referral,
    SettlementTerm,
    Staff,
    TransferFeedback,
)
from weiquan_desktop.privacy import mask_id, mask_phone
from weiquan_desktop.services import attachments, audit, casefile, station
from weiquan_desktop.services.actor import Actor, name_of

REMOTE_SOURCES = ("电话", "网络", "信函", "12315转办", "上级交办")
DOC_TITLES = {"投诉": "投诉登记表", "举报": "举报登记表", "咨询": "咨询登记表", "建议": "建议登记表"}


def find_record(case_no: str) -> Record:
    record = Record.get_or_none(Record.case_no == case_no.strip(), Record.deleted_at.is_null())
    if record is None:
        raise UserError(f"找不到案件编号 {case_no}。")
    return record


def _para(text: str, style: object) -> Paragraph:
    return Paragraph(pdf.markup(text), style)


def _field_table(rows: list[tuple[str, str]], st: dict) -> Table:
    """Label/value pairs, two pairs a row; long values take a whole row."""
    cells: list[list[object]] = []
    pending: list[object] = []
    spans = []
    for label, value in rows:
        if len(value) > 18:
            if pending:
                cells.append(pending + ["", ""])
                pending = []
            spans.append(len(cells))
            cells.append([_para(label, st["label"]), _para(value or "—", st["cell"]), "", ""])
        else:
            pending += [_para(label, st["label"]), _para(value or "—", st["cell"])]
            if len(pending) == 4:
                cells.append(pending)
                pending = []
    if pending:
        cells.append(pending + ["", ""])
    table = Table(cells, colWidths=[28 * mm, 57 * mm, 28 * mm, 57 * mm])
    style = [
        ("FONT", (0, 0), (-1, -1), pdf.FONT, 10),  # also for empty cells: no stray Helvetica in the file
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f0f0f0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for row in spans:
        style += [("SPAN", (1, row), (3, row))]
    table.setStyle(TableStyle(style))
    return table


def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle

    st = pdf.styles()
    st["label"] = ParagraphStyle("label", parent=st["body"], fontSize=10, leading=14)
    st["cell"] = ParagraphStyle("cell", parent=st["body"], fontSize=10, leading=14)
    return st


def may_print_original(record: Record, actor: Actor | None) -> bool:
    """The original a consumer signs carries full identity: printed by the case's handler or a head; anyone
    else prints a copy with the personal data masked."""
    from weiquan_desktop.services import auth

    return auth.can(actor, "reveal") or (actor is not None and actor.id == record.handler_id)


def intake_record(case_no: str, dest: Path, *, masked: bool | None = None, actor: Actor | None = None,
                  keep: bool = True) -> Path:
    """投诉登记表 / 举报登记表 (and the consultation and suggestion forms) with signature lines."""
    record = find_record(case_no)
    if masked is None or not masked:
        masked = not may_print_original(record, actor)
    profile = station.load_profile()
    st = _styles()
    title = DOC_TITLES[record.kind]
    story: list[Flowable] = [
        _para(profile.name if profile else "", st["heading"]),
        _para(title, st["title"]),
        _para(f"编号：{record.case_no}　　登记时间：{record.received_at:%Y年%m月%d日 %H:%M}　　来源：{record.source}"
              + (f"　　转办编号：{record.external_no}" if record.external_no else ""), st["body"]),
        Spacer(1, 4 * mm),
    ]
    for section, rows in casefile.sections(record, masked=masked):
        if section == "登记" or not rows:
            continue
        story.append(KeepTogether([_para(section, st["heading"]), _field_table(rows, st)]))
    story.append(Spacer(1, 10 * mm))
    who = {"投诉": "投诉人", "举报": "举报人", "咨询": "咨询人", "建议": "建议人"}[record.kind]
    remote = record.source in REMOTE_SOURCES
    handler = Staff.get_or_none(Staff.id == record.handler_id) if record.handler_id else None
    lines = []
    if record.anonymous:
        lines.append(f"{who}：匿名")
    elif remote:
        lines.append(f"{who}：{record.source}登记，无需本人签名")
    else:
        lines.append(f"{who}（签名）：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日")
    lines.append(f"经办人（签名）：＿＿＿＿＿＿＿＿{('（' + handler.name + '）') if handler else ''}　　"
                 "日期：＿＿＿＿年＿＿月＿＿日")
    story.append(KeepTogether([_para(line, st["body"]) for line in lines]))
    if masked:
        story += [Spacer(1, 6 * mm), _para("注：按站点设置，本表中的个人信息已作去标识化处理。", st["small"])]
    return _finish(record, "intake", dest, story, actor, keep)


# --- the documents of mediation, referral and feedback ------------------------------------------------
DOCS = {
    "intake": "登记表", "agreement": "和解协议书", "referral": "移交单", "rejection": "不予受理告知书",
    "termination": "终止调解告知书", "feedback": "处理结果反馈单", "major": "重大/群体性投诉报告",
}


def _cn_date(value: date | datetime | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else "＿＿＿＿年＿＿月＿＿日"


def _header_footer(title: str, case_no: str) -> Callable:
    def draw(canvas: object, doc: object) -> None:
        canvas.saveState()
        canvas.setFont(pdf.FONT, 8)
        canvas.setFillColor(colors.grey)
        if doc.page > 1:  # the heading of a long document is repeated on every further page
            canvas.drawString(20 * mm, 287 * mm, f"{title}（续）　{case_no}")
        canvas.drawRightString(190 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()
    return draw


def _finish(record: Record, doc_key: str, dest: Path, story: list[Flowable], actor: Actor | None, keep: bool) -> Path:
    title = DOCS[doc_key] if doc_key != "intake" else DOC_TITLES[record.kind]
    pdf.build(dest, story, title=f"{title} {record.case_no}", on_page=_header_footer(title, record.case_no))
    if keep:
        attachments.add(record.id, dest, purpose="文书", actor=actor)
    audit.log("print", actor=name_of(actor), entity="record", entity_id=record.case_no,
              detail={"文书": title})
    return dest


def _top(st: dict, title: str, number: str) -> list[Flowable]:
    profile = station.load_profile()
    return [_para(profile.name if profile else "", st["center"]), _para(title, st["title"]),
            _para(f"编号：{number}", st["right"]), Spacer(1, 3 * mm)]


def _doc_styles() -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    st = _styles()
    st["center"] = ParagraphStyle("center", parent=st["body"], alignment=TA_CENTER)
    st["right"] = ParagraphStyle("right", parent=st["body"], alignment=TA_RIGHT)
    st["indent"] = ParagraphStyle("indent", parent=st["body"], firstLineIndent=22, leading=20)
    st["term"] = ParagraphStyle("term", parent=st["body"], leftIndent=22, firstLineIndent=-22, leading=20)
    return st


def _signatures(rows: list[tuple[str, str]], st: dict) -> Table:
    """Signature blocks, two per row: who signs, and the date line."""
    cells = []
    for i in range(0, len(rows), 2):
        pair = rows[i:i + 2]
        cells.append([_para(f"{who}：\n\n＿＿＿＿＿＿＿＿＿＿\n{when}", st["body"]) for who, when in pair]
                     + ([""] if len(pair) == 1 else []))
    table = Table(cells, colWidths=[85 * mm, 85 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf.FONT, 10), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 8)]))
    return KeepTogether(table)


def _party_rows(record: Record, masked: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    consumer = [("甲方（消费者）", record.complainant_name or ""),
                ("证件号码", (mask_id(record.id_number) if masked else record.id_number) or ""),
                ("联系电话", (mask_phone(record.phone) if masked else record.phone) or ""),
                ("地址", record.address or "")]
    if record.agent_name:
        consumer.append(("委托代理人", record.agent_name))
    business = Business.get_or_none(Business.id == record.respondent_id) if record.respondent_id else None
    respondent = [("乙方（经营者）", record.respondent_name or ""),
                  ("负责人/联系人", (business.contact if business else "") or ""),
                  ("地址/铺位", ((business.address or business.booth) if business else record.place) or ""),
                  ("联系电话", (business.phone if business else "") or "")]
    return consumer, respondent


def terms_digest(record: Record) -> str:
    """A digest of the agreed terms, printed in the QR code: a paper copy can be checked against the database."""
    terms = [[t.position, t.kind, t.action, str(t.amount) if t.amount is not None else None, t.obligor,
              t.due_on.isoformat() if t.due_on else None]
             for t in SettlementTerm.select().where(SettlementTerm.record == record).order_by(SettlementTerm.position)]
    payload = json.dumps([record.case_no, terms, str(record.recovered_amount)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def qr_payload(record: Record) -> str:
    return f"WQ1|{record.case_no}|{terms_digest(record)}"


def _qr(text: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(text)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def agreement(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True,
              masked: bool = False) -> Path:
    """和解协议书: parties, facts, numbered terms, performance, effect clause, signatures and seals, QR code."""
    record = find_record(case_no)
    if record.state != "已和解":
        raise UserError(f"案件 {record.case_no} 状态为“{record.state}”，未和解，不能打印和解协议书。")
    st = _doc_styles()
    terms = list(SettlementTerm.select().where(SettlementTerm.record == record).order_by(SettlementTerm.position))
    consumer, respondent = _party_rows(record, masked)
    story = _top(st, "和解协议书", f"{record.case_no}-HJ")
    story.append(_field_table(consumer + respondent, st))
    if record.third_party:
        story.append(_field_table([("第三方", record.third_party)], st))
    mediator = (MediationSession.select().where(MediationSession.record == record, MediationSession.mediator.is_null(False))
                .order_by(MediationSession.held_at.desc()).first())
    mediator_name = mediator.mediator.name if mediator else ""
    story += [
        _para("一、争议事实与诉求", st["heading"]),
        _para(f"{_cn_date(record.purchase_date) if record.purchase_date else ''}甲方在乙方处购买（接受）"
              f"{record.item or '商品或服务'}{f'，涉及金额{record.amount:,.2f}元' if record.amount else ''}。"
              f"{record.facts or ''}", st["indent"]),
        _para(f"甲方诉求：{record.demands or '见上'}。", st["indent"]),
        _para("二、协议内容", st["heading"]),
        _para(f"经{station.load_profile().name if station.is_configured() else '本站'}主持调解，双方自愿达成如下协议：",
              st["indent"]),
    ]
    for term in terms:
        parts = [term.action.rstrip("。；;，,. ")]  # staff often end the action with a full stop
        if term.amount is not None:
            parts.append(f"金额{term.amount:,.2f}元")
        when = f"于{_cn_date(term.due_on)}前" if term.due_on else "于本协议签订当日"
        parts.append(f"由{term.obligor or '乙方'}{when}履行")
        story.append(_para(f"{term.position}. " + "，".join(parts) + "。", st["term"]))
    if record.punitive_amount:
        story.append(_para(f"{len(terms) + 1}. 依据{record.punitive_basis}，乙方支付甲方加倍赔偿"
                           f"{record.punitive_amount:,.2f}元。", st["term"]))
    story += [
        _para("三、履行期限和方式", st["heading"]),
        _para("各项条款按上列期限履行；涉及款项的，以现金或转账方式当面或汇入甲方指定账户，履行后双方签字确认。", st["indent"]),
        _para("四、协议效力", st["heading"]),
        _para("本协议自双方签字（盖章）之日起生效。一方不履行的，另一方可以依照《中华人民共和国消费者权益保护法》"
              "第三十九条的规定，向有关行政部门投诉、提请仲裁或者向人民法院提起诉讼。", st["indent"]),
        _para("本协议一式三份，甲方、乙方和服务站各执一份。", st["indent"]),
        Spacer(1, 6 * mm),
    ]
    rows = [("甲方（签名）", _cn_date(None)), ("乙方（盖章）\n负责人（签名）", _cn_date(None))]
    if record.third_party:
        rows.append(("第三方（签名或盖章）", _cn_date(None)))
    rows += [(f"调解员（签名）{('：' + mediator_name) if mediator_name else ''}", _cn_date(None)),
             ("服务站（盖章）", _cn_date(record.closed_at))]
    story.append(_signatures(rows, st))
    qr = Table([[_qr(qr_payload(record)),
                 _para(f"核验码：{terms_digest(record)}\n扫描二维码可核对案件编号和协议条款是否与服务站记录一致。", st["small"])]],
               colWidths=[32 * mm, 138 * mm])
    qr.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf.FONT, 10), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [Spacer(1, 4 * mm), KeepTogether(qr)]
    return _finish(record, "agreement", dest, story, actor, keep)


def _latest_referral(record: Record) -> Referral:
    referral = Referral.select().where(Referral.record == record).order_by(Referral.referred_at.desc()).first()
    if referral is None:
        raise UserError(f"案件 {record.case_no} 没有移交记录，不能打印移交单。")
    return referral


def referral_slip(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    """移交单 with a tear-off receipt (回执) for the receiving body to sign and return."""
    record = find_record(case_no)
    referral = _latest_referral(record)
    st = _doc_styles()
    materials = json.loads(referral.materials or "[]")
    what = "举报" if record.kind == "举报" else "投诉"
    who = record.complainant_name or ("匿名举报人" if record.anonymous else "消费者")
    story = _top(st, "消费纠纷移交单", referral.number)
    story += [
        _para(f"{referral.body_name}：", st["body"]),
        _para(f"现将{who}于{_cn_date(record.received_at)}关于{record.respondent_name or ''}"
              f"{record.item or ''}的{what}移交贵单位处理。", st["indent"]),
        _para(f"移交原因：{referral.reason}。", st["indent"]),
        _para(f"案件概况：{record.facts or ''}", st["indent"]),
        _para("移交材料：", st["heading"]),
    ]
    rows = [["序号", "材料名称", "份数", "页数"]] + [
        [str(i), _para(m["name"], st["cell"]), str(m["count"]), str(m["pages"])] for i, m in enumerate(materials, 1)]
    rows.append(["", "合计", str(sum(m["count"] for m in materials)), str(sum(m["pages"] for m in materials))])
    table = Table(rows, colWidths=[15 * mm, 105 * mm, 25 * mm, 25 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf.FONT, 10), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]))
    story += [table, Spacer(1, 3 * mm),
              _para(f"请于{_cn_date(referral.feedback_due)}前将处理情况反馈本站。", st["indent"]),
              Spacer(1, 6 * mm),
              _signatures([("经办人（签名）", _cn_date(referral.referred_at)),
                           ("服务站（盖章）", _cn_date(referral.referred_at))], st),
              Spacer(1, 8 * mm), _para("－ － － － － － － － 沿此线剪开 － － － － － － － －", st["center"]),
              Spacer(1, 4 * mm), _para("回　执", st["heading"]),
              _para(f"贵站移交的编号 {referral.number}（案件 {record.case_no}）的{what}及材料"
                    f"共 {sum(m['pages'] for m in materials)} 页已收到。", st["indent"]),
              Spacer(1, 4 * mm),
              _para(f"接收单位：{referral.body_name}", st["body"]),
              _signatures([("接收人（签名）", _cn_date(None)), ("接收单位（盖章）", _cn_date(None))], st)]
    return _finish(record, "referral", dest, story, actor, keep)


def _notice(record: Record, key: str, title: str, to: str, paragraphs: list[str], when: datetime | None,
            dest: Path, actor: Actor | None, keep: bool) -> Path:
    st = _doc_styles()
    story = _top(st, title, f"{record.case_no}-{key[:2].upper()}")
    story.append(_para(f"{to}：", st["body"]))
    story += [_para(p, st["indent"]) for p in paragraphs]
    story += [Spacer(1, 12 * mm), _signatures([("服务站（盖章）", _cn_date(when)), ("经办人（签名）", _cn_date(when))], st)]
    return _finish(record, key, dest, story, actor, keep)


def rejection_notice(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    record = find_record(case_no)
    if record.decision != "不予受理":
        raise UserError(f"案件 {record.case_no} 未作出不予受理决定，不能打印不予受理告知书。")
    return _notice(record, "rejection", "不予受理告知书", record.complainant_name or "投诉人", [
        f"您于{_cn_date(record.received_at)}对{record.respondent_name or ''}的投诉（编号 {record.case_no}），"
        f"经审查，因{record.rejection_ground}，本站决定不予受理。",
        "如有异议，您可以向辖区市场监督管理部门或消费者协会反映，也可以依法申请仲裁或者向人民法院提起诉讼。",
    ], record.decided_at, dest, actor, keep)


def termination_notice(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    record = find_record(case_no)
    if not record.termination_ground:
        raise UserError(f"案件 {record.case_no} 没有终止调解，不能打印终止调解告知书。")
    return _notice(record, "termination", "终止调解告知书",
                   f"{record.complainant_name or '投诉人'}、{record.respondent_name or '被投诉人'}", [
        f"{record.complainant_name or '投诉人'}与{record.respondent_name or '被投诉人'}之间的消费纠纷"
        f"（编号 {record.case_no}），本站于{_cn_date(record.decided_at)}受理并组织调解。",
        f"因{record.termination_ground}，本站决定终止调解。",
        "双方可以依照有关法律、法规的规定，申请仲裁或者向人民法院提起诉讼；投诉人也可以向辖区12315机构反映。",
    ], record.closed_at, dest, actor, keep)


def feedback_slip(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    record = find_record(case_no)
    feedback = (TransferFeedback.select().where(TransferFeedback.record == record)
                .order_by(TransferFeedback.handled_at.desc()).first())
    if record.source not in domain.TRANSFER_SOURCES or feedback is None:
        raise UserError(f"案件 {record.case_no} 不是转办案件或尚未记录处理结果，不能打印处理结果反馈单。")
    st = _doc_styles()
    profile = station.load_profile()
    story = _top(st, "处理结果反馈单", f"{record.case_no}-FK")
    story.append(_field_table([
        ("转办编号", record.external_no or ""), ("本站编号", record.case_no), ("来源", record.source),
        ("收到时间", record.received_at.strftime("%Y-%m-%d %H:%M")),
        ("投诉人", record.complainant_name or ""), ("被投诉人", record.respondent_name or ""),
        ("处理时间", feedback.handled_at.strftime("%Y-%m-%d %H:%M")), ("处理方式", feedback.method),
        ("处理过程", feedback.process), ("处理结果", feedback.result),
        ("办理状态", record.state), ("反馈单位", profile.name if profile else ""),
    ], st))
    story += [Spacer(1, 10 * mm), _signatures([("经办人（签名）", _cn_date(feedback.handled_at)),
                                               ("服务站（盖章）", _cn_date(feedback.handled_at))], st)]
    return _finish(record, "feedback", dest, story, actor, keep)


def major_report(case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    record = find_record(case_no)
    if not (record.is_group or record.is_major):
        raise UserError(f"案件 {record.case_no} 未标记为群体性或重大投诉。")
    st = _doc_styles()
    body = station.body_for("12315")
    story = _top(st, "重大/群体性投诉报告", f"{record.case_no}-BG")
    story.append(_para(f"{body.name if body else '辖区12315机构'}：", st["body"]))
    story.append(_para(f"本站于{record.received_at:%Y年%m月%d日 %H时%M分}受理一起"
                       f"{'群体性' if record.is_group else '重大'}投诉，现报告如下：", st["indent"]))
    story.append(_field_table([
        ("案件编号", record.case_no), ("被投诉方", record.respondent_name or ""), ("商品或服务", record.item or ""),
        ("涉及金额", f"{record.amount:,.2f} 元" if record.amount else ""), ("当前状态", record.state),
        ("基本情况", record.facts or ""), ("消费者诉求", record.demands or ""),
        ("已采取措施", record.settlement or "已登记并组织调解"),
    ], st))
    story += [Spacer(1, 10 * mm), _signatures([("报告人（签名）", _cn_date(None)), ("服务站（盖章）", _cn_date(None))], st)]
    return _finish(record, "major", dest, story, actor, keep)


def document_title(doc: str, record: Record) -> str:
    return DOC_TITLES[record.kind] if doc == "intake" else DOCS[doc]


def available_documents(record: Record) -> list[str]:
    """The documents that make sense for a case in its current state."""
    docs = ["intake"]
    if record.state == "已和解":
        docs.append("agreement")
    if Referral.select().where(Referral.record == record).exists():
        docs.append("referral")
    if record.decision == "不予受理":
        docs.append("rejection")
    if record.termination_ground:
        docs.append("termination")
    if record.source in domain.TRANSFER_SOURCES and TransferFeedback.select().where(
            TransferFeedback.record == record).exists():
        docs.append("feedback")
    if record.is_group or record.is_major:
        docs.append("major")
    return docs


def print_document(doc: str, case_no: str, dest: Path, *, actor: Actor | None = None, keep: bool = True) -> Path:
    makers = {"intake": intake_record, "agreement": agreement, "referral": referral_slip,
              "rejection": rejection_notice, "termination": termination_notice, "feedback": feedback_slip,
              "major": major_report}
    if doc not in makers:
        raise UserError(f"没有这种文书：{doc}（可用：{'、'.join(makers)}）")
    return makers[doc](case_no, dest, actor=actor, keep=keep)


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
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A3, A4
    from reportlab.lib.styles import ParagraphStyle

    from weiquan_desktop.services import staff as staff_service

    profile = station.load_profile()
    if profile is None:
        raise UserError("尚未填写站点信息，不能生成公示栏。")
    scale = 1.4 if size == "A3" else 1.0
    st = _doc_styles()
    big = ParagraphStyle("big", parent=st["body"], fontSize=26 * scale, leading=34 * scale, alignment=TA_CENTER)
    mid = ParagraphStyle("mid", parent=st["body"], fontSize=14 * scale, leading=20 * scale, alignment=TA_CENTER)
    body = ParagraphStyle("nb", parent=st["body"], fontSize=11 * scale, leading=17 * scale)
    people = staff_service.roster()
    order = {role: i for i, role in enumerate(domain.STAFF_ROLES)}
    people.sort(key=lambda s: (order.get(s.role, 9), s.id))
    cells = [[_para(f"{s.role.split('/')[0]}\n{s.name}\n电话：{s.phone or '—'}", mid) for s in people[i:i + 3]]
             for i in range(0, len(people), 3)]
    for row in cells:
        row += [""] * (3 - len(row))
    width = (A3 if size == "A3" else A4)[0] - 40 * mm
    grid = Table(cells or [[""]], colWidths=[width / 3] * 3)
    grid.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf.FONT, 10), ("BOX", (0, 0), (-1, -1), 1, colors.black),
                              ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("TOPPADDING", (0, 0), (-1, -1), 12 * scale), ("BOTTOMPADDING", (0, 0), (-1, -1), 12 * scale)]))
    hotline = station.body_for("12315")
    story: list[Flowable] = [
        _para("12315消费维权服务站", big), _para("公　示　栏", big), Spacer(1, 4 * mm),
        _para(profile.name, mid), Spacer(1, 6 * mm), grid, Spacer(1, 6 * mm),
        _para("服务站职责", st["heading"]),
        *[_para(f"{i}. {duty}", body) for i, duty in enumerate(DUTIES, 1)],
        Spacer(1, 6 * mm),
        _para(f"服务站电话：{profile.phone}　　服务时间：{profile.hours or '营业时间内'}", body),
        _para(f"地址：{profile.address}", body),
        _para(f"全国消费者投诉举报电话：12315　　辖区12315机构：{hotline.name if hotline else ''}"
              f"{('　电话：' + hotline.phone) if hotline and hotline.phone else ''}", body),
    ]
    pagesize = A3 if size == "A3" else A4
    pdf.build(dest, story, title=f"公示栏 {profile.name}", pagesize=pagesize)
    audit.log("print", entity="station", entity_id=profile.code, detail={"文书": "公示栏", "纸张": size})
    return dest


def coordinator_filing(filing_id: int, dest: Path) -> Path:
    """协调员变更备案表, to be sealed and sent to the bureau."""
    from weiquan_desktop.models.schema import CoordinatorFiling

    filing = CoordinatorFiling.get_or_none(CoordinatorFiling.id == filing_id)
    if filing is None:
        raise UserError("该备案记录不存在。")
    profile = station.load_profile()
    st = _doc_styles()
    new, old = filing.successor, filing.previous
    story = _top(st, "协调员变更备案表", f"{profile.code if profile else ''}-BA{filing.id:03d}")
    story.append(_field_table([
        ("服务站名称", profile.name if profile else ""), ("依托单位", profile.host_business if profile else ""),
        ("地址", profile.address if profile else ""), ("联系电话", profile.phone if profile else ""),
        ("原协调员", old.name if old else "（无）"), ("原协调员电话", (old.phone if old else "") or ""),
        ("新协调员", new.name), ("新协调员电话", new.phone or ""),
        ("文化程度", new.education or ""), ("变更日期", _cn_date(filing.changed_on)),
        ("变更原因", filing.reason or ""), ("备案单位", filing.filed_with or ""),
    ], st))
    story += [Spacer(1, 10 * mm), _signatures([("服务站负责人（签名）", _cn_date(None)), ("服务站（盖章）", _cn_date(None)),
                                               ("备案单位意见", _cn_date(None)), ("备案单位（盖章）", _cn_date(None))], st)]
    pdf.build(dest, story, title="协调员变更备案表")
    audit.log("print", entity="coordinator_filing", entity_id=filing.id, detail={"文书": "协调员变更备案表"})
    return dest
