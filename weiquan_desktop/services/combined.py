"""A 12315 body's combined view of many stations: their ledger workbooks added up, read-only.

Each workbook (spec/ledger.md, as a station exports it) is loaded into a scratch database in a temporary
folder, with the same checks as an import; the station's own database is never opened. The report's figures
are then computed per station (the records each workbook brought) and for all of them, by the same code as a
station's own report, so the totals are the sum of the single reports. Cases that appear in two stations'
ledgers (the same 12315 number, or the same consumer, business and day) are flagged, not merged.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import Workbook, load_workbook

from weiquan_desktop.errors import UserError
from weiquan_desktop.services.statistics import Period


@dataclass
class StationPart:
    label: str  # 站点名称（编码）, from the workbook's 说明 sheet or its case numbers
    file: str
    rows: int
    figures: dict


@dataclass
class Combined:
    period: Period
    stations: list[StationPart]
    total: dict
    duplicates: list[tuple[str, list[str]]]  # what matched, and the stations' case numbers
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "period": self.total["period"],
            "total": self.total,
            "stations": [
                {"station": s.label, "file": s.file, "rows": s.rows, "figures": s.figures}
                for s in self.stations
            ],
            "duplicates": [{"match": what, "cases": cases} for what, cases in self.duplicates],
        }


def _station_of(path: Path, numbers: list[str | None]) -> str:
    """The station's name and code from the 说明 sheet the ledger export writes, else the case numbers."""
    name = code = ""
    try:
        wb = load_workbook(path, read_only=True)
        if "说明" in wb.sheetnames:
            for row in wb["说明"].iter_rows(values_only=True):
                if row and row[0] in ("站点名称", "服务站") and len(row) > 1:
                    name = str(row[1] or "")
                if row and row[0] in ("站点编码", "编码") and len(row) > 1:
                    code = str(row[1] or "")
        wb.close()
    except Exception:  # noqa: BLE001 - the 说明 sheet is a courtesy; the case numbers still say whose rows these are
        pass
    if not code:
        codes = Counter(n.split("-", 1)[0] for n in numbers if n and "-" in n)
        code = codes.most_common(1)[0][0] if codes else path.stem
    return f"{name}（{code}）" if name else code


def combine(paths: list[Path], period: Period) -> Combined:
    """Load every workbook, then report per station and in total. Nothing of any station's data changes."""
    from weiquan_desktop.models import close_database, open_database
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import demo, ledger_import, station, statistics

    if not paths:
        raise UserError("请至少选择一个台账工作簿。")
    with tempfile.TemporaryDirectory(prefix="weiquan-combined-") as tmp:
        open_database(DataDir(Path(tmp) / "data").ensure())
        try:
            # a scratch station to load into; its name and code appear nowhere in the result
            scratch = replace(demo.DEMO_PROFILE, name="多站汇总（只读）", code="HZ00")
            station.save_profile(scratch)
            parts: list[tuple[str, str, int, int, int]] = []
            warnings: list[str] = []
            for path in paths:
                parsed, issues, notes = ledger_import.read(path, allow_masked=True)  # figures only
                again = {i.row for i in issues if i.column == "编号" and "已存在" in i.message}
                issues = [i for i in issues if i.row not in again or i.column != "编号"]
                if issues:
                    shown = "\n".join(str(i) for i in issues[:20])
                    raise UserError(f"{path.name} 有 {len(issues)} 处错误，未汇总：\n{shown}")
                if again:
                    warnings.append(
                        f"{path.name} 中 {len(again)} 行的编号已在先前的工作簿中出现，按重复的同一案件只计一次"
                    )
                parsed = [p for p in parsed if p.row not in again]
                warnings += [f"{path.name}：{n}" for n in notes]
                first = (Record.select(Record.id).order_by(Record.id.desc()).limit(1).scalar() or 0) + 1
                count = ledger_import.apply(parsed, source_name=path.name) if parsed else 0
                label = _station_of(path, [p.values.get("编号") for p in parsed])
                parts.append((label, path.name, first, first + count - 1, count))
            stations = [
                StationPart(label, name, count, statistics.report(period, scope=Record.id.between(low, high)))
                for label, name, low, high, count in parts
            ]
            total = statistics.report(period)
            duplicates = _duplicates(parts)
        finally:
            close_database()
    return Combined(period, stations, total, duplicates, warnings)


