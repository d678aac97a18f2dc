"""Statistics by SQL aggregation (never record by record in Python)."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import SQL, Case, Expression, fn

from weiquan_desktop import domain
from weiquan_desktop.domain import Decision, Kind, Source, State
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.db import is_sqlite
from weiquan_desktop.models.fields import fen_to_yuan
from weiquan_desktop.models.schema import Record
from weiquan_desktop.services.actor import Actor, id_of, name_of

if TYPE_CHECKING:
    from weiquan_desktop.services.deadlines import RuleBook

# --- the statistics report (spec/report.md) -----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str  # quarter / half / year / range
    label: str

    def previous(self) -> Period:
        """The period of equal kind just before this one."""
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return parse_period(f"{self.start.year}Q{q - 1}" if q > 1 else f"{self.start.year - 1}Q4")
        if self.kind == "half":
            return parse_period(
                f"{self.start.year}H1" if self.start.month > 6 else f"{self.start.year - 1}H2"
            )
        if self.kind == "year":
            return parse_period(str(self.start.year - 1))
        length = (self.end - self.start).days + 1
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=length - 1), end, "range", "")

    def year_ago(self) -> Period:
        """The same period one year before (同比); 29 February becomes the 28th."""

        def back(day: date) -> date:
            return (
                day.replace(year=day.year - 1, day=28)
                if (day.month, day.day) == (2, 29)
                else day.replace(year=day.year - 1)
            )

        if self.kind in ("quarter", "half", "year"):
            return parse_period(
                {
                    "quarter": f"{self.start.year - 1}Q{(self.start.month - 1) // 3 + 1}",
                    "half": f"{self.start.year - 1}H{1 if self.start.month <= 6 else 2}",
                    "year": str(self.start.year - 1),
                }[self.kind]
            )
        return Period(back(self.start), back(self.end), "range", "")


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(text: str) -> Period:
    """2026Q3, 2026H1, 2026, or YYYY-MM-DD..YYYY-MM-DD."""
    text = text.strip().upper()
    period = _parse_period(text)
    # a range reaching back to 0001 or on to 9999 overflowed the previous period's arithmetic
    if not (
        period.start.year >= 2000 and period.end.year <= 2100 and (period.end - period.start).days <= 3700
    ):
        raise UserError(f"报表期间不合理：{text}。应在2000年至2100年之间，且不超过10年。")
    return period


def _parse_period(text: str) -> Period:
    try:
        if ".." in text:
            first, last = (date.fromisoformat(part) for part in text.split("..", 1))
            if last < first:
                raise UserError(f"报表期间的结束日期早于开始日期：{text}")
            return Period(first, last, "range", f"{first.isoformat()}至{last.isoformat()}")
        if len(text) == 6 and text[4] == "Q" and text[5] in "1234":
            year, q = int(text[:4]), int(text[5])
            return Period(
                date(year, 3 * q - 2, 1),
                _month_end(year, 3 * q),
                "quarter",
                f"{year}年第{'一二三四'[q - 1]}季度",
            )
        if len(text) == 6 and text[4] == "H" and text[5] in "12":
            year, h = int(text[:4]), int(text[5])
            return Period(
                date(year, 6 * h - 5, 1), _month_end(year, 6 * h), "half", f"{year}年{'上下'[h - 1]}半年"
            )
        if len(text) == 4 and text.isdigit():
            year = int(text)
            return Period(date(year, 1, 1), date(year, 12, 31), "year", f"{year}年")
    except ValueError:
        pass
    raise UserError(
        f"报表期间写法不对：{text}。应为 2026Q3（季度）、2026H1（半年）、2026（全年）或 2026-01-01..2026-03-31。"
    )


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _money(fen: int | None) -> str:
    return f"{fen_to_yuan(fen):.2f}"


def station_scope(code: str) -> object:
    """The records of one station in a database holding several (a bureau's combined view): its case numbers."""
    return Record.case_no.startswith(f"{code}-")


@dataclass(frozen=True)
class _Counts:
    """A period's records counted once, for figures() and extra_figures() alike: those received, by every
    attribute the report breaks them down by, and those closed, with their money."""

    # kind, source, decision, state, category, nature, is_group, consent_publish, count: a complaint's
    # state is not counted here (its outcome is by closing date), nor the others' decision and category
    received: list[tuple]
    closed: list[tuple]  # complaints: state, source, count, recovered, punitive cases, punitive amount


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.start, datetime.min.time()),
        datetime.combine(period.end + timedelta(days=1), datetime.min.time()),
    )


