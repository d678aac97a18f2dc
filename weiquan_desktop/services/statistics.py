"""Statistics by SQL aggregation (never record by record in Python)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import SQL, Case, fn

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.fields import fen_to_yuan
from weiquan_desktop.models.schema import Record
from weiquan_desktop.services.actor import Actor, id_of, name_of

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

    by_kind: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for kind, source, count in (Record.select(Record.kind, Record.source, fn.COUNT(Record.id)).where(received_in)
                                .group_by(Record.kind, Record.source).tuples()):
        by_kind[kind] += count
        by_source[source] += count
    # one pass over the period's complaints gives decisions, categories, natures and group cases
    decisions: Counter[str | None] = Counter()
    categories: Counter[str] = Counter()
    natures: Counter[str] = Counter()
    group_cases = 0
    for decision, category, nature, is_group, count in (
            Record.select(Record.decision, Record.category, Record.nature, Record.is_group, fn.COUNT(Record.id))
            .where(complaint).group_by(Record.decision, Record.category, Record.nature, Record.is_group).tuples()):
        decisions[decision] += count
        if category:
            categories[category] += count
        if nature:
            natures[nature] += count
        group_cases += count if is_group else 0
    complaints_total = sum(decisions.values())
    closed_in = (alive & (Record.kind == "投诉") & (Record.closed_at >= start) & (Record.closed_at < end)
                 & Record.state.in_(domain.COMPLAINT_CLOSING))
    punitive = Case(None, [(Record.punitive_amount > 0, 1)], 0)
    closed: dict[str, int] = {}
    recovered_fen = punitive_cases = punitive_fen = 0
    for state, count, recovered_sum, punitive_count, punitive_sum in (
            Record.select(Record.state, fn.COUNT(Record.id), fn.SUM(Record.recovered_amount.coerce(False)),
                          fn.SUM(punitive), fn.SUM(Record.punitive_amount.coerce(False)))
            .where(closed_in).group_by(Record.state).tuples()):
        closed[state] = count
        if state == "已和解":
            recovered_fen, punitive_cases, punitive_fen = recovered_sum or 0, punitive_count or 0, punitive_sum or 0
    respondents = {name: count for name, count in (
        Record.select(Record.respondent_name, fn.COUNT(Record.id)).where(complaint)
        .group_by(Record.respondent_name).tuples()) if name}
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
        "punitive_cases": int(punitive_cases),
        "punitive_amount": _money(punitive_fen),
        "by_category": {name: {"count": count, "share": _share(count, complaints_total)}
                        for name, count in sorted(categories.items(), key=lambda i: (-i[1], i[0]))},
        "by_category_group": groups,
        "by_nature": {name: {"count": count, "share": _share(count, complaints_total)}
                      for name, count in sorted(natures.items(), key=lambda i: (-i[1], i[0]))},
        "top_respondents": [{"name": name, "count": count} for name, count in top],
        "group_cases": group_cases,
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


def _month(column: object) -> object:
    from weiquan_desktop.models.db import is_sqlite

    # the format is a literal, not a parameter: PostgreSQL matches GROUP BY to SELECT by the expression text
    return fn.STRFTIME("%Y-%m", column) if is_sqlite() else fn.TO_CHAR(column, SQL("'YYYY-MM'"))


def monthly_trend(period: Period) -> list[tuple[str, int, int]]:
    """Per month of the period: records received, and complaints resolved (已和解 by closing time)."""
    start = datetime.combine(period.start, datetime.min.time())
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
    alive = Record.deleted_at.is_null()
    month_received = _month(Record.received_at)
    month_closed = _month(Record.closed_at)
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

def save_snapshot(period: Period, figures: dict, hotspots: str, measures: str, actor: Actor | None = None) -> int:
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
            created_by=id_of(actor))
        audit.append("report.snapshot", actor=name_of(actor), entity="report_snapshot",
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
    start = datetime.combine(period.start, datetime.min.time())
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
    alive = Record.deleted_at.is_null()
    received_in = alive & (Record.received_at >= start) & (Record.received_at < end)
    handled = dict(Record.select(Record.handler, fn.COUNT(Record.id)).where(received_in)
                   .group_by(Record.handler).tuples())
    book = deadlines.RuleBook()
    waits: dict[int, list[float]] = {}
    overdue: Counter[int] = Counter()
    for handler, received, decided in (Record.select(Record.handler, Record.received_at, Record.decided_at)
                                       .where(received_in, Record.kind == "投诉").tuples().iterator()):
        due = book.due("decision", received.date()).due
        if decided is not None:
            waits.setdefault(handler, []).append((decided - received).total_seconds() / 3600)
            overdue[handler] += decided.date() > due
        else:
            overdue[handler] += due < today
    outcomes: dict[int, Counter[str]] = {}
    for handler, state, count in (Record.select(Record.handler, Record.state, fn.COUNT(Record.id)).where(
            alive, Record.kind == "投诉", Record.closed_at >= start, Record.closed_at < end,
            Record.state.in_(("已和解", "调解终止", "已撤回"))).group_by(Record.handler, Record.state).tuples()):
        outcomes.setdefault(handler, Counter())[state] = count
    visits: dict[int, Counter[bool]] = {}
    for handler, satisfaction, count in (ReturnVisit.select(Record.handler, ReturnVisit.satisfaction, fn.COUNT(ReturnVisit.id))
                                         .join(Record).where(ReturnVisit.visited_at >= start, ReturnVisit.visited_at < end)
                                         .group_by(Record.handler, ReturnVisit.satisfaction).tuples()):
        visits.setdefault(handler, Counter())[satisfaction in ("满意", "基本满意")] += count
    activities = dict(ActivityStaff.select(ActivityStaff.staff, fn.COUNT(ActivityStaff.id)).join(Activity).where(
        Activity.held_on.between(period.start, period.end)).group_by(ActivityStaff.staff).tuples())
    scores = []
    for staff in Staff.select().order_by(Staff.id):
        done = outcomes.get(staff.id, Counter())
        mediated = sum(done.values())
        seen = visits.get(staff.id, Counter())
        scores.append(StaffScore(
            staff.name, staff.role, handled.get(staff.id, 0),
            round(median(waits[staff.id]), 1) if waits.get(staff.id) else None,
            round(done["已和解"] / mediated, 4) if mediated else None, overdue.get(staff.id, 0),
            round(seen[True] / sum(seen.values()), 4) if seen else None, activities.get(staff.id, 0)))
    return [s for s in scores if s.handled or s.activities or s.overdue]


def staff_evaluation_xlsx(period: Period, dest: object) -> object:
    from pathlib import Path

    from weiquan_desktop.services.session import check_output_path

    check_output_path(Path(dest))
    from openpyxl import Workbook

    from weiquan_desktop.fileio import atomic_write

    wb = Workbook()
    ws = wb.active
    ws.title = "工作人员考核"
    ws.append([f"工作人员考核（{period.label or period.start}）"])
    ws.append(["姓名", "职务", "经办件数", "受理决定用时中位数（小时）", "调解成功率", "超期件数", "回访满意率", "宣传培训活动"])
    for s in staff_evaluation(period):
        ws.append([s.name, s.role, s.handled, s.median_decision_hours, s.mediation_success, s.overdue, s.satisfaction,
                   s.activities])
        for column in (5, 7):
            ws.cell(ws.max_row, column).number_format = "0.00%"
    for letter, width in zip("ABCDEFGH", (10, 16, 10, 24, 12, 10, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width
    with atomic_write(Path(dest)) as tmp:
        wb.save(tmp)
    return Path(dest)


# --- the report as table rows: the 报表 tab and both exports show the same ----------------------------

HEADLINES = (
    ("受理投诉件数", "complaints_accepted"), ("解决件数", "resolved"), ("投诉解决率", "resolution_rate"),
    ("为消费者挽回经济损失（元）", "recovered_amount"), ("加倍赔偿件数", "punitive_cases"),
    ("加倍赔偿金额（元）", "punitive_amount"), ("接待咨询人次", None), ("不予受理", "complaints_rejected"),
    ("待受理", "complaints_pending"), ("群体性投诉", "group_cases"), ("未按时作出受理决定", "overdue_decisions"),
)


def _headline(figures: dict, key: str | None) -> object:
    if key is None:
        return figures["received"]["咨询"]
    return figures[key]


def _fmt(value: object, key: str | None) -> str:
    if key == "resolution_rate":
        return "—" if value is None else f"{value:.2%}"
    return str(value)


def headline_rows(figures: dict) -> list[tuple[str, str, str]]:
    previous = figures["previous"]
    return [(label, _fmt(_headline(figures, key), key), _fmt(_headline(previous, key), key)) for label, key in HEADLINES]


def category_rows(figures: dict) -> list[tuple[str, int, float, float, float]]:
    previous = figures["previous"]["by_category"]
    return [(name, v["count"], v["share"], previous.get(name, {}).get("share", 0.0), figures["share_change"][name])
            for name, v in figures["by_category"].items()]
