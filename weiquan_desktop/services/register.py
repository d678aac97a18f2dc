"""The register (台账) as queries: filter, search and sort in SQL, fetch pages of rows by id.

The GUI model asks for the ordered ids of a query once (a single indexed scan even at 200,000 records)
and then fetches only the rows on screen, so nothing sorts or filters Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from peewee import JOIN, Expression

from weiquan_desktop.models.schema import Record, Staff
from weiquan_desktop.privacy import mask_name

# column key -> header, in display order
COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_no", "编号"),
    ("kind", "类型"),
    ("state", "状态"),
    ("received_at", "登记时间"),
    ("complainant_name", "消费者"),
    ("respondent_name", "被投诉方"),
    ("category", "商品服务大类"),
    ("amount", "涉及金额"),
    ("handler", "经办人"),
    ("next_due", "下一期限"),
)
SORT_FIELDS = {
    "case_no": Record.case_no, "kind": Record.kind, "state": Record.state, "received_at": Record.received_at,
    "complainant_name": Record.complainant_name, "respondent_name": Record.respondent_name,
    "category": Record.category, "amount": Record.amount, "handler": Staff.name, "next_due": Record.next_due,
}
DUE_FILTERS = ("", "已逾期", "今明两天到期", "本周内到期")


@dataclass
class RegisterQuery:
    search: str = ""
    kinds: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    handler_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    due: str = ""  # one of DUE_FILTERS
    sort: str = "received_at"
    descending: bool = True

    def where(self, today: date | None = None) -> list[Expression]:
        today = today or date.today()
        conditions: list[Expression] = [Record.deleted_at.is_null()]
        for values, column in ((self.kinds, Record.kind), (self.states, Record.state),
                               (self.sources, Record.source), (self.categories, Record.category)):
            if values:
                conditions.append(column.in_(values))
        if self.handler_id is not None:
            conditions.append(Record.handler == self.handler_id)
        if self.received_from is not None:
            conditions.append(Record.received_at >= datetime.combine(self.received_from, datetime.min.time()))
        if self.received_to is not None:
            conditions.append(Record.received_at < datetime.combine(self.received_to + timedelta(days=1),
                                                                    datetime.min.time()))
        if self.due == "已逾期":
            conditions.append(Record.next_due < today)
        elif self.due == "今明两天到期":
            conditions.append(Record.next_due.between(today, today + timedelta(days=1)))
        elif self.due == "本周内到期":
            conditions.append(Record.next_due.between(today, today + timedelta(days=6 - today.weekday())))
        for term in self.search.lower().split():
            conditions.append(Record.search_text.contains(term))
        return conditions


@dataclass
class RegisterRow:
    id: int
    case_no: str
    kind: str
    state: str
    received_at: datetime
    complainant_name: str
    respondent_name: str
    category: str
    amount: Decimal | None
    handler: str
    next_due: date | None
    due_label: str
    due_estimated: bool

    def value(self, key: str) -> object:
        return getattr(self, key)


def ordered_ids(query: RegisterQuery) -> list[int]:
    order_field = SORT_FIELDS.get(query.sort, Record.received_at)
    order = order_field.desc() if query.descending else order_field.asc()
    tiebreak = Record.id.desc() if query.descending else Record.id.asc()
    if query.sort == "next_due":  # open records with a deadline first, soonest first
        order = Record.next_due.asc(nulls="LAST") if not query.descending else Record.next_due.desc(nulls="LAST")
    select = Record.select(Record.id)
    if query.sort == "handler":
        select = select.join(Staff, JOIN.LEFT_OUTER, on=(Record.handler == Staff.id))
    select = select.where(*query.where()).order_by(order, tiebreak)
    return [row[0] for row in select.tuples().iterator()]


def fetch_rows(ids: list[int], *, masked: bool = True) -> list[RegisterRow]:
    """Rows for the given ids, in the given order."""
    if not ids:
        return []
    select = (Record.select(Record.id, Record.case_no, Record.kind, Record.state, Record.received_at,
                            Record.complainant_name, Record.respondent_name, Record.category, Record.amount,
                            Staff.name, Record.next_due, Record.due_label, Record.due_estimated)
              .join(Staff, JOIN.LEFT_OUTER, on=(Record.handler == Staff.id))
              .where(Record.id.in_(ids)).tuples())
    by_id = {}
    for rid, case_no, kind, state, received, name, respondent, category, amount, handler, due, label, est in select:
        by_id[rid] = RegisterRow(
            rid, case_no, kind, state, received,
            mask_name(name) if masked else (name or ""), respondent or "", category or "",
            amount, handler or "", due, label or "", bool(est),
        )
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class DueSummary:
    overdue: int
    today: int
    tomorrow: int
    this_week: int


def due_summary(today: date | None = None) -> DueSummary:
    """What is due, for the status bar and the start-up panel."""
    today = today or date.today()
    week_end = today + timedelta(days=6 - today.weekday())
    alive = Record.deleted_at.is_null()

    def count(*conditions: Expression) -> int:
        return Record.select().where(alive, *conditions).count()

    return DueSummary(
        overdue=count(Record.next_due < today), today=count(Record.next_due == today),
        tomorrow=count(Record.next_due == today + timedelta(days=1)),
        this_week=count(Record.next_due.between(today, week_end)),
    )


def due_list(until: date, today: date | None = None, limit: int = 200) -> list[RegisterRow]:
    """Open records due on or before ``until`` (overdue included), soonest first."""
    ids = [rid for (rid,) in Record.select(Record.id).where(
        Record.deleted_at.is_null(), Record.next_due <= until).order_by(Record.next_due, Record.id)
        .limit(limit).tuples()]
    return fetch_rows(ids)