def _counts(period: Period, scope: Expression | None = None) -> _Counts:
    """Three aggregates, each a range of one covering index (models.schema.REPORT_INDEXES), grouped by only
    what the report breaks that kind down by (a sort of fewer, shorter keys)."""
    start, end = _bounds(period)
    alive = Record.deleted_at.is_null() if scope is None else (Record.deleted_at.is_null() & scope)
    received_in = alive & (Record.received_at >= start) & (Record.received_at < end)
    keys = (
        Record.source,
        Record.decision,
        Record.category,
        Record.nature,
        Record.is_group,
        Record.consent_publish,
    )
    received = [
        (Kind.COMPLAINT, source, decision, None, category, nature, bool(group), bool(consent), count)
        for source, decision, category, nature, group, consent, count in (
            Record.select(*keys, fn.COUNT(Record.id))
            .where(received_in, Record.kind == Kind.COMPLAINT)
            .group_by(*keys)
            .tuples()
        )
    ]
    others = [k for k in domain.KINDS if k != Kind.COMPLAINT]
    received += [
        (kind, source, None, state, None, None, False, False, count)
        for kind, source, state, count in (
            Record.select(Record.kind, Record.source, Record.state, fn.COUNT(Record.id))
            .where(received_in, Record.kind.in_(others))
            .group_by(Record.kind, Record.source, Record.state)
            .tuples()
        )
    ]
    punitive = Case(None, [(Record.punitive_amount > 0, 1)], 0)
    closed = list(
        Record.select(
            Record.state,
            Record.source,
            fn.COUNT(Record.id),
            fn.SUM(Record.recovered_amount.coerce(False)),
            fn.SUM(punitive),
            fn.SUM(Record.punitive_amount.coerce(False)),
        )
        .where(alive, Record.kind == Kind.COMPLAINT, Record.closed_at >= start, Record.closed_at < end)
        .group_by(Record.state, Record.source)
        .tuples()
    )
    return _Counts(received, closed)


