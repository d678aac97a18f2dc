"""The register (台账) as queries: filter, search and sort in SQL, fetch pages of rows by id.

The GUI model first asks for the ids of its first screens (``first_page``: a few hundred rows along an
index, whatever the size of the station), paints them, and reads the full ordered list of ids after that
(``ordered_ids``, on a worker thread); rows are fetched only for the pages on screen. A search's first
page looks at the newest ``SEARCH_WINDOW`` records only, so a keystroke never waits for a scan of every
record's search text: a rare term's older matches arrive with the full list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from peewee import JOIN, ColumnBase, Database, Expression, Select

from weiquan_desktop.models.db import is_sqlite
from weiquan_desktop.models.schema import Record, Staff, database_proxy
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
# Sorting happens in SQL along the partial indexes of models.schema.REGISTER_INDEXES. Columns with few
# values sort by the value, then by date; the handler column groups by staff member.
SORT_FIELDS = {
    "case_no": (Record.case_no,),
    "kind": (Record.kind, Record.received_at),
    "state": (Record.state, Record.received_at),
    "received_at": (Record.received_at,),
    "complainant_name": (Record.complainant_name,),
    "respondent_name": (Record.respondent_name,),
    "category": (Record.category, Record.received_at),
    "amount": (Record.amount,),
    "handler": (Record.handler, Record.received_at),
    "next_due": (Record.next_due,),
}
DUE_FILTERS = ("", "已逾期", "今明两天到期", "本周内到期")
FIRST_PAGE = 500  # ids read before the first paint: a few screens, so scrolling starts at once
SEARCH_WINDOW = 20_000  # records, in the query's order, a search's first page looks at


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

    def terms(self) -> list[str]:
        return self.search.lower().split()

    def where(self, today: date | None = None, *, search: bool = True) -> list[Expression]:
        today = today or date.today()
        conditions: list[Expression] = [Record.deleted_at.is_null()]
        for values, column in (
            (self.kinds, Record.kind),
            (self.states, Record.state),
            (self.sources, Record.source),
            (self.categories, Record.category),
        ):
            if values:
                conditions.append(column.in_(values))
        if self.handler_id is not None:
            conditions.append(Record.handler == self.handler_id)
        if self.received_from is not None:
            conditions.append(Record.received_at >= datetime.combine(self.received_from, datetime.min.time()))
        if self.received_to is not None:
            conditions.append(
                Record.received_at
                < datetime.combine(self.received_to + timedelta(days=1), datetime.min.time())
            )
        if self.due == "已逾期":
            conditions.append(Record.next_due < today)
        elif self.due == "今明两天到期":
            conditions.append(Record.next_due.between(today, today + timedelta(days=1)))
        elif self.due == "本周内到期":
            conditions.append(Record.next_due.between(today, today + timedelta(days=6 - today.weekday())))
        for term in self.terms() if search else ():
            conditions.append(text_contains(Record.search_text, term))
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


def text_contains(column: ColumnBase, term: str) -> Expression:
    """Substring match on the lower-cased search column, exactly Python's ``term in text`` on both
    databases (``first_page`` filters that way). On SQLite, GLOB: case-sensitive, so it compares bytes
    without Unicode case folding, which makes it twice as fast as LIKE over Chinese text. On PostgreSQL,
    LIKE rather than ILIKE, whose case folding could differ from Python's lower()."""
    if is_sqlite():
        pattern = "".join(f"[{ch}]" if ch in "*?[" else ch for ch in term)
        return Expression(column, "GLOB", f"*{pattern}*")
    pattern = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Expression(column, "LIKE", f"%{pattern}%")


BY_DATE = "record_alive_received_at_id_next_due"
BY_DATE_TEXT = "record_alive_received_at_id_search_text"
BY_DUE = "record_alive_next_due"


def _index_for(query: RegisterQuery) -> str | None:
    """The index a register query should walk. SQLite's planner cannot judge how selective a GLOB or a
    deadline range is and picked a full walk in date order (100+ ms at 200,000 records), so we say."""
    if query.due:
        if query.sort == "received_at" and not query.search.strip() and _many_due(query):
            # newest first among many matches: walking the date order (which holds next_due) finds the first
            # 500 at once; reading every match along the deadlines, then sorting, cost 180 ms at 1,000,000
            return BY_DATE
        return BY_DUE
    if query.search.strip():
        return BY_DATE_TEXT
    filtered = (
        query.kinds or query.states or query.sources or query.categories or query.handler_id is not None
    )
    if not filtered and query.sort in ("received_at", "next_due"):
        return BY_DATE
    return None


DENSE_DUE = 5_000  # matches of a deadline filter above which its first page walks the date order


def _many_due(query: RegisterQuery) -> bool:
    """Whether the deadline condition alone selects many records: a count along its index (milliseconds)."""
    due = [
        c
        for c in replace(
            query,
            kinds=(),
            states=(),
            sources=(),
            categories=(),
            handler_id=None,
            received_from=None,
            received_to=None,
        ).where()
        if c is not None
    ]
    return Record.select(Record.id).where(*due).limit(DENSE_DUE + 1).count() > DENSE_DUE


_indexes: dict[int, set[str]] = {}


def _has_index(db: Database, name: str) -> bool:
    key = id(db)
    if key not in _indexes:
        _indexes[key] = {
            row[0]
            for row in db.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'record'"
            ).fetchall()
        }
    return name in _indexes[key]


