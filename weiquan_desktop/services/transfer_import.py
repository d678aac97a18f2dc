"""Import of a bureau's spreadsheet of transferred cases (转办) whose columns differ from ours.

Columns are matched by header synonyms first; the clerk confirms or corrects the mapping; every row is
checked with the intake rules; then all rows are registered in one transaction, or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from weiquan_desktop import domain
from weiquan_desktop.domain import Kind, Source
from weiquan_desktop.errors import UserError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Record
from weiquan_desktop.services import intake
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.services.ledger_import import (
    Issue,
    cell_text,
    check_container,
    hidden_parts,
    parse_datetime,
)

# our field -> (label, header synonyms seen in bureaus' exports, required)
FIELDS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "external_no": (
        "转办编号",
        ("转办编号", "工单编号", "工单号", "投诉编号", "案件编号", "登记编号", "ODR编号", "编号"),
        True,
    ),
    "received_at": (
        "登记时间",
        ("登记时间", "受理时间", "转办时间", "来件时间", "投诉时间", "收到时间", "登记日期"),
        True,
    ),
    "complainant_name": (
        "消费者姓名",
        ("消费者姓名", "投诉人姓名", "投诉人", "消费者", "姓名", "申诉人"),
        True,
    ),
    "phone": ("联系电话", ("联系电话", "投诉人电话", "手机号码", "手机", "电话", "联系方式"), True),
    "address": ("联系地址", ("联系地址", "投诉人地址", "地址"), False),
    "respondent_name": (
        "被投诉方",
        ("被投诉方", "被投诉单位", "被投诉人", "被诉方", "被投诉企业", "经营者", "商家"),
        True,
    ),
    "item": ("商品服务名称", ("商品服务名称", "商品名称", "服务名称", "商品或服务", "涉及商品"), False),
    "category": ("商品服务大类", ("商品服务大类", "商品服务类别", "投诉类别", "类别", "分类"), True),
    "nature": ("问题性质", ("问题性质", "投诉性质", "性质", "问题类别"), True),
    "amount": ("涉及金额", ("涉及金额", "涉案金额", "金额", "标的金额"), False),
    "facts": ("事实与理由", ("事实与理由", "投诉内容", "问题描述", "事实经过", "诉求内容", "内容"), True),
    "demands": ("诉求", ("诉求", "投诉诉求", "消费者诉求", "要求"), True),
    "external_due": (
        "反馈期限",
        ("反馈期限", "办理期限", "处理期限", "办结期限", "反馈截止日期", "截止日期"),
        False,
    ),
}
NOT_IMPORTED = "（不导入）"


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[object]]]


@dataclass
class Preview:
    forms: list[tuple[int, intake.IntakeForm]] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)


def read_sheet(path: Path) -> Sheet:
    check_container(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - damaged workbooks: one message, no traceback
        raise UserError(f"{Path(path).name} 无法读取，文件可能已损坏（{type(exc).__name__}）。") from exc
    try:
        visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise UserError(f"{Path(path).name} 中没有可见的工作表。")
        ws = visible[0]  # the sheet a person sees first, never a hidden one
        try:
            _hidden, hidden_rows, hidden_columns = hidden_parts(Path(path), ws.title)
        except Exception:  # noqa: BLE001 - openpyxl reads the same XML below and says what is wrong with it
            hidden_rows, hidden_columns = [], []
        if hidden_rows or hidden_columns:
            where = (f"第 {'、'.join(map(str, hidden_rows[:10]))} 行" if hidden_rows else "") + (
                f"{'、'.join(hidden_columns[:10])} 列" if hidden_columns else ""
            )
            raise UserError(
                f"{Path(path).name}“{ws.title}”中{where}被隐藏了：请取消隐藏、核对后再导入。没有导入任何记录。"
            )
        ws.reset_dimensions()  # a stale <dimension> must not drop the rows below it
        rows = ws.iter_rows()
        headers = [cell_text(c.value) for c in next(rows, ())]
        body = []
        for number, cells in enumerate(rows, start=2):
            formulas = [c for c in cells if getattr(c, "data_type", None) == "f"]
            if formulas:  # a formula's cached value is what some other program last computed, not data
                column = headers[formulas[0].column - 1] if formulas[0].column - 1 < len(headers) else ""
                raise UserError(
                    f"{Path(path).name}“{ws.title}”第 {number} 行{('“' + column + '”列') if column else ''}"
                    "是公式，请把公式改为数值或文字后再导入。没有导入任何记录。"
                )
            values = [c.value for c in cells]
            if any(v not in (None, "") for v in values):
                body.append((number, values))
    finally:
        wb.close()
    if not any(headers):
        raise UserError(f"{Path(path).name} 的第一行没有表头。")
    return Sheet(headers, body)


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """Our field -> the file's header, by the first synonym found (exact match, then containment)."""
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for key, (_label, synonyms, _required) in FIELDS.items():
        found = next((h for s in synonyms for h in headers if h == s and h not in used), None)
        if found is None:
            found = next((h for s in synonyms for h in headers if h and s in h and h not in used), None)
        mapping[key] = found
        if found:
            used.add(found)
    return mapping