def _duplicates(parts: list[tuple[str, str, int, int, int]]) -> list[tuple[str, list[str]]]:
    """The same case in two stations' ledgers: one 12315 number, or one consumer, business and day."""
    from peewee import fn

    from weiquan_desktop.models.schema import Record

    def station(record_id: int) -> str:
        return next(label for label, _n, low, high, _c in parts if low <= record_id <= high)

    found: list[tuple[str, list[str]]] = []
    for (number,) in (
        Record.select(Record.external_no)
        .where(Record.external_no.is_null(False))
        .group_by(Record.external_no)
        .having(fn.COUNT(Record.id) > 1)
        .tuples()
    ):
        rows = list(Record.select(Record.id, Record.case_no).where(Record.external_no == number).tuples())
        if len({station(rid) for rid, _ in rows}) > 1:
            found.append((f"转办编号 {number}", [f"{station(rid)} {case}" for rid, case in rows]))
    day = fn.DATE(Record.received_at)
    for phone, respondent, on in (
        Record.select(Record.phone, Record.respondent_name, day)
        .where(Record.phone.is_null(False), Record.respondent_name.is_null(False))
        .group_by(Record.phone, Record.respondent_name, day)
        .having(fn.COUNT(Record.id) > 1)
        .tuples()
    ):
        rows = list(
            Record.select(Record.id, Record.case_no)
            .where(Record.phone == phone, Record.respondent_name == respondent, day == on)
            .tuples()
        )
        if len({station(rid) for rid, _ in rows}) > 1:
            found.append(
                (
                    f"同一消费者（{phone}）同日投诉 {respondent}",
                    [f"{station(rid)} {case}" for rid, case in rows],
                )
            )
    return found


def to_xlsx(view: Combined, dest: Path) -> Path:
    """One row per station and a total row, each figure a number in its own column, and the duplicates."""
    from weiquan_desktop.fileio import atomic_write
    from weiquan_desktop.services import statistics
    from weiquan_desktop.services.exchange import text_safe
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    wb = Workbook()
    ws = wb.active
    ws.title = "各站汇总"
    values = [statistics.headline_values(s.figures) for s in view.stations]
    total = statistics.headline_values(view.total)
    ws.append(
        [
            f"多站汇总（{view.period.label or view.total['period']['start'] + '至' + view.total['period']['end']}）"
        ]
    )
    ws.append(["服务站", "工作簿", *[label.strip("　") for label, *_ in total]])
    for part, rows in zip(view.stations, values, strict=True):
        ws.append(text_safe(ws, [part.label, part.file, *[now for _l, now, _p, _a, _k in rows]]))
    ws.append(["合计", "", *[now for _l, now, _p, _a, _k in total]])
    for column, (_label, _n, _p, _a, kind) in enumerate(total, 3):
        fmt = {"int": "#,##0", "rate": "0.00%", "money": "#,##0.00"}[kind]
        for row in range(3, ws.max_row + 1):
            ws.cell(row, column).number_format = fmt
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24
    ws.freeze_panes = "C3"
    dup = wb.create_sheet("可能重复")
    dup.append(["重复依据", "涉及的服务站与编号"])
    for what, cases in view.duplicates:
        dup.append(text_safe(dup, [what, "；".join(cases)]))
    dup.column_dimensions["A"].width = 40
    dup.column_dimensions["B"].width = 80
    with atomic_write(Path(dest)) as tmp:
        wb.save(tmp)
    return Path(dest)
