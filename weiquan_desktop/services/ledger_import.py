"""Importing a ledger workbook (spec/ledger.md): every row checked first, then all rows or none.

Files that are not .xlsx, are damaged, password-protected or suspiciously large when unpacked are
refused before openpyxl parses them (openpyxl reads XML through defusedxml, which we install).
"""

from __future__ import annotations

import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from peewee import fn

from weiquan_desktop import domain, validation
from weiquan_desktop.domain import Decision, Kind, State
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.fileio import atomic_write
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Business, Record, Referral, SettlementTerm, Staff
from weiquan_desktop.services import audit, auth, deadlines, intake, numbering, station
from weiquan_desktop.services.actor import Actor, name_of
from weiquan_desktop.services.ledger_format import (
    ALL_COLUMNS,
    EVENT_KINDS,
    EVENTS_SHEET,
    INDEX,
    NOTES_SHEET,
    SHEET,
    Column,
    Issue,
    ParsedRow,
)
from weiquan_desktop.text import initials, plain_text

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 150  # unpacked / packed for any large member: real workbooks stay far below
MAX_ROWS = 500_000
REQUIRED_HEADERS = ("类型", "来源", "登记时间", "办理状态")
DATETIME_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
CASE_NO_RE = re.compile(r"^(?P<code>[A-Za-z0-9]+)-(?P<year>\d{4})-(?P<seq>\d{5})$")


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def check_container(path: Path) -> None:
    """Refuse what is not a sane .xlsx before anything parses it."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到文件：{path}")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path.name} 是空文件。")
    if size > MAX_FILE_BYTES:
        raise UserError(
            f"{path.name} 有 {size / 1024 / 1024:.0f} MB，超过台账文件上限 {MAX_FILE_BYTES // 1024 // 1024} MB。"
        )
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(
            f"{path.name} 设置了打开密码，或是旧版 .xls 格式。请在 Excel 或 WPS 中取消密码、"
            "另存为 .xlsx 后再导入。"
        )
    if not magic.startswith(b"PK"):
        raise UserError(f"{path.name} 不是有效的 .xlsx 文件（可能是其他格式改了扩展名）。")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            total = sum(m.file_size for m in members)
            for member in members:
                if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(
                    member.compress_size, 1
                ):
                    raise UserError(
                        f"{path.name} 中的 {member.filename} 解压后异常大（压缩比超过 {MAX_RATIO} 倍），"
                        "疑似压缩炸弹，已拒绝导入。"
                    )
    except zipfile.BadZipFile as exc:
        raise UserError(f"{path.name} 已损坏，无法作为 .xlsx 打开（{exc}）。") from exc
    if total > MAX_UNPACKED_BYTES:
        raise UserError(
            f"{path.name} 解压后有 {total / 1024 / 1024:.0f} MB，超过上限，疑似压缩炸弹，已拒绝导入。"
        )
    if "xl/workbook.xml" not in names:
        raise UserError(f"{path.name} 不是 Excel 工作簿（缺少 xl/workbook.xml）。")


ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
EARLIEST = datetime(2000, 1, 1)  # no station kept a ledger before 2000; 0001-01-01 and 1899 are typing errors
MASKED_RE = re.compile(r"\*{1,}")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return plain_text(str(value)).strip()  # the intake's rule for text: no control characters


def clean_code(text: str) -> str:
    """A case number, phone or ID as typed or pasted: full-width characters made half-width, zero-width
    spaces removed, letters upper-case (WXH01-2026-00001 and ｗｘｈ０１－２０２６－０００１ are one number)."""
    return unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).strip().upper()


def parse_datetime(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    match = DATETIME_RE.match(str(value).strip())
    if not match:
        raise ValueError
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    return datetime(y, mo, d, h, mi, s)


def _parse_cell(column: Column, cell: Any, row: int, issues: list[Issue], where: str = "") -> object:
    """One cell as the column's type, or an Issue naming the row and the column (and the sheet)."""
    header = where + column.header
    value = cell.value
    kind_of_cell = getattr(cell, "data_type", None)
    if kind_of_cell == "f":
        issues.append(Issue(row, header, f"单元格是公式（{str(value)[:30]}），请改为数值或文字后再导入"))
        return None
    if kind_of_cell == "e" or (
        isinstance(value, str)
        and value.startswith("#")
        and value.rstrip("!?0/") in ("#N/A", "#VALUE", "#REF", "#DIV", "#NUM", "#NAME", "#NULL")
    ):
        issues.append(Issue(row, header, f"单元格是错误值 {value}，请改正后再导入"))
        return None
    if kind_of_cell == "b" or isinstance(value, bool):
        issues.append(Issue(row, header, f"单元格是逻辑值 {str(value).upper()}，请填写文字（如“是”或“否”）"))
        return None
    if isinstance(value, float) and not math.isfinite(value):
        issues.append(Issue(row, header, f"数值无效：{value}"))
        return None
    if column.kind in ("datetime", "date"):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            issues.append(
                Issue(row, header, f"日期格式不对：{cell_text(value)}，应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM")
            )
            return None
        except (OverflowError, TypeError):
            issues.append(Issue(row, header, f"日期无效：{cell_text(value)}"))
            return None
        if parsed is not None and not EARLIEST <= parsed <= datetime(2100, 1, 1):
            issues.append(Issue(row, header, f"日期不合理：{parsed:%Y-%m-%d}（应在2000年以后）"))
            return None
        if parsed is not None and column.kind == "date":
            return parsed.date()
        return parsed
    if column.kind == "money":
        if isinstance(value, float):
            value = Decimal(repr(value))
        try:
            return validation.money(value, header)
        except ValidationError as exc:
            issues.append(Issue(row, header, exc.message))
            return None
        except (ArithmeticError, ValueError, TypeError):
            issues.append(Issue(row, header, f"金额无效：{cell_text(value)}"))
            return None
    if column.kind == "int":
        text = cell_text(value)
        if not text.isdigit() or int(text) > 1_000_000:
            issues.append(Issue(row, header, f"应为整数：{text}"))
            return None
        return int(text)
    if column.kind == "bool":
        text = cell_text(value)
        if text not in ("是", "否"):
            issues.append(Issue(row, header, f"应为“是”或“否”：{text}"))
            return None
        return text == "是"
    if isinstance(value, datetime):  # a date typed into a text column: as written, not 2026-09-01T00:00:00
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != datetime.min.time()
            else value.strftime("%Y-%m-%d")
        )
    return cell_text(value)