def figures(
    period: Period,
    today: date | None = None,
    book: RuleBook | None = None,
    scope: Expression | None = None,
    counts: _Counts | None = None,
) -> dict:
    """The figures of spec/report.md for one period (without ``previous``), by SQL aggregation; ``scope``
    narrows them to some records (one station of several)."""
    from weiquan_desktop.services import deadlines

    today = today or date.today()
    start, end = _bounds(period)
    alive = Record.deleted_at.is_null() if scope is None else (Record.deleted_at.is_null() & scope)
    complaint = (
        alive & (Record.received_at >= start) & (Record.received_at < end) & (Record.kind == Kind.COMPLAINT)
    )
    counts = counts or _counts(period, scope)

    by_kind: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    decisions: Counter[str | None] = Counter()
    categories: Counter[str] = Counter()
    natures: Counter[str] = Counter()
    group_cases = 0
    for kind, source, decision, _state, category, nature, is_group, _consent, count in counts.received:
        by_kind[kind] += count
        by_source[source] += count
        if kind != Kind.COMPLAINT:
            continue
        decisions[decision] += count
        if category:
            categories[category] += count
        if nature:
            natures[nature] += count
        group_cases += count if is_group else 0
    complaints_total = sum(decisions.values())
    closed: Counter[str] = Counter()
    recovered_fen = punitive_cases = punitive_fen = 0
    for state, _source, count, recovered_sum, punitive_count, punitive_sum in counts.closed:
        if state not in domain.COMPLAINT_CLOSING:
            continue
        closed[state] += count
        if state == State.SETTLED:
            recovered_fen += recovered_sum or 0
            punitive_cases += punitive_count or 0
            punitive_fen += punitive_sum or 0
    # the ten most complained about, ties by name (Python's order of str: code points, as SQLite's BINARY
    # collation; PostgreSQL is told to compare the same way)
    by_name = Record.respondent_name if is_sqlite() else Record.respondent_name.collate('"C"')
    top = list(
        Record.select(Record.respondent_name, fn.COUNT(Record.id))
        .where(complaint, Record.respondent_name.is_null(False), Record.respondent_name != "")
        .group_by(Record.respondent_name)
        .order_by(fn.COUNT(Record.id).desc(), by_name)
        .limit(10)
        .tuples()
    )
    accepted = decisions.get(Decision.ACCEPTED, 0)
    resolved = closed.get(State.SETTLED, 0)

    # overdue decisions: compare each decision with the 7th working day after receipt, grouped by day
    book = book or deadlines.RuleBook()
    overdue = 0
    received_day = fn.DATE(Record.received_at)
    for day_text, decided_day, count in (
        Record.select(received_day, fn.DATE(Record.decided_at), fn.COUNT(Record.id))
        .where(complaint)
        .group_by(received_day, fn.DATE(Record.decided_at))
        .tuples()
    ):
        received_on = date.fromisoformat(str(day_text)[:10])
        due = book.due("decision", received_on).due
        if decided_day is None:
            overdue += count if due < today else 0
        elif date.fromisoformat(str(decided_day)[:10]) > due:
            overdue += count
    groups = dict.fromkeys(domain.CATEGORY_GROUPS, 0)
    for category, count in categories.items():
        groups[domain.category_group(category) or domain.OTHER_CATEGORY] += count
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "received": {kind: by_kind.get(kind, 0) for kind in domain.KINDS},
        "received_by_source": {source: by_source.get(source, 0) for source in domain.SOURCES},
        "complaints_accepted": accepted,
        "complaints_rejected": decisions.get(Decision.REJECTED, 0),
        "complaints_pending": decisions.get(None, 0),
        "closed": {state: closed.get(state, 0) for state in domain.COMPLAINT_CLOSING},
        "resolved": resolved,
        "resolution_rate": round(resolved / accepted, 4) if accepted else None,
        "recovered_amount": _money(recovered_fen),
        "punitive_cases": int(punitive_cases),
        "punitive_amount": _money(punitive_fen),
        "by_category": {
            name: {"count": count, "share": _share(count, complaints_total)}
            for name, count in sorted(categories.items(), key=lambda i: (-i[1], i[0]))
        },
        "by_category_group": groups,
        "by_nature": {
            name: {"count": count, "share": _share(count, complaints_total)}
            for name, count in sorted(natures.items(), key=lambda i: (-i[1], i[0]))
        },
        "top_respondents": [{"name": name, "count": count} for name, count in top],
        "group_cases": group_cases,
        "overdue_decisions": overdue,
    }


def report(period: Period | str, today: date | None = None, scope: Expression | None = None) -> dict:
    """The whole report: this period's figures (spec/report.md) and what a bureau asks for beside them
    (``extra``), the previous period's (环比) and the same period a year before (同比, ``year_ago``), and the
    change of each share."""
    from weiquan_desktop.services import deadlines, duties

    period = parse_period(period) if isinstance(period, str) else period
    book = deadlines.RuleBook()
    now = datetime.combine(today, datetime.max.time()) if today else datetime.now()
    # a year's previous period is the year before: each distinct period is counted once
    distinct = list(dict.fromkeys((p.start, p.end) for p in (period, period.previous(), period.year_ago())))
    kept = dict(zip(distinct, duties.kept_in(distinct, now, scope), strict=True))
    done: dict[tuple[date, date], dict] = {}

    def whole(p: Period) -> dict:
        key = (p.start, p.end)
        if key not in done:
            counts = _counts(p, scope)
            done[key] = figures(p, today, book, scope, counts)
            done[key]["extra"] = extra_figures(p, today, scope, kept=kept[key], counts=counts)
        return copy.deepcopy(done[key])

    current, previous, year_ago = whole(period), whole(period.previous()), whole(period.year_ago())
    current["previous"] = previous
    current["share_change"] = {
        name: round((value["share"] - previous["by_category"].get(name, {}).get("share", 0.0)) * 100, 2)
        for name, value in current["by_category"].items()
    }
    current["year_ago"] = year_ago
    return current


ORIGINS = {
    "本站受理": tuple(s for s in domain.SOURCES if s not in domain.TRANSFER_SOURCES),
    "上级转办": domain.TRANSFER_SOURCES,
}
SATISFIED = ("满意", "基本满意")


