"""Case numbers ``{station code}-{year}-{5-digit sequence}``, gapless per year.

The counter row is incremented in the caller's write transaction, the same one that inserts the record:
if the insert fails the increment rolls back with it, so no number is skipped, and two desks registering
at once are serialised by the write lock on the counter row.
"""

from __future__ import annotations

from weiquan_desktop.models.schema import CaseSequence


def format_case_no(code: str, year: int, seq: int) -> str:
    return f"{code}-{year}-{seq:05d}"


def allocate(code: str, year: int, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive numbers; must run inside a write transaction."""
    CaseSequence.insert(year=year, last=0).on_conflict_ignore().execute()
    CaseSequence.update(last=CaseSequence.last + count).where(CaseSequence.year == year).execute()
    last = CaseSequence.select(CaseSequence.last).where(CaseSequence.year == year).scalar()
    return [format_case_no(code, year, seq) for seq in range(last - count + 1, last + 1)]


def note_imported(year: int, seq: int) -> None:
    """Keep the counter ahead of a number brought in by an import (inside the import's transaction)."""
    CaseSequence.insert(year=year, last=0).on_conflict_ignore().execute()
    CaseSequence.update(last=seq).where(CaseSequence.year == year, CaseSequence.last < seq).execute()