def hidden_parts(path: Path, sheet_title: str) -> tuple[bool, list[int], list[str]]:
    """Whether a sheet is hidden, and its hidden rows and columns, read from the workbook's XML: what a clerk
    does not see must not be imported without her knowing."""
    from defusedxml.ElementTree import iterparse, parse
    from openpyxl.utils import get_column_letter

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as archive:
        book = parse(archive.open("xl/workbook.xml")).getroot()
        target_id, hidden_sheet = None, False
        for sheet in book.iter(f"{ns}sheet"):
            if sheet.get("name") == sheet_title:
                target_id, hidden_sheet = (
                    sheet.get(f"{rel_ns}id"),
                    sheet.get("state") in ("hidden", "veryHidden"),
                )
        if target_id is None:
            return False, [], []
        rels = parse(archive.open("xl/_rels/workbook.xml.rels")).getroot()
        target = next((r.get("Target") for r in rels if r.get("Id") == target_id), None)
        if target is None:
            return hidden_sheet, [], []
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member not in archive.namelist():
            return hidden_sheet, [], []
        rows: list[int] = []
        columns: list[str] = []
        for _event, element in iterparse(archive.open(member)):
            if element.tag == f"{ns}row":
                if element.get("hidden") in ("1", "true") and len(element):
                    rows.append(int(element.get("r") or 0))
                element.clear()
            elif element.tag == f"{ns}col" and element.get("hidden") in ("1", "true"):
                first, last = int(element.get("min") or 1), int(element.get("max") or 1)
                columns += [get_column_letter(i) for i in range(first, min(last, first + 50) + 1)]
    return hidden_sheet, rows, columns


def _rows_of(ws: ReadOnlyWorksheet, path: Path, where: str) -> Iterator[tuple[int, tuple]]:
    """The sheet's rows with their numbers; a damaged row (a shared string that does not exist, a date cell
    that is not one, broken XML) becomes a UserError that names it."""
    if hasattr(ws, "reset_dimensions"):
        # read-only mode trusts the sheet's <dimension>; one written by another program may be stale, and the
        # rows below it were dropped without a word
        ws.reset_dimensions()
    rows = iter(ws.iter_rows())
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged sheet
            raise UserError(
                f"{path.name} 的“{where}”工作表从第 {number + 1} 行起无法读取，文件内容可能已损坏"
                f"（{type(exc).__name__}）。没有导入任何记录。"
            ) from None
        number += 1
        yield number, cells