def extra_figures(
    period: Period,
    today: date | None = None,
    scope: Expression | None = None,
    kept: list | None = None,
    counts: _Counts | None = None,
) -> dict:
    """Beside spec/report.md: own cases and those passed down (a bureau must not count them twice), 举报,
    建议 and referrals with their outcomes, in-person visits, time limits kept, publicity and training, return
    visits, and category and nature shares over accepted complaints (as the CCA publishes them). ``kept``:
    the period's duties.kept_between, when the caller scanned them already."""
    from weiquan_desktop.models.schema import Activity, Referral, ReturnVisit, Training
    from weiquan_desktop.services import duties

    now = datetime.combine(today, datetime.max.time()) if today else datetime.now()
    start, end = _bounds(period)
    alive = Record.deleted_at.is_null() if scope is None else (Record.deleted_at.is_null() & scope)
    counts = counts or _counts(period, scope)

    origin = {label: {"received": 0, "accepted": 0, "resolved": 0} for label in ORIGINS}
    of_source = {source: label for label, sources in ORIGINS.items() for source in sources}
    by_state: dict[str, Counter[str]] = {kind: Counter() for kind in domain.KINDS}
    accepted_categories: Counter[str] = Counter()
    accepted_natures: Counter[str] = Counter()
    in_person = publicity = 0
    for kind, source, decision, state, category, nature, _group, consent, count in counts.received:
        by_state[kind][state] += count
        in_person += count if source == Source.WALK_IN else 0
        if kind != Kind.COMPLAINT:
            continue
        publicity += count if consent else 0
        if source in of_source:
            origin[of_source[source]]["received"] += count
            origin[of_source[source]]["accepted"] += count if decision == Decision.ACCEPTED else 0
        if decision == Decision.ACCEPTED:
            if category:
                accepted_categories[category] += count
            if nature:
                accepted_natures[nature] += count
    for state, source, count, *_money in counts.closed:
        if state == State.SETTLED and source in of_source:
            origin[of_source[source]]["resolved"] += count

    def states(kind: str) -> dict[str, int]:
        return {state: by_state[kind].get(state, 0) for state in domain.STATES[kind]}

    # each row's record looked up for deleted_at in record_id_deleted_at (an index on deleted_at alone drew
    # SQLite's planner away from the register's indexes; an empty partial one made every exit re-analyse)
    back, due = Referral.feedback_at, Referral.feedback_due
    late_back = Case(None, [(back.is_null(False) & due.is_null(False) & (fn.DATE(back) > due), 1)], 0)
    overdue = Case(None, [(back.is_null() & due.is_null(False) & (due < now.date()), 1)], 0)
    made, fed_back, fed_back_late, awaiting_overdue = (
        Referral.select(fn.COUNT(Referral.id), fn.COUNT(back), fn.SUM(late_back), fn.SUM(overdue))
        .join(Record)
        .where(alive, Referral.referred_at >= start, Referral.referred_at < end)
        .tuples()
        .first()
    )
    referrals = {
        "made": made,
        "fed_back": fed_back,
        "fed_back_late": int(fed_back_late or 0),
        "awaiting_overdue": int(awaiting_overdue or 0),
    }

    on_time = {}
    if kept is None:
        kept = duties.kept_between(period.start, period.end, now, scope=scope)
    for one in kept:
        on_time[one.code] = {
            "label": one.label,
            "due": one.due,
            "on_time": one.on_time,
            "late": one.late,
            "missing": one.missing,
            "rate": round(one.on_time / one.due, 4) if one.due else None,
            "done": one.on_time + one.late,
        }

    activity: dict[str, Any] = {"count": 0, "participants": 0, "by_type": {}}
    for kind, count, people in (
        Activity.select(Activity.type, fn.COUNT(Activity.id), fn.SUM(Activity.participants))
        .where(Activity.held_on.between(period.start, period.end))
        .group_by(Activity.type)
        .tuples()
    ):
        activity["count"] += count
        activity["participants"] += int(people or 0)
        activity["by_type"][kind] = count
    trainings = (
        Training.select(fn.COUNT(Training.id), fn.COALESCE(fn.SUM(Training.hours), 0))
        .where(Training.held_on.between(period.start, period.end))
        .tuples()
        .first()
    ) or (0, 0)
    visits = dict(
        ReturnVisit.select(ReturnVisit.satisfaction, fn.COUNT(ReturnVisit.id))
        .join(Record)
        .where(alive, ReturnVisit.visited_at >= start, ReturnVisit.visited_at < end)
        .group_by(ReturnVisit.satisfaction)
        .tuples()
    )
    visited = sum(visits.values())
    accepted = sum(accepted_categories.values())
    return {
        "by_origin": origin,
        "reports": states(Kind.REPORT),
        "suggestions": states(Kind.SUGGESTION),
        "consultations": states(Kind.CONSULTATION),
        "visits_in_person": in_person,
        "referrals": referrals,
        "on_time": on_time,
        "activities": activity,
        "trainings": {"count": int(trainings[0] or 0), "hours": int(trainings[1] or 0)},
        "return_visits": {
            "count": visited,
            "by_satisfaction": visits,
            "satisfied_rate": round(sum(visits.get(s, 0) for s in SATISFIED) / visited, 4)
            if visited
            else None,
        },
        "by_category_accepted": {
            name: {"count": c, "share": _share(c, accepted)}
            for name, c in sorted(accepted_categories.items(), key=lambda i: (-i[1], i[0]))
        },
        "by_nature_accepted": {
            name: {"count": c, "share": _share(c, accepted)}
            for name, c in sorted(accepted_natures.items(), key=lambda i: (-i[1], i[0]))
        },
        "consent_publish": publicity,
    }


