"""Importing a ledger workbook (spec/ledger.md): every row checked first, then all rows or none.

Files that are not .xlsx, are damaged, password-protected or suspiciously large when unpacked are
refused before openpyxl parses them (openpyxl reads XML through defusedxml, which we install).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from weiquan_desktop import domain, validation
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.fileio import atomic_write
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Business, Record, Referral, Staff
from weiquan_desktop.services import audit, auth, deadlines, intake, numbering, station
from weiquan_desktop.services.actor import Actor, name_of
from weiquan_desktop.services.ledger_format import COLUMNS, INDEX, SHEET, Issue, ParsedRow
from weiquan_desktop.text import initials

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
        raise UserError(f"{path.name} 有 {size / 1024 / 1024:.0f} MB，超过台账文件上限 {MAX_FILE_BYTES // 1024 // 1024} MB。")
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(f"{path.name} 设置了打开密码，或是旧版 .xls 格式。请在 Excel 或 WPS 中取消密码、"
                        "另存为 .xlsx 后再导入。")
    if not magic.startswith(b"PK"):
        raise UserError(f"{path.name} 不是有效的 .xlsx 文件（可能是其他格式改了扩展名）。")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            total = sum(m.file_size for m in members)
            for member in members:
                if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                    raise UserError(f"{path.name} 中的 {member.filename} 解压后异常大（压缩比超过 {MAX_RATIO} 倍），"
                                    "疑似压缩炸弹，已拒绝导入。")
    except zipfile.BadZipFile as exc:
        raise UserError(f"{path.name} 已损坏，无法作为 .xlsx 打开（{exc}）。") from exc
    if total > MAX_UNPACKED_BYTES:
        raise UserError(f"{path.name} 解压后有 {total / 1024 / 1024:.0f} MB，超过上限，疑似压缩炸弹，已拒绝导入。")
    if "xl/workbook.xml" not in names:
        raise UserError(f"{path.name} 不是 Excel 工作簿（缺少 xl/workbook.xml）。")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


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


def _parse_cell(header: str, cell: object, row: int, issues: list[Issue]) -> object:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
        issues.append(Issue(row, header, f"单元格是公式（{str(value)[:30]}），请改为数值或文字后再导入"))
        return None
    column = COLUMNS[INDEX[header]]
    if column.kind in ("datetime", "date"):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            issues.append(Issue(row, header, f"日期格式不对：{cell_text(value)}，应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM"))
            return None
        except (OverflowError, TypeError):
            issues.append(Issue(row, header, f"日期无效：{cell_text(value)}"))
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
    return cell_text(value)


def read(path: Path) -> tuple[list[ParsedRow], list[Issue], list[str]]:
    """Parse and check every row; nothing is written."""
    check_container(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UserError(f"{Path(path).name} 无法读取，文件可能已损坏（{exc}）。") from exc
    except Exception as exc:  # noqa: BLE001 - malformed XML and the like: one clear message, no traceback
        raise UserError(f"{Path(path).name} 的内容不是有效的 Excel 工作簿（{type(exc).__name__}）。") from exc
    try:
        if SHEET not in wb.sheetnames:
            raise UserError(f"{Path(path).name} 中没有名为“{SHEET}”的工作表（现有：{'、'.join(wb.sheetnames)}）。")
        ws = wb[SHEET]
        rows = ws.iter_rows()
        try:
            header_cells = next(rows)
        except StopIteration:
            raise UserError(f"“{SHEET}”工作表是空的。") from None
        issues: list[Issue] = []
        warnings: list[str] = []
        positions: dict[str, int] = {}
        for index, cell in enumerate(header_cells):
            title = cell_text(cell.value)
            if not title:
                continue
            if title in positions:
                issues.append(Issue(1, title, "表头重复"))
            elif title in INDEX:
                if not COLUMNS[INDEX[title]].export_only:
                    positions[title] = index
            else:
                warnings.append(f"未知的列“{title}”已忽略")
        for title in REQUIRED_HEADERS:
            if title not in positions:
                issues.append(Issue(1, title, "缺少必需的列"))
        if issues:
            return [], issues, warnings
        parsed: list[ParsedRow] = []
        for row_number, cells in enumerate(rows, start=2):
            if row_number - 1 > MAX_ROWS:
                raise UserError(f"台账超过 {MAX_ROWS} 行，请分批导入。")
            values: dict[str, object] = {}
            empty = True
            for title, index in positions.items():
                cell = cells[index] if index < len(cells) else None
                if cell is None or cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                    values[title] = None
                    continue
                empty = False
                values[title] = _parse_cell(title, cell, row_number, issues)
            if not empty:
                parsed.append(ParsedRow(row_number, values))
    finally:
        wb.close()
    _check_rows(parsed, issues)
    return parsed, issues, warnings


def _check_rows(parsed: list[ParsedRow], issues: list[Issue]) -> None:
    seen: dict[str, int] = {}
    numbers = [r.values.get("编号") for r in parsed if r.values.get("编号")]
    existing = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        existing.update(c for (c,) in Record.select(Record.case_no).where(Record.case_no.in_(chunk)).tuples())
    now = datetime.now()
    for item in parsed:
        v, row = item.values, item.row

        def need(header: str, why: str, values: dict = v, row: int = row) -> None:
            if not values.get(header):
                issues.append(Issue(row, header, why))

        case_no = v.get("编号")
        if case_no:
            if case_no in seen:
                issues.append(Issue(row, "编号", f"与第 {seen[case_no]} 行的编号 {case_no} 重复"))
            elif case_no in existing:
                issues.append(Issue(row, "编号", f"编号 {case_no} 已存在于本站台账中，不会覆盖"))
            seen[case_no] = row
        kind, state = v.get("类型"), v.get("办理状态")
        for header, allowed in (("类型", domain.KINDS), ("来源", domain.SOURCES), ("受理决定", domain.DECISIONS),
                                ("满意度", domain.SATISFACTION), ("群体性", ("是", "否")),
                                ("商品服务大类", domain.CATEGORIES), ("问题性质", domain.NATURES)):
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
        if kind == "投诉":
            for header in ("消费者姓名", "联系电话", "被投诉方", "商品服务大类", "问题性质"):
                need(header, "投诉必填")
        if kind == "举报":
            need("被投诉方", "举报必填（被举报方）")
        id_number = v.get("证件号码")
        if id_number and validation.looks_like_resident_id(id_number):
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
        if v.get("受理决定") == "不予受理":
            need("不予受理理由", "不予受理时必填")
        if kind in domain.CLOSING_STATES and state in domain.CLOSING_STATES[kind]:
            need("办结时间", f"状态为“{state}”（办结）时必填")
        if state == "已移交":
            need("移交单位", "状态为已移交时必填")
            need("移交时间", "状态为已移交时必填")
        if isinstance(received, datetime):
            for header in ("受理决定时间", "办结时间"):
                later = v.get(header)
                if isinstance(later, datetime) and later < received:
                    issues.append(Issue(row, header, "不能早于登记时间"))


def import_ledger(path: Path, *, dry_run: bool = False, actor: Actor | None = None) -> ImportReport:
    """Check every row, then import all of them in one transaction, or none."""
    auth.require(actor, "import_ledger")
    parsed, issues, warnings = read(path)
    report = ImportReport(rows=len(parsed), errors=issues, warnings=warnings, dry_run=dry_run)
    if issues or dry_run or not parsed:
        return report
    report.created = apply(parsed, source_name=Path(path).name, actor=actor)
    return report


def apply(parsed: list[ParsedRow], *, source_name: str, actor: Actor | None = None) -> int:
    """Write rows that ``read`` found free of errors; one transaction. Returns how many were created."""
    auth.require(actor, "import_ledger")
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
        book = deadlines.RuleBook()
        for item in parsed:
            v = item.values
            case_no = v.get("编号") or next(fresh[v["登记时间"].year])
            handler = v.get("经办人")
            if handler and handler not in staff:
                staff[handler] = Staff.create(name=handler, role="工作人员/和解员").id
            respondent = v.get("被投诉方")
            if respondent and respondent not in businesses:
                businesses[respondent] = Business.create(name=respondent, initials=initials(respondent)).id
            record = Record(
                case_no=case_no, kind=v["类型"], source=v["来源"], received_at=v["登记时间"], state=v["办理状态"],
                complainant_name=v.get("消费者姓名") or None, phone=v.get("联系电话") or None,
                id_type="居民身份证" if validation.looks_like_resident_id(v.get("证件号码")) else
                ("其他" if v.get("证件号码") else None), id_number=v.get("证件号码") or None,
                address=v.get("联系地址") or None, respondent=businesses.get(respondent) if respondent else None,
                respondent_name=respondent or None, category=v.get("商品服务大类") or None,
                category_group=domain.category_group(v.get("商品服务大类")), item=v.get("商品服务名称") or None,
                nature=v.get("问题性质") or None, purchase_date=v.get("购买日期"), amount=v.get("涉及金额"),
                facts=v.get("事实与理由") or None, demands=v.get("诉求") or None,
                decision=v.get("受理决定") or None, decided_at=v.get("受理决定时间"),
                rejection_ground=v.get("不予受理理由") or None, settlement=v.get("和解内容") or None,
                recovered_amount=v.get("挽回经济损失"), punitive_amount=v.get("加倍赔偿金额"),
                closed_at=v.get("办结时间"), handler=staff.get(handler) if handler else None,
                external_no=v.get("转办编号") or None, satisfaction=v.get("满意度") or None,
                is_group=v.get("群体性") == "是", remark=v.get("备注") or None,
            )
            intake.update_search_text(record)
            deadlines.refresh(record, book)
            record.save(force_insert=True)
            intake.add_event(record, "导入", actor, to_state=record.state, detail={"文件": source_name, "行": item.row})
            if record.state == "已移交":
                Referral.create(record=record, number=f"YJ-{case_no}", body_name=v["移交单位"],
                                reason="和解不成" if record.kind == "投诉" else "涉嫌违法线索",
                                referred_at=v["移交时间"])
            created += 1
        audit.append("ledger.import", actor=name_of(actor), detail={"文件": source_name, "条数": created})
    return created


def write_issues(issues: list[Issue], dest: Path) -> Path:
    """The error list as a workbook the clerk can open beside the ledger and fix row by row."""
    from weiquan_desktop.services.session import check_output_path

    check_output_path(Path(dest))
    wb = Workbook()
    ws = wb.active
    ws.title = "导入错误"
    ws.append(["行号", "列", "问题"])
    for issue in issues:
        ws.append([issue.row, issue.column, issue.message])
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 80
    with atomic_write(Path(dest)) as tmp:
        wb.save(tmp)
    return Path(dest)