def _open_book(path: Path) -> Workbook:
    check_container(path)
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UserError(f"{Path(path).name} 无法读取，文件可能已损坏（{exc}）。") from exc
    except Exception as exc:  # noqa: BLE001 - malformed XML and the like: one clear message, no traceback
        raise UserError(f"{Path(path).name} 的内容不是有效的 Excel 工作簿（{type(exc).__name__}）。") from exc


def read(path: Path, *, allow_masked: bool = False) -> tuple[list[ParsedRow], list[Issue], list[str]]:
    """Parse and check every row of both sheets; nothing is written. ``allow_masked``: a de-identified
    ledger is read too (for figures only, as the multi-station view does; never into a station)."""
    path = Path(path)
    wb = _open_book(path)
    try:
        if SHEET not in wb.sheetnames:
            raise UserError(f"{path.name} 中没有名为“{SHEET}”的工作表（现有：{'、'.join(wb.sheetnames)}）。")
        issues: list[Issue] = []
        warnings: list[str] = []
        try:
            hidden_sheet, hidden_rows, hidden_columns = hidden_parts(path, SHEET)
        except Exception:  # noqa: BLE001 - the workbook's XML is checked again by openpyxl below
            hidden_sheet, hidden_rows, hidden_columns = False, [], []
        if hidden_sheet:
            issues.append(
                Issue(1, "", f"“{SHEET}”工作表被隐藏了：请在 Excel 或 WPS 中取消隐藏、核对后再导入")
            )
        for row in hidden_rows[:20]:
            issues.append(
                Issue(row, "", "这一行被隐藏了：请取消隐藏、核对后再导入（隐藏的内容不会悄悄导入）")
            )
        if hidden_columns:
            issues.append(
                Issue(1, "", f"{'、'.join(hidden_columns[:10])} 列被隐藏了：请取消隐藏、核对后再导入")
            )
        masked_sheet = _says_masked(wb)
        if masked_sheet and not allow_masked:
            issues.append(
                Issue(
                    1,
                    "",
                    "这是去标识化导出的台账（姓名、电话等已部分隐去），只能查阅，不能导回：请用完整导出的台账",
                )
            )
        parsed = _read_ledger(wb[SHEET], path, issues, warnings)
        events = _read_events(wb, path, issues) if EVENTS_SHEET in wb.sheetnames else []
    finally:
        wb.close()
    for item in parsed:
        if item.values.get("编号"):
            item.values["编号"] = clean_code(str(item.values["编号"]))
    by_number: dict[str, list[ParsedRow]] = {}
    for event in events:
        by_number.setdefault(event.values.get("编号") or "", []).append(event)
    for item in parsed:
        item.events = by_number.get(item.values.get("编号") or "\0", [])
    _check_rows(parsed, issues, warnings, masked_sheet or allow_masked)
    _check_events(events, parsed, issues)
    return parsed, issues, warnings


def _says_masked(wb: Workbook) -> bool:
    if NOTES_SHEET not in wb.sheetnames:
        return False
    try:
        for row in wb[NOTES_SHEET].iter_rows(max_row=20, values_only=True):
            if row and row[0] == "个人信息" and len(row) > 1 and str(row[1] or "").startswith("已去标识化"):
                return True
    except Exception:  # noqa: BLE001 - the notes are a courtesy; the cells are checked one by one anyway
        return False
    return False


def _read_ledger(
    ws: ReadOnlyWorksheet, path: Path, issues: list[Issue], warnings: list[str]
) -> list[ParsedRow]:
    rows = _rows_of(ws, path, SHEET)
    try:
        _number, header_cells = next(rows)
    except StopIteration:
        raise UserError(f"“{SHEET}”工作表是空的。") from None
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        title = cell_text(cell.value)
        if not title:
            continue
        if title in positions:
            issues.append(Issue(1, title, "表头重复"))
        elif title in INDEX:
            if not ALL_COLUMNS[INDEX[title]].export_only:
                positions[title] = index
        else:
            warnings.append(f"未知的列“{title}”已忽略")
    for title in REQUIRED_HEADERS:
        if title not in positions:
            issues.append(Issue(1, title, "缺少必需的列"))
    if any(i.row == 1 and i.message in ("缺少必需的列", "表头重复") for i in issues):
        return []
    parsed: list[ParsedRow] = []
    for row_number, cells in rows:
        values: dict[str, object] = {}
        empty = True
        for title, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            if cell is None or cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                values[title] = None
                continue
            empty = False
            values[title] = _parse_cell(ALL_COLUMNS[INDEX[title]], cell, row_number, issues)
        if not empty:
            parsed.append(ParsedRow(row_number, values))
            if (
                len(parsed) > MAX_ROWS
            ):  # rows with content: one stray cell far down is not half a million rows
                raise UserError(f"台账超过 {MAX_ROWS} 行，请分批导入。")
    return parsed