def _cursor(select: Select, index: str | None = None, limit: int | None = None) -> Any:
    """A DB-API cursor of whichever driver: plain cursor rows: building peewee row objects for 200,000 ids would cost more than the query."""
    if limit is not None:
        select = select.limit(limit)
    db = database_proxy.obj
    sql, params = select.sql()
    if index and is_sqlite(db) and _has_index(db, index):
        sql = sql.replace('FROM "record" AS "t1"', f'FROM "record" AS "t1" INDEXED BY "{index}"', 1)
    return db.execute_sql(sql, params)


def _parts(
    query: RegisterQuery, *, search: bool = True, columns: tuple = ()
) -> list[tuple[Select, str | None]]:
    """The query as selects of (id, *columns) to run one after the other, each with the index to walk;
    without its search terms when ``search`` is false (then the date order walks the index that holds
    the search text, so reading it costs no table lookups)."""
    fields = SORT_FIELDS.get(query.sort, (Record.received_at,))
    direction = "desc" if query.descending else "asc"
    order = [getattr(c, direction)() for c in (*fields, Record.id)]
    conditions = query.where(search=search)
    index = _index_for(query if search else replace(query, search=""))
    if not search and index == BY_DATE:
        index = BY_DATE_TEXT
    if query.sort == "next_due":
        # records with a deadline first (soonest first when ascending), then the closed ones, newest first
        dated = (
            Record.select(Record.id, *columns)
            .where(*conditions, Record.next_due.is_null(False))
            .order_by(*order)
        )
        undated = (
            Record.select(Record.id, *columns)
            .where(*conditions, Record.next_due.is_null())
            .order_by(Record.received_at.desc(), Record.id.desc())
        )
        return [(dated, BY_DUE if index == BY_DATE else index), (undated, index)]
    return [(Record.select(Record.id, *columns).where(*conditions).order_by(*order), index)]


def ordered_ids(query: RegisterQuery, limit: int | None = None) -> list[int]:
    """The ids of the records the query selects, in its order (only the first ``limit`` when given)."""
    ids: list[int] = []
    for select, index in _parts(query):
        if limit is not None and len(ids) >= limit:
            break
        rest = None if limit is None else limit - len(ids)
        ids += [row[0] for row in _cursor(select, index, rest).fetchall()]
    return ids


@dataclass
class Page:
    """The first ids of a query; ``complete`` when they are all of them."""

    ids: list[int]
    complete: bool


def first_page(query: RegisterQuery, limit: int = FIRST_PAGE, window: int | None = None) -> Page:
    """The ids a screen needs at once, in the query's order: a prefix of ``ordered_ids(query)``.

    Without a search this is ``ordered_ids`` with a limit (an index walk that stops there). A search reads
    the search text of the first ``window`` records the other conditions select, in order, and keeps those
    containing every term, stopping at ``limit`` matches; a term found nowhere among them costs one window,
    not one scan of every record (the full list then comes from ``ordered_ids``)."""
    window = SEARCH_WINDOW if window is None else window
    terms = query.terms()
    if not terms:
        first = ordered_ids(query, limit)
        return Page(first, len(first) < limit)
    ids: list[int] = []
    looked = 0
    for select, index in _parts(query, search=False, columns=(Record.search_text,)):
        cursor = _cursor(select, index, window - looked)
        while len(ids) < limit and (rows := cursor.fetchmany(256)):
            looked += len(rows)
            ids += [rid for rid, text in rows if text and all(t in text for t in terms)]
        cursor.close()
        if len(ids) >= limit:
            return Page(ids[:limit], False)
        if looked >= window:
            return Page(ids, False)
    return Page(ids, True)


def fetch_rows(ids: list[int], *, masked: bool = True) -> list[RegisterRow]:
    """Rows for the given ids, in the given order."""
    if not ids:
        return []
    select = (
        Record.select(
            Record.id,
            Record.case_no,
            Record.kind,
            Record.state,
            Record.received_at,
            Record.complainant_name,
            Record.respondent_name,
            Record.category,
            Record.amount,
            Staff.name,
            Record.next_due,
            Record.due_label,
            Record.due_estimated,
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(Record.handler == Staff.id))
        .where(Record.id.in_(ids))
        .tuples()
    )
    by_id = {}
    for (
        rid,
        case_no,
        kind,
        state,
        received,
        name,
        respondent,
        category,
        amount,
        handler,
        due,
        label,
        est,
    ) in select:
        by_id[rid] = RegisterRow(
            rid,
            case_no,
            kind,
            state,
            received,
            mask_name(name) if masked else (name or ""),
            respondent or "",
            category or "",
            amount,
            handler or "",
            due,
            label or "",
            bool(est),
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
        overdue=count(Record.next_due < today),
        today=count(Record.next_due == today),
        tomorrow=count(Record.next_due == today + timedelta(days=1)),
        this_week=count(Record.next_due.between(today, week_end)),
    )


def due_list(until: date, today: date | None = None, limit: int = 200) -> list[RegisterRow]:
    """Open records due on or before ``until`` (overdue included), soonest first."""
    ids = [
        rid
        for (rid,) in Record.select(Record.id)
        .where(Record.deleted_at.is_null(), Record.next_due <= until)
        .order_by(Record.next_due, Record.id)
        .limit(limit)
        .tuples()
    ]
    return fetch_rows(ids)
