"""Case numbers ``{station code}-{year}-{5-digit sequence}``, gapless per year.

The counter row is incremented in the caller's write transaction, the same one that inserts the record:
if the insert fails the increment rolls back with it, so no number is skipped, and two desks registering
at once are serialised by the write lock on the counter row.
"""

from __future__ import annotations

from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import CaseSequence

MAX_SEQ = 99999  # five digits: the 100,000th would break the number's shape


def format_case_no(code: str, year: int, seq: int) -> str:
    return f"{code}-{year}-{seq:05d}"


def allocate(code: str, year: int, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive numbers; must run inside a write transaction."""
    if not 2000 <= year <= 2100:
        raise UserError(f"登记年份 {year} 不合理，无法编号。")
    CaseSequence.insert(year=year, last=0).on_conflict_ignore().execute()
    CaseSequence.update(last=CaseSequence.last + count).where(CaseSequence.year == year).execute()
    last = CaseSequence.select(CaseSequence.last).where(CaseSequence.year == year).scalar()
    if last > MAX_SEQ:  # the transaction rolls back: no number is used up
        raise UserError(f"{year}年的编号已用完（每年最多 {MAX_SEQ} 件）；请联系技术支持。没有保存。")
    return [format_case_no(code, year, seq) for seq in range(last - count + 1, last + 1)]


def note_imported(year: int, seq: int) -> None:
    """Keep the counter ahead of a number brought in by an import (inside the import's transaction)."""
    CaseSequence.insert(year=year, last=0).on_conflict_ignore().execute()
    CaseSequence.update(last=seq).where(CaseSequence.year == year, CaseSequence.last < seq).execute()