EVENT_COLUMNS = {
    "编号": Column("编号", ""),
    "类别": Column("类别", ""),
    "项目": Column("项目", ""),
    "序号": Column("序号", "", kind="int"),
    "时间": Column("时间", "", kind="datetime"),
    "结束": Column("结束", "", kind="datetime"),
    "方式": Column("方式", ""),
    "对象": Column("对象", ""),
    "人员": Column("人员", ""),
    "内容": Column("内容", ""),
    "金额": Column("金额", "", kind="money"),
    "期限": Column("期限", "", kind="date"),
    "附加": Column("附加", ""),
}


def _read_events(wb: Workbook, path: Path, issues: list[Issue]) -> list[ParsedRow]:
    rows = _rows_of(wb[EVENTS_SHEET], path, EVENTS_SHEET)
    try:
        _number, header_cells = next(rows)
    except StopIteration:
        return []
    positions = {
        cell_text(c.value): i for i, c in enumerate(header_cells) if cell_text(c.value) in EVENT_COLUMNS
    }
    if "编号" not in positions or "类别" not in positions:
        issues.append(Issue(1, f"{EVENTS_SHEET}：编号", "“办理记录”工作表缺少“编号”或“类别”列"))
        return []
    where = f"{EVENTS_SHEET}："
    out: list[ParsedRow] = []
    for row_number, cells in rows:
        values: dict[str, Any] = {}
        for title, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            if cell is None or cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                values[title] = None
                continue
            values[title] = _parse_cell(EVENT_COLUMNS[title], cell, row_number, issues, where)
        if any(v is not None for v in values.values()):
            if values.get("编号"):
                values["编号"] = clean_code(str(values["编号"]))
            out.append(ParsedRow(row_number, values))
            if len(out) > MAX_ROWS * 20:
                raise UserError(f"“{EVENTS_SHEET}”超过 {MAX_ROWS * 20} 行，请分批导入。")
    return out


def _check_events(events: list[ParsedRow], parsed: list[ParsedRow], issues: list[Issue]) -> None:
    import json

    numbers = {p.values.get("编号") for p in parsed if p.values.get("编号")}
    where = f"{EVENTS_SHEET}："
    for event in events:
        v, row = event.values, event.row
        if v.get("编号") not in numbers:
            issues.append(Issue(row, where + "编号", f"台账中没有编号为 {v.get('编号') or '（空）'} 的案件"))
        kind = v.get("类别")
        if kind not in EVENT_KINDS:
            issues.append(
                Issue(row, where + "类别", f"“{kind}”不是可用的类别，应为：{'、'.join(EVENT_KINDS)}")
            )
            continue
        needs = {
            "和解条款": ("项目", "序号", "内容"),
            "调解": ("时间", "方式"),
            "暂停计时": ("时间", "内容"),
            "告知": ("项目", "时间", "方式"),
            "移交": ("项目", "时间", "对象", "内容"),
            "转办反馈": ("时间", "方式", "内容"),
            "回访": ("项目", "时间"),
        }[kind]
        for title in needs:
            if v.get(title) is None:
                issues.append(Issue(row, where + title, f"{kind}必填"))
        checks = {
            "和解条款": ("项目", domain.TERM_KINDS),
            "调解": ("方式", domain.MEDIATION_MODES),
            "告知": ("项目", domain.NOTICE_KINDS),
            "回访": ("项目", domain.SATISFACTION),
        }
        if kind in checks:
            title, allowed = checks[kind]
            if v.get(title) is not None and v[title] not in allowed:
                issues.append(
                    Issue(row, where + title, f"“{v[title]}”不是可用的值，应为：{'、'.join(allowed)}")
                )
        if kind == "告知" and v.get("方式") and v["方式"] not in domain.NOTICE_METHODS:
            issues.append(
                Issue(
                    row,
                    where + "方式",
                    f"“{v['方式']}”不是可用的方式，应为：{'、'.join(domain.NOTICE_METHODS)}",
                )
            )
        if kind == "移交" and v.get("内容") and v["内容"] not in domain.REFERRAL_REASONS:
            issues.append(Issue(row, where + "内容", f"移交原因应为：{'、'.join(domain.REFERRAL_REASONS)}"))
        extra = v.get("附加")
        if extra:
            try:
                loaded = json.loads(extra)
                if not isinstance(loaded, dict):
                    raise ValueError
                v["附加"] = loaded
            except ValueError:
                issues.append(Issue(row, where + "附加", "应为程序导出的 JSON 文字，请勿手改"))
        start, end = v.get("时间"), v.get("结束")
        if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
            issues.append(Issue(row, where + "结束", "不能早于“时间”"))


