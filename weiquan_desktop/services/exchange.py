"""The ledger workbook (spec/ledger.md): export and all-or-nothing import.

Export streams rows straight into a temporary file beside the target (weiquan_desktop.xlsx, several times
faster than openpyxl's write-only mode, which the report workbook's ledger sheet still uses), renamed into
place only when complete: a pulled USB stick never leaves a truncated workbook.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet
from peewee import JOIN, Expression

from weiquan_desktop import __version__, xlsx
from weiquan_desktop.domain import State
from weiquan_desktop.errors import UserError
from weiquan_desktop.fileio import atomic_write
from weiquan_desktop.models.db import id_in, plain_rows
from weiquan_desktop.models.schema import ClockPause, Record, Referral, Staff
from weiquan_desktop.privacy import mask_address, mask_id, mask_known, mask_name, mask_phone
from weiquan_desktop.services import audit, auth, deadlines, station
from weiquan_desktop.services.actor import Actor, name_of
from weiquan_desktop.services.ledger_format import (
    ALL_COLUMNS,
    COLUMNS,
    EVENT_HEADERS,
    EVENT_KINDS,
    EVENTS_SHEET,
    FORMULA_STARTS,
    HEADERS,
    NOTES_SHEET,
    SHEET,
    ExportResult,
)
from weiquan_desktop.services.register import RegisterQuery
from weiquan_desktop.text import CONTROL, plain_text

Progress = Callable[[int, int], bool]  # (done, total) -> keep going?

MONEY_FORMAT = "#,##0.00"
# dates and times need no styled cell: openpyxl gives date and datetime values a date format of their own


class Cancelled(UserError):
    def __init__(self) -> None:
        super().__init__("已取消，未写入任何文件。")


def keep_as_text(cell: WriteOnlyCell) -> WriteOnlyCell:
    """The one rule for every cell the program writes: text that Excel would read as a formula (=, +, -, @,
    tab, CR) stays text (a respondent named =HYPERLINK(...) became a live link in the report workbook)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _text_cell(ws: Worksheet, value: str) -> object:
    value = plain_text(value)  # openpyxl refuses control characters with a traceback
    if value.startswith(FORMULA_STARTS):
        return keep_as_text(WriteOnlyCell(ws, value=value))
    return value


def text_safe(ws: Worksheet, values: Iterable[object]) -> list[object]:
    """A row for ``ws.append`` of any openpyxl sheet with every text under the rules above: no control
    characters, formula-like text kept as text. For the program's small workbooks (staff, combined
    report, import errors), whose text comes from staff, other stations' files and imported cells."""
    return [_text_cell(ws, v) if v.__class__ is str and v else v for v in values]