def _month(column: object) -> object:
    # the format is a literal, not a parameter: PostgreSQL matches GROUP BY to SELECT by the expression text
    return fn.STRFTIME("%Y-%m", column) if is_sqlite() else fn.TO_CHAR(column, SQL("'YYYY-MM'"))


def monthly_trend(period: Period) -> list[tuple[str, int, int]]:
    """Per month of the period: records received, and complaints resolved (已和解 by closing time)."""
    start, end = _bounds(period)
    alive = Record.deleted_at.is_null()
    month_received = _month(Record.received_at)
    month_closed = _month(Record.closed_at)
    received = dict(
        Record.select(month_received, fn.COUNT(Record.id))
        .where(alive, Record.received_at >= start, Record.received_at < end)
        .group_by(month_received)
        .tuples()
    )
    resolved = dict(
        Record.select(month_closed, fn.COUNT(Record.id))
        .where(
            alive,
            Record.kind == Kind.COMPLAINT,
            Record.state == State.SETTLED,
            Record.closed_at >= start,
            Record.closed_at < end,
        )
        .group_by(month_closed)
        .tuples()
    )
    months = []
    year, month = period.start.year, period.start.month
    while date(year, month, 1) <= period.end:
        key = f"{year}-{month:02d}"
        months.append((key, received.get(key, 0), resolved.get(key, 0)))
        year, month = year + (month == 12), month % 12 + 1
    return months


def draft_hotspots(figures: dict) -> str:
    """A first draft of the 热点分析 paragraph from the figures; staff edit it before submitting."""
    total = figures["received"][Kind.COMPLAINT]
    if not total:
        return "本期未受理投诉。"
    parts = [
        f"本期共登记投诉{total}件，受理{figures['complaints_accepted']}件，解决{figures['resolved']}件"
        + (f"，投诉解决率{figures['resolution_rate']:.2%}" if figures["resolution_rate"] is not None else "")
        + f"，为消费者挽回经济损失{figures['recovered_amount']}元。"
    ]
    categories = list(figures["by_category"].items())[:3]
    if categories:
        parts.append(
            "投诉集中在"
            + "、".join(f"{name}（{v['count']}件，占{v['share']:.1%}）" for name, v in categories)
            + "。"
        )
    natures = list(figures["by_nature"].items())[:2]
    if natures:
        parts.append("问题性质以" + "、".join(f"{name}（{v['count']}件）" for name, v in natures) + "为主。")
    top = figures["top_respondents"][:3]
    if top:
        parts.append("被投诉较多的经营者为" + "、".join(f"{t['name']}（{t['count']}件）" for t in top) + "。")
    rises = sorted(((v, k) for k, v in figures.get("share_change", {}).items() if v > 0), reverse=True)[:2]
    if rises:
        parts.append("与上期相比，" + "、".join(f"{k}占比上升{v:.2f}个百分点" for v, k in rises) + "。")
    on_time = figures.get("extra", {}).get("on_time", {})
    if figures["group_cases"]:
        report = on_time.get("major_report")
        if report and report["late"] + report["missing"]:
            parts.append(
                f"本期发生群体性投诉{figures['group_cases']}件，其中{report['late'] + report['missing']}件"
                "未当日报告。"
            )
        elif report:
            parts.append(f"本期发生群体性投诉{figures['group_cases']}件，均已当日报告。")
        else:
            parts.append(f"本期发生群体性投诉{figures['group_cases']}件。")
    if figures["overdue_decisions"]:
        parts.append(f"有{figures['overdue_decisions']}件投诉未在规定时限内作出受理决定，需加强时限管理。")
    slow = [
        f"{v['label'].removesuffix('期限')}逾期{v['late'] + v['missing']}件"
        for v in on_time.values()
        if v["late"] + v["missing"]
    ]
    if slow:
        parts.append("时限方面，" + "、".join(slow) + "。")
    return "".join(parts)


