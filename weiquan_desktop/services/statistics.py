"""Statistics by SQL aggregation (never record by record in Python)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from peewee import fn

from weiquan_desktop import domain
from weiquan_desktop.models.fields import fen_to_yuan
from weiquan_desktop.models.schema import Record


@dataclass
class QuarterRow:
    quarter: int
    received: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    resolved: int = 0
    recovered: Decimal = Decimal("0.00")

    @property
    def resolution_rate(self) -> float | None:
        return round(self.resolved / self.accepted, 4) if self.accepted else None


def _quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    start = datetime(year, 3 * quarter - 2, 1)
    end = datetime(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, end


def year_overview(year: int) -> list[QuarterRow]:
    """Per quarter: records received by kind, complaints accepted, settled (已和解) and money recovered."""
    rows = []
    alive = Record.deleted_at.is_null()
    for quarter in range(1, 5):
        start, end = _quarter_bounds(year, quarter)
        if start.date() > date.today():
            break
        in_period = (Record.received_at >= start) & (Record.received_at < end) & alive
        row = QuarterRow(quarter, received=dict.fromkeys(domain.KINDS, 0))
        for kind, count in (Record.select(Record.kind, fn.COUNT(Record.id)).where(in_period)
                            .group_by(Record.kind).tuples()):
            row.received[kind] = count
        row.accepted = Record.select().where(in_period, Record.kind == "投诉", Record.decision == "受理").count()
        closed = ((Record.closed_at >= start) & (Record.closed_at < end) & alive
                  & (Record.kind == "投诉") & (Record.state == "已和解"))
        count, fen = Record.select(fn.COUNT(Record.id), fn.SUM(Record.recovered_amount)).where(closed).tuples()[0]
        row.resolved, row.recovered = count, fen_to_yuan(fen)
        rows.append(row)
    return rows