def _styled(ws: Worksheet, value: object, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


class _MoneyCells:
    """One styled cell per money column, its value set for each row: a write-only sheet writes a row out
    as it is appended (and starts a fresh cell of its own after a styled one), so the cell can be reused,
    and 100,000 rows make three cells instead of several hundred thousand."""

    def __init__(self, ws: Worksheet, columns: Iterable[int]) -> None:
        self.cells = {i: _styled(ws, None, MONEY_FORMAT) for i in columns}

    def put(self, out: list[object], i: int) -> None:
        if out[i] is not None:
            cell = self.cells[i]
            cell.value = out[i]
            out[i] = cell


RECORD_FIELDS = (
    Record.id,
    Record.case_no,
    Record.kind,
    Record.source,
    Record.received_at,
    Record.complainant_name,
    Record.phone,
    Record.id_number,
    Record.address,
    Record.respondent_name,
    Record.category,
    Record.item,
    Record.nature,
    Record.purchase_date,
    Record.amount,
    Record.facts,
    Record.demands,
    Record.decision,
    Record.decided_at,
    Record.rejection_ground,
    Record.state,
    Record.settlement,
    Record.recovered_amount,
    Record.punitive_amount,
    Record.closed_at,
    Staff.name,
    Record.external_no,
    Record.satisfaction,
    Record.is_group,
    Record.remark,
    Record.reply_due,
    Record.anonymous,
)
# the extension columns (ledger_format.EXTRA_COLUMNS), in their order
EXTRA_FIELDS = (
    Record.id_type,
    Record.anonymous,
    Record.consent_publish,
    Record.consent_mediation,
    Record.agent_name,
    Record.agent_phone,
    Record.agent_id_number,
    Record.agent_authorisation,
    Record.respondent_contact,
    Record.respondent_phone,
    Record.respondent_address,
    Record.place,
    Record.evidence,
    Record.clues,
    Record.answer,
    Record.reply_due,
    Record.termination_ground,
    Record.termination_party,
    Record.handover_note,
    Record.punitive_basis,
    Record.third_party,
    Record.third_party_role,
    Record.third_party_contact,
    Record.third_party_phone,
    Record.third_party_address,
    Record.group_size,
    Record.group_amount,
    Record.is_major,
    Record.major_reported_at,
    Record.major_reported_to,
    Record.major_reported_by,
    Record.external_due,
    Record.forwarded_to,
)
BOOL_EXTRAS = {1, 2, 3, 27}  # positions in EXTRA_FIELDS written as 是/否


def _conditions(start: date | None, end: date | None, selection: RegisterQuery | None) -> list[Expression]:
    conditions = selection.where() if selection is not None else [Record.deleted_at.is_null()]
    if start is not None:
        conditions.append(Record.received_at >= datetime.combine(start, datetime.min.time()))
    if end is not None:
        conditions.append(Record.received_at <= datetime.combine(end, datetime.max.time()))
    return conditions


def ledger_rows(
    start: date | None = None,
    end: date | None = None,
    *,
    masked: bool = True,
    selection: RegisterQuery | None = None,
    book: deadlines.RuleBook | None = None,
) -> Iterator[tuple[list[object], bool]]:
    """Each record as its 34 ledger values (Python types), and whether a deadline in it is estimated."""
    book = book or deadlines.RuleBook()
    query = (
        Record.select(*RECORD_FIELDS, *EXTRA_FIELDS)
        .join(Staff, JOIN.LEFT_OUTER, on=(Record.handler == Staff.id))
        .where(*_conditions(start, end, selection))
        .order_by(Record.received_at, Record.id)
    )
    referrals: dict[int, tuple[str, datetime]] = {}
    # only the referred records of this export (a small export of a large database reads few)
    referred = (
        Referral.select(Referral.record, Referral.body_name, Referral.referred_at)
        .join(Record, on=(Referral.record == Record.id))
        .where(*_conditions(start, end, selection), Record.state == State.REFERRED)
        .order_by(Referral.referred_at)
    )
    for record_id, body, at in referred.tuples().iterator():
        referrals[record_id] = (body, at)  # the latest referral of a record wins
    # paused mediation clocks (few): the ledger's mediation limit is the register's, tested days not counted
    today = date.today()
    pauses: dict[int, list[tuple[date, date]]] = {}
    for record_id, started, ended in (
        ClockPause.select(ClockPause.record, ClockPause.started_on, ClockPause.ended_on).tuples().iterator()
    ):
        pauses.setdefault(record_id, []).append((started, ended or today))
    for row in plain_rows(query):
        (
            rid,
            case_no,
            kind,
            source,
            received,
            name,
            phone,
            id_number,
            address,
            respondent,
            category,
            item,
            nature,
            purchase,
            amount,
            facts,
            demands,
            decision,
            decided,
            rejection,
            state,
            settlement,
            recovered,
            punitive,
            closed,
            handler,
            external_no,
            satisfaction,
            is_group,
            remark,
            _reply,
            _anon,
        ) = row[:32]
        extras = [
            ("是" if value else "否") if i in BOOL_EXTRAS else value for i, value in enumerate(row[32:])
        ]
        if masked:
            people, phones = [name, extras[4]], [phone, extras[5]]
            name, phone, id_number, address = (
                mask_name(name) or None,
                mask_phone(phone) or None,
                mask_id(id_number) or None,
                mask_address(address) or None,
            )
            extras[4], extras[5], extras[6] = (
                mask_name(extras[4]) or None,
                mask_phone(extras[5]) or None,
                mask_id(extras[6]) or None,
            )
            for i in (7, 12, 13, 14, 18):  # free text may name the consumer or his agent
                extras[i] = mask_known(extras[i], people, phones) or None
            facts, remark = (
                mask_known(facts, people, phones) or None,
                mask_known(remark, people, phones) or None,
            )
        due = book.ledger_deadlines(kind, source, received, decision, decided, pauses.get(rid, ()))
        referral = referrals.get(rid) if state == State.REFERRED else None
        decision_due = due.get(deadlines.DUE_DECISION)
        mediation_due = due.get(deadlines.DUE_MEDIATION)
        feedback_due = due.get(deadlines.DUE_FEEDBACK)
        estimated = any(d.estimated for d in (decision_due, mediation_due, feedback_due) if d)
        yield (
            [
                case_no,
                kind,
                source,
                received,
                name,
                phone,
                id_number,
                address,
                respondent,
                category,
                item,
                nature,
                purchase,
                amount,
                facts,
                demands,
                decision,
                decided,
                rejection,
                state,
                settlement,
                recovered,
                punitive,
                closed,
                handler,
                referral[0] if referral else None,
                referral[1] if referral else None,
                external_no,
                satisfaction,
                "是" if is_group else "否",
                remark,
                decision_due.due if decision_due else None,
                mediation_due.due if mediation_due else None,
                feedback_due.due if feedback_due else None,
                *extras,
            ],
            estimated,
        )


MONEY_INDEXES = tuple(i for i, column in enumerate(ALL_COLUMNS) if column.kind == "money")
HEADER_STYLE = xlsx.Style(bold=True, fill="DDE5F0", center=True)
LEDGER_LAYOUT = xlsx.Layout(
    SHEET,
    HEADERS,
    tuple(column.width for column in ALL_COLUMNS),
    freeze="B2",
    header_style=HEADER_STYLE,
    column_formats=dict.fromkeys(MONEY_INDEXES, MONEY_FORMAT),
    auto_filter=True,
)
EVENTS_LAYOUT = xlsx.Layout(
    EVENTS_SHEET,
    EVENT_HEADERS,
    (18, 9, 12, 6, 17, 17, 8, 18, 9, 36, 11, 11, 30),
    freeze="C2",
    header_style=xlsx.Style(bold=True, fill="DDE5F0"),
    column_formats={10: MONEY_FORMAT},
)


def _row_cells(ws: Worksheet, values: list[object], money: _MoneyCells) -> list[object]:
    """The row as openpyxl takes it. Per cell this runs 3.4 million times for 100,000 rows: most values
    pass through untouched; only amounts and formula-like text become styled cells."""
    out = [None if value == "" else value for value in values]
    for i in MONEY_INDEXES:
        money.put(out, i)
    for i, value in enumerate(out):
        if value.__class__ is str and (value[0] in xlsx.FORMULA_FIRST or CONTROL.search(value)):
            out[i] = _text_cell(ws, value)
    return out


def _openpyxl_sheet(wb: Workbook, layout: xlsx.Layout) -> Worksheet:
    """A write-only openpyxl sheet laid out as ``layout`` says, its header row written."""
    ws = wb.create_sheet(layout.title)
    ws.freeze_panes = layout.freeze
    for index, width in enumerate(layout.widths, 1):
        ws.column_dimensions[_letter(index)].width = width
    style = layout.header_style
    header = []
    for heading in layout.header:
        cell = WriteOnlyCell(ws, value=heading)
        if style.bold:
            cell.font = Font(bold=True)
        if style.fill:
            cell.fill = PatternFill("solid", fgColor=style.fill)
        if style.center:
            cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    ws.append(header)
    return ws


def write_ledger_sheet(
    book: Workbook | xlsx.StreamWorkbook,
    title: str,
    rows: Iterator[tuple[list[object], bool]],
    progress: Progress | None = None,
    total: int = 0,
) -> tuple[int, int]:
    """Stream ledger rows into a new sheet, laid out as LEDGER_LAYOUT (styled header, frozen first column and
    header, filter, amounts as money, formula-like text kept as text), of the export's own workbook or of
    a write-only openpyxl one (the report's). Returns (rows, estimated)."""
    layout = dataclasses.replace(LEDGER_LAYOUT, title=title)
    ws: Worksheet | None = None
    append: Callable[[list[object]], None]
    if isinstance(book, xlsx.StreamWorkbook):
        append = book.sheet(layout).append
    else:
        ws = _openpyxl_sheet(book, layout)
        money = _MoneyCells(ws, MONEY_INDEXES)

        def append(values: list[object]) -> None:
            ws.append(_row_cells(ws, values, money))

    width = len(ALL_COLUMNS)
    count = estimated = 0
    for values, is_estimated in rows:
        if len(values) != width:
            raise ValueError(f"ledger row has {len(values)} values, expected {width}")
        if count + 1 >= xlsx.MAX_ROWS:  # the header is a row too (openpyxl would write a sheet Excel cuts)
            raise xlsx.TooManyRows(title)
        append(values)
        count += 1
        estimated += is_estimated
        if progress is not None and count % 2000 == 0 and not progress(count, total):
            raise Cancelled()
    if ws is not None:
        ws.auto_filter.ref = f"A1:{_letter(width)}{count + 1}"
    return count, estimated


def event_rows(record_ids: list[int], masked: bool) -> Iterator[list[object]]:
    """The 办理记录 rows of these records, by record in the given order, each kind in its own order."""
    import json

    from weiquan_desktop.models.schema import (
        CaseNotice,
        MediationSession,
        ReturnVisit,
        SettlementTerm,
        TransferFeedback,
    )

    by_record: dict[int, list[list[object]]] = {rid: [] for rid in record_ids}
    people: dict[int, tuple[str, list, list]] = {}
    for rid, case_no, name, agent, phone, agent_phone in (
        Record.select(
            Record.id,
            Record.case_no,
            Record.complainant_name,
            Record.agent_name,
            Record.phone,
            Record.agent_phone,
        )
        .where(id_in(Record.id, record_ids))
        .tuples()
    ):
        people[rid] = (case_no, [name, agent], [phone, agent_phone])

    def hide(rid: int, text: object) -> object:
        if not masked or not isinstance(text, str):
            return text
        return mask_known(text, people[rid][1], people[rid][2])

    def add(
        rid: int,
        kind: str,
        item: object = None,
        position: object = None,
        at: object = None,
        end: object = None,
        method: object = None,
        party: object = None,
        who: object = None,
        content: object = None,
        amount: object = None,
        due: object = None,
        more: dict | None = None,
    ) -> None:
        extra = {k: v for k, v in (more or {}).items() if v not in (None, "", [])}
        by_record[rid].append(
            [
                people[rid][0],
                kind,
                item,
                position,
                at,
                end,
                method,
                hide(rid, party),
                who,
                hide(rid, content),
                amount,
                due,
                hide(rid, json.dumps(extra, ensure_ascii=False)) if extra else None,
            ]
        )

    # plain rows, not model instances: building 17,000 of them was a third of the sheet's own time
    staff = dict(Staff.select(Staff.id, Staff.name).tuples())
    for t in plain_rows(
        SettlementTerm.select()
        .where(id_in(SettlementTerm.record, record_ids))
        .order_by(SettlementTerm.position),
        named=True,
    ):
        add(
            t.record,
            "和解条款",
            t.kind,
            t.position,
            content=t.action,
            party=t.obligor,
            amount=t.amount,
            due=t.due_on,
        )
    for s in plain_rows(
        MediationSession.select()
        .where(id_in(MediationSession.record, record_ids))
        .order_by(MediationSession.held_at, MediationSession.id),
        named=True,
    ):
        add(
            s.record,
            "调解",
            at=s.held_at,
            method=s.mode,
            party=s.attendees,
            who=staff.get(s.mediator),
            content=s.notes,
            more={"消费者意见": s.consumer_statement, "经营者意见": s.business_statement},
        )
    for p in plain_rows(
        ClockPause.select().where(id_in(ClockPause.record, record_ids)).order_by(ClockPause.started_on),
        named=True,
    ):
        add(p.record, "暂停计时", at=p.started_on, end=p.ended_on, content=p.reason)
    for n in plain_rows(
        CaseNotice.select()
        .where(id_in(CaseNotice.record, record_ids))
        .order_by(CaseNotice.at, CaseNotice.id),
        named=True,
    ):
        add(n.record, "告知", n.kind, at=n.at, method=n.method, party=n.party, who=n.actor, content=n.content)
    for r in plain_rows(
        Referral.select()
        .where(id_in(Referral.record, record_ids))
        .order_by(Referral.referred_at, Referral.id),
        named=True,
    ):
        add(
            r.record,
            "移交",
            r.number,
            at=r.referred_at,
            end=r.feedback_at,
            party=r.body_name,
            content=r.reason,
            due=r.feedback_due,
            more={"材料": json.loads(r.materials or "[]"), "反馈": r.feedback},
        )
    for f in plain_rows(
        TransferFeedback.select()
        .where(id_in(TransferFeedback.record, record_ids))
        .order_by(TransferFeedback.handled_at, TransferFeedback.id),
        named=True,
    ):
        add(
            f.record,
            "转办反馈",
            at=f.handled_at,
            end=f.sent_at,
            method=f.method,
            content=f.result,
            more={"处理过程": f.process},
        )
    for v in plain_rows(
        ReturnVisit.select()
        .where(id_in(ReturnVisit.record, record_ids))
        .order_by(ReturnVisit.visited_at, ReturnVisit.id),
        named=True,
    ):
        add(
            v.record,
            "回访",
            v.satisfaction,
            at=v.visited_at,
            method=v.method,
            who=staff.get(v.staff),
            content=v.comment,
            more={"履行情况": v.performance},
        )
    for rid in record_ids:
        yield from by_record[rid]


def write_events_sheet(
    book: xlsx.StreamWorkbook,
    start: date | None,
    end: date | None,
    *,
    masked: bool,
    selection: RegisterQuery | None = None,
) -> int:
    """Sheet 办理记录, streamed after the ledger in the same record order, 500 records at a time."""
    sheet = book.sheet(EVENTS_LAYOUT)
    count = 0
    ids = (
        Record.select(Record.id)
        .where(*_conditions(start, end, selection))
        .order_by(Record.received_at, Record.id)
        .tuples()
        .iterator()
    )
    chunk: list[int] = []

    def flush() -> int:
        written = 0
        for values in event_rows(chunk, masked):
            sheet.append(values)
            written += 1
        chunk.clear()
        return written

    for (rid,) in ids:
        chunk.append(rid)
        if len(chunk) >= 500:
            count += flush()
    if chunk:
        count += flush()
    return count


@contextlib.contextmanager
def closing_streams(wb: Workbook) -> Iterator[Workbook]:
    """On failure, end each write-only sheet's XML stream so openpyxl drops its temporary files; the
    half-written workbook itself is discarded by atomic_write."""
    try:
        yield wb
    except BaseException:
        for ws in wb.worksheets:
            with contextlib.suppress(Exception):
                ws.close()
        raise


def export_ledger(
    dest: Path,
    start: date | None = None,
    end: date | None = None,
    *,
    masked: bool = True,
    selection: RegisterQuery | None = None,
    actor: Actor | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the ledger workbook; nothing is left at ``dest`` unless it is complete.

    ``selection``: only the records the register's current filter shows."""
    from weiquan_desktop.services.session import check_output_path

    dest = Path(dest)
    if not masked:
        auth.require(actor, "unmasked_export")
    if dest.suffix.lower() != ".xlsx":
        raise UserError(f"台账文件应以 .xlsx 结尾：{dest.name}")
    check_output_path(dest)
    total = Record.select().where(*_conditions(start, end, selection)).count()
    profile = station.load_profile()
    try:
        with atomic_write(dest, private=not masked) as tmp, xlsx.StreamWorkbook(tmp) as book:
            rows, estimated = write_ledger_sheet(
                book, SHEET, ledger_rows(start, end, masked=masked, selection=selection), progress, total
            )
            write_events_sheet(book, start, end, masked=masked, selection=selection)
            _notes_sheet(book, profile, start, end, masked, rows, estimated)
    except xlsx.TooManyRows as exc:  # a bureau's combined ledger of half a million cases and more
        raise UserError(
            f"“{exc.title}”超过 Excel 一张表最多 {xlsx.MAX_ROWS:,} 行的上限，未写入任何文件。"
            "请缩小登记时间范围，分段导出。"
        ) from exc
    audit.log(
        "ledger.export",
        actor=name_of(actor),
        detail={"文件": dest.name, "条数": rows, "去标识化": masked, "起": start, "止": end},
    )
    if progress is not None:
        progress(rows, total)
    return ExportResult(dest, rows, masked, estimated)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _notes_sheet(
    book: xlsx.StreamWorkbook,
    profile: station.StationProfile | None,
    start: date | None,
    end: date | None,
    masked: bool,
    rows: int,
    estimated: int,
) -> None:
    from weiquan_desktop import domain

    period = f"{start.isoformat() if start else '最早'} 至 {end.isoformat() if end else '最新'}"
    ws = book.sheet(xlsx.Layout(NOTES_SHEET, ("站点名称", profile.name if profile else ""), (16, 40, 70)))
    for label, value in (
        ("站点编码", profile.code if profile else ""),
        ("导出时间", datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("登记时间范围", period),
        ("记录条数", rows),
        ("个人信息", "已去标识化（姓名、电话、证件号码、地址部分隐去）" if masked else "完整（未去标识化）"),
        (
            "期限估算",
            f"{estimated} 条记录的期限落在尚未导入国务院放假通知的年份，按法定节假日估算"
            if estimated
            else "无",
        ),
        ("导出程序", f"weiquan-desktop {__version__}"),
    ):
        ws.append([label, value])
    ws.append([])
    ws.append(["列名", "含义", "取值与格式"])
    for number, column in enumerate(ALL_COLUMNS, 1):
        note = "（本程序的扩展列）" if number > len(COLUMNS) else ""
        ws.append([column.header, column.meaning + note, column.values])
    ws.append([])
    ws.append(
        [
            EVENTS_SHEET,
            "每件案件的和解条款、调解记录、暂停计时、告知联系、移交、转办反馈和回访，一行一项，按“编号”对应台账",
            "类别：" + "、".join(EVENT_KINDS),
        ]
    )
    ws.append([])
    ws.append(["办理状态", "类型", "可取的状态（办结状态）"])
    for kind, states in domain.STATES.items():
        closing = domain.CLOSING_STATES[kind]
        ws.append(["", kind, "、".join(states) + f"（办结：{'、'.join(closing)}）"])
