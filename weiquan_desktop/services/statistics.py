"""Statistics by SQL aggregation (never record by record in Python)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.fields import fen_to_yuan
from weiquan_desktop.models.schema import Record

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
            return parse_period(f"{self.start.year}H1" if self.start.month > 6 else f"{self.start.year - 1}H2")
        if self.kind == "year":
            return parse_period(str(self.start.year - 1))
        length = (self.end - self.start).days + 1
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=length - 1), end, "range", "")


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(text: str) -> Period:
    """2026Q3, 2026H1, 2026, or YYYY-MM-DD..YYYY-MM-DD."""
    text = text.strip().upper()
    try:
        if ".." in text:
            first, last = (date.fromisoformat(part) for part in text.split("..", 1))
            if last < first:
                raise UserError(f"报表期间的结束日期早于开始日期：{text}")
            return Period(first, last, "range", f"{first.isoformat()}至{last.isoformat()}")
        if len(text) == 6 and text[4] == "Q" and text[5] in "1234":
            year, q = int(text[:4]), int(text[5])
            return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "quarter", f"{year}年第{'一二三四'[q - 1]}季度")
        if len(text) == 6 and text[4] == "H" and text[5] in "12":
            year, h = int(text[:4]), int(text[5])
            return Period(date(year, 6 * h - 5, 1), _month_end(year, 6 * h), "half", f"{year}年{'上下'[h - 1]}半年")
        if len(text) == 4 and text.isdigit():
            year = int(text)
            return Period(date(year, 1, 1), date(year, 12, 31), "year", f"{year}年")
    except ValueError:
        pass
    raise UserError(f"报表期间写法不对：{text}。应为 2026Q3（季度）、2026H1（半年）、2026（全年）或 2026-01-01..2026-03-31。")


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _money(fen: int | None) -> str:
    return f"{fen_to_yuan(fen):.2f}"


def figures(period: Period, today: date | None = None, book: object | None = None) -> dict:
    """The figures of spec/report.md for one period (without ``previous``), by SQL aggregation."""
    from weiquan_desktop.services import deadlines

    today = today or date.today()
    start = datetime.combine(period.start, datetime.min.time())
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
    alive = Record.deleted_at.is_null()
    received_in = alive & (Record.received_at >= start) & (Record.received_at < end)
    complaint = received_in & (Record.kind == "投诉")

    def grouped(column: object, where: object) -> dict[str, int]:
        return {key: count for key, count in Record.select(column, fn.COUNT(Record.id)).where(where)
                .group_by(column).tuples() if key is not None}

    by_kind = grouped(Record.kind, received_in)
    by_source = grouped(Record.source, received_in)
    decisions = {key: count for key, count in Record.select(Record.decision, fn.COUNT(Record.id)).where(complaint)
                 .group_by(Record.decision).tuples()}
    complaints_total = sum(decisions.values())
    closed_in = (alive & (Record.kind == "投诉") & (Record.closed_at >= start) & (Record.closed_at < end))
    closed = grouped(Record.state, closed_in & Record.state.in_(domain.COMPLAINT_CLOSING))
    settled = closed_in & (Record.state == "已和解")
    recovered_fen = Record.select(fn.SUM(Record.recovered_amount.coerce(False))).where(settled).scalar()
    punitive_cases, punitive_fen = Record.select(
        fn.COUNT(Record.id), fn.SUM(Record.punitive_amount.coerce(False))).where(
        settled & (Record.punitive_amount > 0)).tuples()[0]
    categories = grouped(Record.category, complaint)
    natures = grouped(Record.nature, complaint)
    respondents = grouped(Record.respondent_name, complaint)
    top = sorted(respondents.items(), key=lambda item: (-item[1], item[0]))[:10]
    accepted = decisions.get("受理", 0)
    resolved = closed.get("已和解", 0)

    # overdue decisions: compare each decision with the 7th working day after receipt, grouped by day
    book = book or deadlines.RuleBook()
    overdue = 0
    received_day = fn.DATE(Record.received_at)
    for day_text, decided_day, count in (Record.select(received_day, fn.DATE(Record.decided_at), fn.COUNT(Record.id))
                                         .where(complaint).group_by(received_day, fn.DATE(Record.decided_at)).tuples()):
        received_on = date.fromisoformat(str(day_text)[:10])
        due = book.due("decision", received_on).due
        if decided_day is None:
            overdue += count if due < today else 0
        elif date.fromisoformat(str(decided_day)[:10]) > due:
            overdue += count
    groups = dict.fromkeys(domain.CATEGORY_GROUPS, 0)
    for name, count in categories.items():
        groups[domain.category_group(name)] += count
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "received": {kind: by_kind.get(kind, 0) for kind in domain.KINDS},
        "received_by_source": {source: by_source.get(source, 0) for source in domain.SOURCES},
        "complaints_accepted": accepted,
        "complaints_rejected": decisions.get("不予受理", 0),
        "complaints_pending": decisions.get(None, 0),
        "closed": {state: closed.get(state, 0) for state in domain.COMPLAINT_CLOSING},
        "resolved": resolved,
        "resolution_rate": round(resolved / accepted, 4) if accepted else None,
        "recovered_amount": _money(recovered_fen),
        "punitive_cases": punitive_cases,
        "punitive_amount": _money(punitive_fen),
        "by_category": {name: {"count": count, "share": _share(count, complaints_total)}
                        for name, count in sorted(categories.items(), key=lambda i: (-i[1], i[0]))},
        "by_category_group": groups,
        "by_nature": {name: {"count": count, "share": _share(count, complaints_total)}
                      for name, count in sorted(natures.items(), key=lambda i: (-i[1], i[0]))},
        "top_respondents": [{"name": name, "count": count} for name, count in top],
        "group_cases": Record.select().where(complaint & Record.is_group).count(),
        "overdue_decisions": overdue,
    }


def report(period: Period | str, today: date | None = None) -> dict:
    """The whole report: this period's figures, the previous period's, and the change of each share."""
    from weiquan_desktop.services import deadlines

    period = parse_period(period) if isinstance(period, str) else period
    book = deadlines.RuleBook()
    current = figures(period, today, book)
    previous = figures(period.previous(), today, book)
    current["previous"] = previous
    current["share_change"] = {
        name: round((value["share"] - previous["by_category"].get(name, {}).get("share", 0.0)) * 100, 2)
        for name, value in current["by_category"].items()}
    return current


def monthly_trend(period: Period) -> list[tuple[str, int, int]]:
    """Per month of the period: records received, and complaints resolved (已和解 by closing time)."""
    start = datetime.combine(period.start, datetime.min.time())
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
    alive = Record.deleted_at.is_null()
    month_received = fn.STRFTIME("%Y-%m", Record.received_at)
    month_closed = fn.STRFTIME("%Y-%m", Record.closed_at)
    received = dict(Record.select(month_received, fn.COUNT(Record.id)).where(
        alive, Record.received_at >= start, Record.received_at < end).group_by(month_received).tuples())
    resolved = dict(Record.select(month_closed, fn.COUNT(Record.id)).where(
        alive, Record.kind == "投诉", Record.state == "已和解", Record.closed_at >= start, Record.closed_at < end)
        .group_by(month_closed).tuples())
    months = []
    year, month = period.start.year, period.start.month
    while date(year, month, 1) <= period.end:
        key = f"{year}-{month:02d}"
        months.append((key, received.get(key, 0), resolved.get(key, 0)))
        year, month = year + (month == 12), month % 12 + 1
    return months


def draft_hotspots(figures: dict) -> str:
    """A first draft of the 热点分析 paragraph from the figures; staff edit it before submitting."""
    total = figures["received"]["投诉"]
    if not total:
        return "本期未受理投诉。"
    parts = [f"本期共登记投诉{total}件，受理{figures['complaints_accepted']}件，解决{figures['resolved']}件"
             + (f"，投诉解决率{figures['resolution_rate']:.2%}" if figures["resolution_rate"] is not None else "")
             + f"，为消费者挽回经济损失{figures['recovered_amount']}元。"]
    categories = list(figures["by_category"].items())[:3]
    if categories:
        parts.append("投诉集中在" + "、".join(f"{name}（{v['count']}件，占{v['share']:.1%}）" for name, v in categories) + "。")
    natures = list(figures["by_nature"].items())[:2]
    if natures:
        parts.append("问题性质以" + "、".join(f"{name}（{v['count']}件）" for name, v in natures) + "为主。")
    top = figures["top_respondents"][:3]
    if top:
        parts.append("被投诉较多的经营者为" + "、".join(f"{t['name']}（{t['count']}件）" for t in top) + "。")
    rises = sorted(((v, k) for k, v in figures.get("share_change", {}).items() if v > 0), reverse=True)[:2]
    if rises:
        parts.append("与上期相比，" + "、".join(f"{k}占比上升{v:.2f}个百分点" for v, k in rises) + "。")
    if figures["group_cases"]:
        parts.append(f"本期发生群体性投诉{figures['group_cases']}件，已及时报告。")
    if figures["overdue_decisions"]:
        parts.append(f"有{figures['overdue_decisions']}件投诉未在规定时限内作出受理决定，需加强时限管理。")
    return "".join(parts)


# --- submitted reports (frozen snapshots) ---------------------------------------------------------------

def save_snapshot(period: Period, figures: dict, hotspots: str, measures: str, actor: object | None = None) -> int:
    """Freeze a report as submitted: later edits to cases do not change it."""
    import json

    from weiquan_desktop.models import write_transaction
    from weiquan_desktop.models.schema import ReportSnapshot
    from weiquan_desktop.services import audit

    with write_transaction():
        head = audit.head()
        snapshot = ReportSnapshot.create(
            period_start=period.start, period_end=period.end, label=period.label or f"{period.start}至{period.end}",
            figures=json.dumps(figures, ensure_ascii=False), hotspots=hotspots, measures=measures, audit_head=head,
            created_by=getattr(actor, "id", None))
        audit.append("report.snapshot", actor=getattr(actor, "name", None), entity="report_snapshot",
                     entity_id=snapshot.id, detail={"期间": figures["period"]})
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


def snapshots() -> list[Snapshot]:
    import json

    from weiquan_desktop.models.schema import ReportSnapshot, Staff

    out = []
    for s in ReportSnapshot.select().order_by(ReportSnapshot.created_at.desc(), ReportSnapshot.id.desc()):
        staff = Staff.get_or_none(Staff.id == s.created_by_id) if s.created_by_id else None
        out.append(Snapshot(s.id, s.label, Period(s.period_start, s.period_end, "range", s.label), json.loads(s.figures),
                            s.hotspots or "", s.measures or "", s.created_at, staff.name if staff else "", s.audit_head or ""))
    return out
