"""The station's printed documents (ReportLab, A4, embedded Chinese font).

Documents are reproducible: the same case prints the same content (no print time on the page, ReportLab's
invariant mode), and each printed copy is kept with the case.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from weiquan_desktop import pdf
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import Record, Staff
from weiquan_desktop.services import attachments, audit, casefile, station

REMOTE_SOURCES = ("电话", "网络", "信函", "12315转办", "上级交办")
DOC_TITLES = {"投诉": "投诉登记表", "举报": "举报登记表", "咨询": "咨询登记表", "建议": "建议登记表"}


def find_record(case_no: str) -> Record:
    record = Record.get_or_none(Record.case_no == case_no.strip(), Record.deleted_at.is_null())
    if record is None:
        raise UserError(f"找不到案件编号 {case_no}。")
    return record


def _para(text: str, style: object) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


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


def intake_record(case_no: str, dest: Path, *, masked: bool | None = None, actor: Staff | None = None,
                  keep: bool = True) -> Path:
    """投诉登记表 / 举报登记表 (and the consultation and suggestion forms) with signature lines."""
    record = find_record(case_no)
    if masked is None:
        masked = station.setting("mask_on_print") == "1"
    profile = station.load_profile()
    st = _styles()
    title = DOC_TITLES[record.kind]
    story: list[Flowable] = [
        _para(profile.name if profile else "", st["heading"]),
        _para(title, st["title"]),
        _para(f"编号：{record.case_no}　　登记时间：{record.received_at:%Y年%m月%d日 %H:%M}　　来源：{record.source}", st["body"]),
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
    pdf.build(dest, story, title=f"{title} {record.case_no}")
    if keep:
        attachments.add(record.id, dest, purpose="文书", actor=actor)
    audit.log("print", actor=actor.name if actor else None, entity="record", entity_id=record.case_no,
                     detail={"文书": title, "去标识化": masked})
    return dest