def preview(sheet: Sheet, mapping: dict[str, str | None], source: str = Source.CENTER_12315) -> Preview:
    """Every row checked with the intake rules; errors name the row and the file's column."""
    if source not in domain.TRANSFER_SOURCES:
        raise UserError(f"来源应为：{'、'.join(domain.TRANSFER_SOURCES)}。")
    result = Preview()
    missing = [FIELDS[k][0] for k, (_l, _s, required) in FIELDS.items() if required and not mapping.get(k)]
    if missing:
        result.errors.append(Issue(1, "", f"以下项目还没有对应的列：{'、'.join(missing)}"))
        return result
    index = {h: i for i, h in enumerate(sheet.headers)}
    column_of = {FIELDS[k][0]: h for k, h in mapping.items() if h}
    seen: dict[str, int] = {}
    for number, values in sheet.rows:

        def value(key: str, values: list[object] = values) -> object:
            header = mapping.get(key)
            position = index.get(header) if header else None
            return values[position] if position is not None and position < len(values) else None

        try:
            received = parse_datetime(value("received_at"))
        except (ValueError, OverflowError, TypeError):
            result.errors.append(
                Issue(
                    number, mapping["received_at"] or "", f"日期格式不对：{cell_text(value('received_at'))}"
                )
            )
            continue
        try:
            due_value = parse_datetime(value("external_due")) if mapping.get("external_due") else None
        except (ValueError, OverflowError, TypeError):
            result.errors.append(
                Issue(
                    number, mapping["external_due"] or "", f"日期格式不对：{cell_text(value('external_due'))}"
                )
            )
            continue
        demands = [
            d.strip()
            for d in cell_text(value("demands")).replace("，", "、").replace(",", "、").split("、")
            if d.strip()
        ]
        form = intake.IntakeForm(
            kind=Kind.COMPLAINT,
            source=source,
            received_at=received,
            complainant_name=cell_text(value("complainant_name")),
            phone=cell_text(value("phone")),
            id_type="居民身份证",
            address=cell_text(value("address")),
            respondent_name=cell_text(value("respondent_name")),
            item=cell_text(value("item")),
            category=cell_text(value("category")),
            nature=cell_text(value("nature")),
            amount=cell_text(value("amount")),
            facts=cell_text(value("facts")),
            demands=demands,
            external_no=cell_text(value("external_no")),
            external_due=due_value.date() if due_value else None,
        )
        _clean, problems = intake.check(form)
        if received is None:
            problems = [p for p in problems if p.field != "登记时间"]
            result.errors.append(Issue(number, mapping["received_at"] or "", "必填"))
        for problem in problems:
            result.errors.append(
                Issue(number, column_of.get(problem.field or "", problem.field or ""), problem.message)
            )
        number_text = form.external_no
        if number_text in seen:
            result.errors.append(
                Issue(number, mapping["external_no"] or "", f"与第 {seen[number_text]} 行的转办编号重复")
            )
        elif number_text and Record.select().where(Record.external_no == number_text).exists():
            result.errors.append(
                Issue(number, mapping["external_no"] or "", f"转办编号 {number_text} 已登记过")
            )
        seen[number_text] = number
        result.forms.append((number, form))
    return result


def apply(checked: Preview, actor: Actor | None = None) -> int:
    if checked.errors:
        raise UserError("转办表中还有错误，未导入任何记录。")
    with write_transaction():
        for _number, form in checked.forms:
            intake.register(form, actor)
    return len(checked.forms)