PHONE_COLUMNS = (("联系电话", False), ("代理人电话", False), ("被投诉方电话", True), ("丙方电话", True))


def _check_rows(
    parsed: list[ParsedRow], issues: list[Issue], warnings: list[str], masked_sheet: bool = False
) -> None:
    seen: dict[str, int] = {}
    numbers = [r.values.get("编号") for r in parsed if r.values.get("编号")]
    existing: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        existing.update(
            c.upper()
            for (c,) in Record.select(Record.case_no).where(fn.UPPER(Record.case_no).in_(chunk)).tuples()
        )
    now = datetime.now()
    masked_rows: list[int] = []
    new_staff: set[str] = set()
    known_staff = {name for (name,) in Staff.select(Staff.name).tuples()}
    for item in parsed:
        v, row = item.values, item.row

        def need(header: str, why: str, values: dict = v, row: int = row) -> None:
            if not values.get(header):
                issues.append(Issue(row, header, why))

        case_no = v.get("编号")
        if case_no:
            match = CASE_NO_RE.match(case_no)
            if not match:
                issues.append(
                    Issue(
                        row,
                        "编号",
                        f"编号格式不对：{case_no}（应为 站点编码-年份-5位序号，如 WXH01-2026-00001）",
                    )
                )
            elif not 2000 <= int(match["year"]) <= now.year or int(match["seq"]) == 0:
                issues.append(Issue(row, "编号", f"编号中的年份或序号不合理：{case_no}"))
            elif int(match["seq"]) >= 99999:
                issues.append(
                    Issue(
                        row,
                        "编号",
                        f"序号 {match['seq']} 已到上限，导入后本年无法再编号；请改用空白编号自动编号",
                    )
                )
            if case_no in seen:
                issues.append(Issue(row, "编号", f"与第 {seen[case_no]} 行的编号 {case_no} 重复"))
            elif case_no in existing:
                issues.append(Issue(row, "编号", f"编号 {case_no} 已存在于本站台账中，不会覆盖"))
            seen[case_no] = row
        kind, state = v.get("类型"), v.get("办理状态")
        for header, allowed in (
            ("类型", domain.KINDS),
            ("来源", domain.SOURCES),
            ("受理决定", domain.DECISIONS),
            ("满意度", domain.SATISFACTION),
            ("群体性", ("是", "否")),
            ("商品服务大类", domain.CATEGORIES),
            ("问题性质", domain.NATURES),
            ("证件类型", domain.ID_TYPES),
            ("拒绝调解方", domain.TERMINATION_PARTIES),
        ):
            value = v.get(header)
            if value and value not in allowed:
                issues.append(Issue(row, header, f"“{value}”不是可用的值，应为：{'、'.join(allowed)}"))
        need("类型", "必填")
        need("来源", "必填")
        need("登记时间", "必填")
        need("办理状态", "必填")
        received = v.get("登记时间")
        if isinstance(received, datetime) and received > now:
            issues.append(Issue(row, "登记时间", "不能晚于现在"))
        if kind in domain.STATES and state and state not in domain.STATES[kind]:
            issues.append(Issue(row, "办理状态", f"{kind}的状态应为：{'、'.join(domain.STATES[kind])}"))
        if kind == Kind.COMPLAINT:
            for header in ("消费者姓名", "联系电话", "被投诉方", "商品服务大类", "问题性质"):
                need(header, "投诉必填")
        if kind == Kind.REPORT:
            need("被投诉方", "举报必填（被举报方）")
        if any(
            isinstance(v.get(h), str) and "*" in v[h]
            for h in ("消费者姓名", "联系电话", "证件号码", "联系地址")
        ):
            masked_rows.append(row)
            continue  # a masked row's values are not the consumer's: the other checks would only confuse
        for header, service in PHONE_COLUMNS:
            if v.get(header):
                try:
                    v[header] = validation.phone(clean_code(str(v[header])), header, allow_service=service)
                except ValidationError as exc:
                    issues.append(Issue(row, header, exc.message.replace(f"“{header}”", "")))
        id_number = v.get("证件号码")
        if id_number:
            id_number = v["证件号码"] = clean_code(str(id_number))
            id_type = v.get("证件类型") or (
                "居民身份证" if re.fullmatch(r"[\dX ]{15,19}", id_number) else None
            )
            if id_type == "居民身份证":
                try:
                    validation.resident_id(id_number)
                except ValidationError as exc:
                    issues.append(Issue(row, "证件号码", exc.message.replace("“证件号码”", "")))
        demands = v.get("诉求")
        if demands:
            bad = [d for d in str(demands).split(domain.DEMAND_SEPARATOR) if d not in domain.DEMANDS]
            if bad:
                issues.append(Issue(row, "诉求", f"不认识的诉求：{'、'.join(bad)}"))
        if v.get("受理决定"):
            need("受理决定时间", "填写了受理决定时必填")
        if v.get("受理决定") == Decision.REJECTED:
            need("不予受理理由", "不予受理时必填")
        if kind in domain.CLOSING_STATES and state in domain.CLOSING_STATES[kind]:
            need("办结时间", f"状态为“{state}”（办结）时必填")
        if state == State.REFERRED and not any(e.values.get("类别") == "移交" for e in item.events):
            need("移交单位", "状态为已移交时必填")
            need("移交时间", "状态为已移交时必填")
        if isinstance(received, datetime):
            for header in ("受理决定时间", "办结时间"):
                later = v.get(header)
                if isinstance(later, datetime) and later < received:
                    issues.append(Issue(row, header, "不能早于登记时间"))
                if isinstance(later, datetime) and later > now:
                    issues.append(Issue(row, header, "不能晚于现在"))
            purchase = v.get("购买日期")
            if isinstance(purchase, date) and purchase > received.date():
                issues.append(Issue(row, "购买日期", f"{purchase.isoformat()} 晚于登记日期"))
        handler = v.get("经办人")
        if handler and handler not in known_staff:
            new_staff.add(handler)
    if masked_rows and not masked_sheet:
        shown = "、".join(str(r) for r in masked_rows[:10]) + ("等" if len(masked_rows) > 10 else "")
        issues.append(
            Issue(
                masked_rows[0],
                "消费者姓名",
                f"第 {shown} 行的姓名、电话或证件号码含“*”，是去标识化的数据，"
                "不能作为真实信息导入：请用完整导出的台账",
            )
        )
    if new_staff:
        warnings.append(
            f"经办人 {'、'.join(sorted(new_staff))} 不在工作人员名单中，导入时将加入名单（未设置登录账号）"
        )