# --- submitted reports (frozen snapshots) ---------------------------------------------------------------


def save_snapshot(
    period: Period, figures: dict, hotspots: str, measures: str, actor: Actor | None = None
) -> int:
    """Freeze a report as submitted: later edits to cases do not change it."""
    import json

    from weiquan_desktop.models import write_transaction
    from weiquan_desktop.models.schema import ReportSnapshot
    from weiquan_desktop.services import audit

    with write_transaction():
        head = audit.head()
        snapshot = ReportSnapshot.create(
            period_start=period.start,
            period_end=period.end,
            label=period.label or f"{period.start}至{period.end}",
            figures=json.dumps(figures, ensure_ascii=False),
            hotspots=hotspots,
            measures=measures,
            audit_head=head,
            created_by=id_of(actor),
        )
        audit.append(
            "report.snapshot",
            actor=name_of(actor),
            entity="report_snapshot",
            entity_id=snapshot.id,
            detail={"期间": figures["period"]},
        )
    return snapshot.id


@dataclass
class Snapshot:
    id: int
    label: str
    period: Period
    figures: dict
    hotspots: str
    measures: str
    created_at: datetime
    created_by: str
    audit_head: str


def snapshot(number: int) -> Snapshot:
    found = next((s for s in snapshots() if s.id == number), None)
    if found is None:
        raise UserError(f"没有第 {number} 号已报送报表。")
    return found


def snapshots() -> list[Snapshot]:
    import json

    from weiquan_desktop.models.schema import ReportSnapshot, Staff

    out = []
    for s in ReportSnapshot.select().order_by(ReportSnapshot.created_at.desc(), ReportSnapshot.id.desc()):
        staff = Staff.get_or_none(Staff.id == s.created_by_id) if s.created_by_id else None
        out.append(
            Snapshot(
                s.id,
                s.label,
                Period(s.period_start, s.period_end, "range", s.label),
                json.loads(s.figures),
                s.hotspots or "",
                s.measures or "",
                s.created_at,
                staff.name if staff else "",
                s.audit_head or "",
            )
        )
    return out


# --- staff evaluation (考核) -----------------------------------------------------------------------------


@dataclass
class StaffScore:
    name: str
    role: str
    handled: int  # records received in the period with this handler
    median_decision_hours: float | None  # complaints: receipt to acceptance decision
    mediation_success: float | None  # 已和解 among mediated complaints closed in the period
    overdue: int  # decisions later than the time limit, or still missing past it
    satisfaction: float | None  # 满意 + 基本满意 among return visits of the period
    activities: int


