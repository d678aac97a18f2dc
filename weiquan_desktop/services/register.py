"""The register (台账) as queries: filter, search and sort in SQL, fetch pages of rows by id.

The GUI model asks for the ordered ids of a query once (a single indexed scan even at 200,000 records)
and then fetches only the rows on screen, so nothing sorts or filters Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
)
SORT_FIELDS = {
    "case_no": Record.case_no, "kind": Record.kind, "state": Record.state, "received_at": Record.received_at,
    "complainant_name": Record.complainant_name, "respondent_name": Record.respondent_name,
    "category": Record.category, "amount": Record.amount, "handler": Staff.name,
}


@dataclass
class RegisterQuery:
    search: str = ""
    kinds: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    sort: str = "received_at"
    descending: bool = True
    filters: dict[str, object] = field(default_factory=dict)

    def where(self) -> list[Expression]:
        conditions: list[Expression] = [Record.deleted_at.is_null()]
        if self.kinds:
            conditions.append(Record.kind.in_(self.kinds))
        if self.states:
            conditions.append(Record.state.in_(self.states))
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

    def value(self, key: str) -> object:
        return getattr(self, key)


def ordered_ids(query: RegisterQuery) -> list[int]:
    order_field = SORT_FIELDS.get(query.sort, Record.received_at)
    order = order_field.desc() if query.descending else order_field.asc()
    tiebreak = Record.id.desc() if query.descending else Record.id.asc()
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
                            Staff.name)
              .join(Staff, JOIN.LEFT_OUTER, on=(Record.handler == Staff.id))
              .where(Record.id.in_(ids)).tuples())
    by_id = {}
    for rid, case_no, kind, state, received, name, respondent, category, amount, handler in select:
        by_id[rid] = RegisterRow(
            rid, case_no, kind, state, received,
            mask_name(name) if masked else (name or ""), respondent or "", category or "",
            amount, handler or "",
        )
    return [by_id[i] for i in ids if i in by_id]