def import_ledger(path: Path, *, dry_run: bool = False, actor: Actor | None = None) -> ImportReport:
    """Check every row, then import all of them in one transaction, or none."""
    auth.require(actor, "import_ledger")
    parsed, issues, warnings = read(path)
    report = ImportReport(rows=len(parsed), errors=issues, warnings=warnings, dry_run=dry_run)
    if issues or dry_run or not parsed:
        return report
    report.created = apply(parsed, source_name=Path(path).name, actor=actor)
    return report


def _terms_from_text(text: str) -> list[tuple[int, str]]:
    """An old ledger's 和解内容 ("1. 退款；2. 赔偿50元") as numbered terms, so the agreement prints them."""
    parts = [p.strip() for p in re.split(r"[；;\n]", text) if p.strip()]
    out = []
    for position, part in enumerate(parts, 1):
        out.append((position, re.sub(r"^\s*\d+\s*[.、．]\s*", "", part)))
    return out


def apply(parsed: list[ParsedRow], *, source_name: str, actor: Actor | None = None) -> int:
    """Write rows that ``read`` found free of errors; one transaction. Returns how many were created."""
    from peewee import IntegrityError

    auth.require(actor, "import_ledger")
    try:
        return _apply(parsed, source_name, actor)
    except IntegrityError:
        raise UserError(
            "导入时编号与另一处同时登记或导入的案件冲突，没有导入任何记录；请稍后重试。"
        ) from None