def staff_evaluation(period: Period, today: date | None = None) -> list[StaffScore]:
    from statistics import median

    from weiquan_desktop.models.schema import Activity, ActivityStaff, ReturnVisit, Staff
    from weiquan_desktop.services import deadlines

    today = today or date.today()
    start, end = _bounds(period)
    alive = Record.deleted_at.is_null()
    received_in = alive & (Record.received_at >= start) & (Record.received_at < end)
    handled = dict(
        Record.select(Record.handler, fn.COUNT(Record.id))
        .where(received_in)
        .group_by(Record.handler)
        .tuples()
    )
    book = deadlines.RuleBook()
    waits: dict[int, list[float]] = {}
    overdue: Counter[int] = Counter()
    for handler, received, decided in (
        Record.select(Record.handler, Record.received_at, Record.decided_at)
        .where(received_in, Record.kind == Kind.COMPLAINT)
        .tuples()
        .iterator()
    ):
        due = book.due("decision", received.date()).due
        if decided is not None:
            waits.setdefault(handler, []).append((decided - received).total_seconds() / 3600)
            overdue[handler] += decided.date() > due
        else:
            overdue[handler] += due < today
    outcomes: dict[int, Counter[str]] = {}
    for handler, state, count in (
        Record.select(Record.handler, Record.state, fn.COUNT(Record.id))
        .where(
            alive,
            Record.kind == Kind.COMPLAINT,
            Record.closed_at >= start,
            Record.closed_at < end,
            Record.state.in_((State.SETTLED, State.TERMINATED, State.WITHDRAWN)),
        )
        .group_by(Record.handler, Record.state)
        .tuples()
    ):
        outcomes.setdefault(handler, Counter())[state] = count
    visits: dict[int, Counter[bool]] = {}
    for handler, satisfaction, count in (
        ReturnVisit.select(Record.handler, ReturnVisit.satisfaction, fn.COUNT(ReturnVisit.id))
        .join(Record)
        .where(ReturnVisit.visited_at >= start, ReturnVisit.visited_at < end)
        .group_by(Record.handler, ReturnVisit.satisfaction)
        .tuples()
    ):
        visits.setdefault(handler, Counter())[satisfaction in ("满意", "基本满意")] += count
    activities = dict(
        ActivityStaff.select(ActivityStaff.staff, fn.COUNT(ActivityStaff.id))
        .join(Activity)
        .where(Activity.held_on.between(period.start, period.end))
        .group_by(ActivityStaff.staff)
        .tuples()
    )
    scores = []
    for staff in Staff.select().order_by(Staff.id):
        done = outcomes.get(staff.id, Counter())
        mediated = sum(done.values())
        seen = visits.get(staff.id, Counter())
        scores.append(
            StaffScore(
                staff.name,
                staff.role,
                handled.get(staff.id, 0),
                round(median(waits[staff.id]), 1) if waits.get(staff.id) else None,
                round(done[State.SETTLED] / mediated, 4) if mediated else None,
                overdue.get(staff.id, 0),
                round(seen[True] / sum(seen.values()), 4) if seen else None,
                activities.get(staff.id, 0),
            )
        )
    return [s for s in scores if s.handled or s.activities or s.overdue]