def _apply(parsed: list[ParsedRow], source_name: str, actor: Actor | None) -> int:
    created = 0
    code = station.station_code()
    with write_transaction():
        staff = {name: sid for sid, name in Staff.select(Staff.id, Staff.name).tuples()}
        businesses = {name: bid for bid, name in Business.select(Business.id, Business.name).tuples()}
        blanks: dict[int, int] = {}
        for item in parsed:
            number = item.values.get("编号")
            if not number:
                blanks[item.values["登记时间"].year] = blanks.get(item.values["登记时间"].year, 0) + 1
            else:
                match = CASE_NO_RE.match(number)
                if match and match["code"].upper() == code.upper():
                    numbering.note_imported(int(match["year"]), int(match["seq"]))
        fresh = {year: iter(numbering.allocate(code, year, count)) for year, count in blanks.items()}
        first_id: int | None = None

        def staff_id(name: object) -> int | None:
            if not name:
                return None
            if name not in staff:
                staff[name] = Staff.create(name=name, role="工作人员/和解员").id
            return staff[name]

        for item in parsed:
            v = item.values
            case_no = v.get("编号") or next(fresh[v["登记时间"].year])
            respondent = v.get("被投诉方")
            if respondent and respondent not in businesses:
                businesses[respondent] = Business.create(name=respondent, initials=initials(respondent)).id
            id_type = v.get("证件类型") or (
                "居民身份证"
                if validation.looks_like_resident_id(v.get("证件号码"))
                else ("其他" if v.get("证件号码") else None)
            )
            record = Record(
                case_no=case_no,
                kind=v["类型"],
                source=v["来源"],
                received_at=v["登记时间"],
                state=v["办理状态"],
                complainant_name=v.get("消费者姓名") or None,
                phone=v.get("联系电话") or None,
                id_type=id_type,
                id_number=v.get("证件号码") or None,
                address=v.get("联系地址") or None,
                respondent=businesses.get(respondent) if respondent else None,
                respondent_name=respondent or None,
                category=v.get("商品服务大类") or None,
                category_group=domain.category_group(v.get("商品服务大类")),
                item=v.get("商品服务名称") or None,
                nature=v.get("问题性质") or None,
                purchase_date=v.get("购买日期"),
                amount=v.get("涉及金额"),
                facts=v.get("事实与理由") or None,
                demands=v.get("诉求") or None,
                decision=v.get("受理决定") or None,
                decided_at=v.get("受理决定时间"),
                rejection_ground=v.get("不予受理理由") or None,
                settlement=v.get("和解内容") or None,
                recovered_amount=v.get("挽回经济损失"),
                punitive_amount=v.get("加倍赔偿金额"),
                closed_at=v.get("办结时间"),
                handler=staff_id(v.get("经办人")),
                external_no=v.get("转办编号") or None,
                satisfaction=v.get("满意度") or None,
                is_group=v.get("群体性") == "是",
                remark=v.get("备注") or None,
            )
            for header, attr in EXTRA_ATTRIBUTES.items():
                value = v.get(header)
                if value is not None and value != "":
                    setattr(record, attr, value)
            intake.update_search_text(record)
            record.save(force_insert=True)
            first_id = first_id or record.id
            _children(record, item.events, staff_id)
            if record.state == State.REFERRED and not any(
                e.values.get("类别") == "移交" for e in item.events
            ):
                Referral.create(
                    record=record,
                    number=f"YJ-{case_no}",
                    body_name=v["移交单位"],
                    reason="和解不成" if record.kind == Kind.COMPLAINT else "涉嫌违法线索",
                    referred_at=v["移交时间"],
                )
            if (
                record.state == State.SETTLED
                and record.settlement
                and not any(e.values.get("类别") == "和解条款" for e in item.events)
            ):
                for position, action in _terms_from_text(record.settlement):
                    SettlementTerm.create(
                        record=record, position=position, kind="其他", action=action, obligor="乙方"
                    )
            intake.add_event(
                record, "导入", actor, to_state=record.state, detail={"文件": source_name, "行": item.row}
            )
            created += 1
        if (
            first_id is not None
        ):  # the deadlines once every case has its notices, pauses and feedback, in batches
            deadlines.refresh_records(Record.id >= first_id)
        audit.append("ledger.import", actor=name_of(actor), detail={"文件": source_name, "条数": created})
    return created