def staff_evaluation_xlsx(period: Period, dest: str | Path) -> Path:
    from weiquan_desktop.services.session import check_output_path

    check_output_path(Path(dest))
    from openpyxl import Workbook

    from weiquan_desktop.fileio import atomic_write

    wb = Workbook()
    ws = wb.active
    ws.title = "工作人员考核"
    ws.append([f"工作人员考核（{period.label or period.start}）"])
    ws.append(
        [
            "姓名",
            "职务",
            "经办件数",
            "受理决定用时中位数（小时）",
            "调解成功率",
            "超期件数",
            "回访满意率",
            "宣传培训活动",
        ]
    )
    from weiquan_desktop.services.exchange import text_safe

    for s in staff_evaluation(period):
        ws.append(
            text_safe(
                ws,
                [
                    s.name,
                    s.role,
                    s.handled,
                    s.median_decision_hours,
                    s.mediation_success,
                    s.overdue,
                    s.satisfaction,
                    s.activities,
                ],
            )
        )
        for column in (5, 7):
            ws.cell(ws.max_row, column).number_format = "0.00%"
    for letter, width in zip("ABCDEFGH", (10, 16, 10, 24, 12, 10, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width
    with atomic_write(Path(dest)) as tmp:
        wb.save(tmp)
    return Path(dest)


# --- the report as table rows: the 报表 tab and both exports show the same ----------------------------


def _get(figures: dict, path: str) -> Any:
    """A figure by its dotted path (``extra.on_time.reply.rate``); None where an older snapshot lacks it."""
    value: Any = figures
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


# (label, dotted path or a function of the figures, format: int / rate / money)
HEADLINES: tuple[tuple[str, str | Callable[[dict], Any], str], ...] = (
    ("登记总数", lambda f: sum(f["received"].values()), "int"),
    ("　接待来访人次", "extra.visits_in_person", "int"),
    ("　咨询", "received.咨询", "int"),
    ("　投诉", "received.投诉", "int"),
    ("　　其中本站受理", "extra.by_origin.本站受理.received", "int"),
    ("　　其中上级转办（12315转办、上级交办）", "extra.by_origin.上级转办.received", "int"),
    ("　举报", "received.举报", "int"),
    ("　建议", "received.建议", "int"),
    ("受理投诉件数", "complaints_accepted", "int"),
    ("不予受理", "complaints_rejected", "int"),
    ("待受理", "complaints_pending", "int"),
    ("解决件数（和解）", "resolved", "int"),
    ("投诉解决率", "resolution_rate", "rate"),
    ("为消费者挽回经济损失（元）", "recovered_amount", "money"),
    ("加倍赔偿件数", "punitive_cases", "int"),
    ("加倍赔偿金额（元）", "punitive_amount", "money"),
    ("移交件数", "extra.referrals.made", "int"),
    ("　其中已收到接收单位反馈", "extra.referrals.fed_back", "int"),
    ("举报已移交", "extra.reports.已移交", "int"),
    ("建议已办结", "extra.suggestions.已办结", "int"),
    ("群体性投诉", "group_cases", "int"),
    ("未按时作出受理决定", "overdue_decisions", "int"),
    ("24小时内答复率", "extra.on_time.reply.rate", "rate"),
    ("7个工作日内作出受理决定率", "extra.on_time.decision.rate", "rate"),
    ("调解期限内办结率", "extra.on_time.mediation.rate", "rate"),
    ("转办案件按时反馈率", "extra.on_time.transfer_feedback.rate", "rate"),
    (
        "　转办案件逾期反馈件数",
        lambda f: _sum(f, "extra.on_time.transfer_feedback", ("late", "missing")),
        "int",
    ),
    ("宣传培训活动（场）", "extra.activities.count", "int"),
    ("　参与人数", "extra.activities.participants", "int"),
    ("回访件数", "extra.return_visits.count", "int"),
    ("回访满意率（满意和基本满意）", "extra.return_visits.satisfied_rate", "rate"),
)


def _sum(figures: dict, path: str, keys: tuple[str, ...]) -> int | None:
    found = _get(figures, path)
    return sum(found[k] for k in keys) if isinstance(found, dict) else (0 if _get(figures, "extra") else None)


def headline_value(figures: dict | None, how: str | Callable[[dict], Any], kind: str) -> Any:
    """The figure as a number: int, a rate as a fraction (float), money as Decimal; None where not known."""
    from decimal import Decimal

    if figures is None:
        return None
    value = how(figures) if callable(how) else _get(figures, how)
    if value is None:
        return None
    return Decimal(value) if kind == "money" else value


def format_value(value: object, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value:.2%}"
    if kind == "money":
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def headline_values(figures: dict) -> list[tuple[str, object, object, object, str]]:
    """(label, this period, previous period (环比), a year before (同比), format) with numbers, not text."""
    previous, year_ago = figures.get("previous"), figures.get("year_ago")
    return [
        (
            label,
            headline_value(figures, how, kind),
            headline_value(previous, how, kind),
            headline_value(year_ago, how, kind),
            kind,
        )
        for label, how, kind in HEADLINES
    ]


def headline_rows(figures: dict) -> list[tuple[str, str, str, str]]:
    """The same as text, for the window and the PDF."""
    return [
        (label, format_value(now, kind), format_value(before, kind), format_value(ago, kind))
        for label, now, before, ago, kind in headline_values(figures)
    ]


def category_rows(figures: dict) -> list[tuple[str, int, float, float, float]]:
    previous = figures["previous"]["by_category"]
    return [
        (
            name,
            v["count"],
            v["share"],
            previous.get(name, {}).get("share", 0.0),
            figures["share_change"][name],
        )
        for name, v in figures["by_category"].items()
    ]