# the extension columns and the record's attributes they fill (ledger_format.EXTRA_COLUMNS)
EXTRA_ATTRIBUTES = {
    "匿名": "anonymous",
    "同意公示": "consent_publish",
    "同意调解": "consent_mediation",
    "代理人": "agent_name",
    "代理人电话": "agent_phone",
    "代理人证件号码": "agent_id_number",
    "授权委托": "agent_authorisation",
    "被投诉方联系人": "respondent_contact",
    "被投诉方电话": "respondent_phone",
    "被投诉方地址": "respondent_address",
    "消费地点/铺位": "place",
    "证明材料": "evidence",
    "具体线索": "clues",
    "答复": "answer",
    "约定答复时间": "reply_due",
    "终止调解理由": "termination_ground",
    "拒绝调解方": "termination_party",
    "不移交原因": "handover_note",
    "加倍赔偿依据": "punitive_basis",
    "丙方": "third_party",
    "丙方身份": "third_party_role",
    "丙方联系人": "third_party_contact",
    "丙方电话": "third_party_phone",
    "丙方地址": "third_party_address",
    "涉及人数": "group_size",
    "涉及金额合计": "group_amount",
    "重大": "is_major",
    "报告时间": "major_reported_at",
    "报告对象": "major_reported_to",
    "报告人": "major_reported_by",
    "转办反馈期限": "external_due",
    "建议转达单位": "forwarded_to",
}


def _children(record: Record, events: list[ParsedRow], staff_id: Callable[[Any], int | None]) -> None:
    """The 办理记录 rows of one case: its terms, sessions, pauses, notices, referrals, feedback and visits."""
    import json

    from weiquan_desktop.models.schema import (
        CaseNotice,
        ClockPause,
        MediationSession,
        ReturnVisit,
        TransferFeedback,
    )

    for event in events:
        v = event.values
        more = v.get("附加") or {}
        kind = v["类别"]
        at: Any = v.get("时间")  # a datetime wherever the kind needs one (_check_events)
        if kind == "和解条款":
            SettlementTerm.create(
                record=record,
                position=v["序号"],
                kind=v["项目"],
                action=v["内容"],
                amount=v.get("金额"),
                obligor=v.get("对象"),
                due_on=v.get("期限"),
            )
        elif kind == "调解":
            MediationSession.create(
                record=record,
                held_at=at,
                mode=v["方式"],
                attendees=v.get("对象"),
                mediator=staff_id(v.get("人员")),
                notes=v.get("内容"),
                consumer_statement=more.get("消费者意见"),
                business_statement=more.get("经营者意见"),
            )
        elif kind == "暂停计时":
            ClockPause.create(
                record=record,
                started_on=at.date(),
                ended_on=v["结束"].date() if v.get("结束") else None,
                reason=v["内容"],
            )
        elif kind == "告知":
            CaseNotice.create(
                record=record,
                kind=v["项目"],
                at=at,
                method=v["方式"],
                party=v.get("对象"),
                content=v.get("内容"),
                actor=v.get("人员"),
                staff=staff_id(v.get("人员")),
            )
        elif kind == "移交":
            Referral.create(
                record=record,
                number=v["项目"],
                body_name=v["对象"],
                reason=v["内容"],
                referred_at=at,
                feedback_due=v.get("期限"),
                feedback_at=v.get("结束"),
                feedback=more.get("反馈"),
                materials=json.dumps(more.get("材料", []), ensure_ascii=False),
            )
        elif kind == "转办反馈":
            TransferFeedback.create(
                record=record,
                handled_at=at,
                sent_at=v.get("结束"),
                method=v["方式"],
                result=v["内容"],
                process=more.get("处理过程") or "",
            )
        elif kind == "回访":
            ReturnVisit.create(
                record=record,
                visited_at=at,
                satisfaction=v["项目"],
                method=v.get("方式"),
                staff=staff_id(v.get("人员")),
                comment=v.get("内容"),
                performance=more.get("履行情况"),
            )


def write_issues(issues: list[Issue], dest: Path) -> Path:
    """The error list as a workbook the clerk can open beside the ledger and fix row by row."""
    from weiquan_desktop.services.exchange import text_safe
    from weiquan_desktop.services.session import check_output_path

    check_output_path(Path(dest))
    wb = Workbook()
    ws = wb.active
    ws.title = "导入错误"
    ws.append(["行号", "列", "问题"])
    for issue in issues:
        ws.append(text_safe(ws, [issue.row, issue.column, issue.message]))
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 80
    with atomic_write(Path(dest)) as tmp:
        wb.save(tmp)
    return Path(dest)
