"""The ledger workbook (spec/ledger.md): export, round trip, and refusal of bad workbooks."""

import os
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from helpers import fill_disk, run_cli, tiny_disk

from weiquan_desktop.errors import UserError
from weiquan_desktop.models import close_database, open_database
from weiquan_desktop.models.schema import AuditLog, Record
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import demo, duties, exchange, intake, ledger_import, station
from weiquan_desktop.services.ledger_format import HEADERS


def _rows(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["台账"].iter_rows(values_only=True))
    wb.close()
    return rows


def _snapshot(db):
    return (
        Record.select().count(),
        AuditLog.select().count(),
        sorted(c for (c,) in Record.select(Record.case_no).tuples()),
    )


def test_export_layout_masking_and_deadlines(demo_db, tmp_path):
    out = exchange.export_ledger(tmp_path / "台账.xlsx")
    assert out.masked and out.rows == Record.select().count()
    wb = openpyxl.load_workbook(out.path)
    ws = wb["台账"]
    assert tuple(c.value for c in ws[1]) == HEADERS
    assert ws.freeze_panes == "B2"
    assert "说明" in wb.sheetnames
    notes = [r for r in wb["说明"].iter_rows(values_only=True)]
    assert ("站点编码", "WXH01") in [tuple(r[:2]) for r in notes]
    assert any(r[0] == "个人信息" and "去标识化" in r[1] for r in notes)
    complaint = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "投诉" and r[5].value)
    assert "****" in complaint[5].value  # phone masked
    assert complaint[4].value.endswith("*")
    assert isinstance(complaint[3].value, datetime) and complaint[3].number_format.startswith("yyyy-mm-dd h")
    assert isinstance(complaint[31].value, datetime)  # 受理期限 as a real date
    record = Record.get(Record.case_no == complaint[0].value)
    assert (
        complaint[31].value.date()
        == exchange.deadlines.RuleBook().due("decision", record.received_at.date()).due
    )


def test_text_never_becomes_a_formula(db, tmp_path):
    station.save_profile(demo.DEMO_PROFILE)
    intake.register(
        intake.IntakeForm(
            kind="建议", source="来访", facts='=HYPERLINK("http://x","点我")', complainant_name="+86 某人"
        )
    )
    out = exchange.export_ledger(tmp_path / "x.xlsx", masked=False).path
    ws = openpyxl.load_workbook(out)["台账"]
    facts, name = ws.cell(2, 15), ws.cell(2, 5)
    assert facts.data_type == "s" and facts.value.startswith("=HYPERLINK")
    assert name.value == "+86 某人"
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


@pytest.mark.sqlite_only
def test_round_trip_into_an_empty_data_folder_reproduces_every_field(demo_db, tmp_path):
    first = exchange.export_ledger(tmp_path / "a.xlsx", masked=False).path
    close_database()
    empty = DataDir(tmp_path / "empty").ensure()
    open_database(empty)
    station.save_profile(demo.DEMO_PROFILE)
    report = ledger_import.import_ledger(first)
    assert report.ok and report.created == 300
    second = exchange.export_ledger(tmp_path / "b.xlsx", masked=False).path
    assert _rows(first) == _rows(second)
    # imported complaints still drive the deadlines of the register
    open_ones = Record.select().where(Record.state.in_(("待受理", "调解中")))
    assert all(r.next_due is not None for r in open_ones)


def _workbook(tmp_path, rows, headers=HEADERS[:31], name="bad.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def _good_row(**changes):
    values = dict.fromkeys(HEADERS[:31])
    values.update(
        {
            "类型": "投诉",
            "来源": "来访",
            "登记时间": "2026-05-06 10:00",
            "消费者姓名": "张三",
            "联系电话": "13812345678",
            "证件号码": "11010519491231002X",
            "被投诉方": "麦当劳",
            "商品服务大类": "食品类",
            "问题性质": "质量",
            "办理状态": "待受理",
            "涉及金额": "¥1,234.50",
            "诉求": "退款、赔偿",
        }
    )
    values.update(changes)
    return [values[h] for h in HEADERS[:31]]


def test_a_good_row_imports(demo_db, tmp_path):
    path = _workbook(tmp_path, [_good_row()])
    assert ledger_import.import_ledger(path, dry_run=True).ok
    assert Record.select().count() == 300
    report = ledger_import.import_ledger(path)
    assert report.created == 1
    saved = Record.select().order_by(Record.id.desc()).get()
    assert saved.case_no.startswith("WXH01-2026-") and str(saved.amount) == "1234.50"
    # no contact recorded yet: the 24-hour reply is due first; the decision 7 working days on (Saturday 05-09
    # is a make-up day)
    assert (saved.next_due, saved.due_label) == (date(2026, 5, 7), "答复期限")
    assert {d.code: d.due for d in duties.for_record(saved)}["decision"] == date(2026, 5, 14)


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (_good_row(登记时间="2026/13/45"), "登记时间", "日期格式不对"),
        (_good_row(证件号码="110105194912310021"), "证件号码", "校验位不对"),
        (_good_row(办理状态="已和解"), "办结时间", "必填"),
        (_good_row(类型="投诉", 办理状态="已解答"), "办理状态", "投诉的状态应为"),
        (_good_row(涉及金额="12.345"), "涉及金额", "两位小数"),
        (_good_row(商品服务大类="电器"), "商品服务大类", "不是可用的值"),
        (_good_row(消费者姓名=None), "消费者姓名", "投诉必填"),
    ],
)
def test_bad_cells_are_reported_by_row_and_column_and_nothing_is_imported(
    demo_db, tmp_path, row, column, words
):
    before = _snapshot(demo_db)
    path = _workbook(tmp_path, [_good_row(), row, _good_row()])
    report = ledger_import.import_ledger(path)
    assert not report.ok
    assert any(e.row == 3 and e.column == column and words in e.message for e in report.errors), report.errors
    assert _snapshot(demo_db) == before


def test_formula_text_is_refused(demo_db, tmp_path):
    before = _snapshot(demo_db)
    path = _workbook(tmp_path, [_good_row(事实与理由="=1+2")])
    report = ledger_import.import_ledger(path)
    assert [(e.row, e.column) for e in report.errors] == [(2, "事实与理由")]
    assert "公式" in report.errors[0].message
    assert _snapshot(demo_db) == before


def test_duplicate_numbers_in_the_file_and_in_the_database(demo_db, tmp_path):
    before = _snapshot(demo_db)
    existing = Record.select().first().case_no
    path = _workbook(
        tmp_path, [_good_row(编号="X-2026-00001"), _good_row(编号="X-2026-00001"), _good_row(编号=existing)]
    )
    report = ledger_import.import_ledger(path)
    messages = {(e.row, e.message) for e in report.errors}
    assert (3, "与第 2 行的编号 X-2026-00001 重复") in messages
    assert any(row == 4 and "已存在" in msg and "不会覆盖" in msg for row, msg in messages)
    assert _snapshot(demo_db) == before


def test_missing_columns(demo_db, tmp_path):
    headers = [h for h in HEADERS[:31] if h not in ("登记时间", "办理状态")]
    path = _workbook(tmp_path, [], headers=headers)
    report = ledger_import.import_ledger(path)
    assert {(e.row, e.column, e.message) for e in report.errors} == {
        (1, "登记时间", "缺少必需的列"),
        (1, "办理状态", "缺少必需的列"),
    }


def test_unknown_columns_are_a_warning(demo_db, tmp_path):
    path = _workbook(tmp_path, [_good_row() + ["备用"]], headers=[*HEADERS[:31], "旧系统ID"])
    report = ledger_import.import_ledger(path, dry_run=True)
    assert report.ok and any("旧系统ID" in w for w in report.warnings)


def test_not_a_zip_foreign_and_zip_bomb_files(demo_db, tmp_path):
    before = _snapshot(demo_db)
    text = tmp_path / "台账.xlsx"
    text.write_text("编号,类型\n", encoding="utf-8")
    with pytest.raises(UserError, match="不是有效的 .xlsx"):
        ledger_import.import_ledger(text)
    ole = tmp_path / "old.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    with pytest.raises(UserError, match="密码"):
        ledger_import.import_ledger(ole)
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(UserError, match="不是 Excel 工作簿"):
        ledger_import.import_ledger(other)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(UserError, match="压缩炸弹"):
        ledger_import.import_ledger(bomb)
    wrong_sheet = tmp_path / "sheet.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(wrong_sheet)
    with pytest.raises(UserError, match="没有名为“台账”的工作表"):
        ledger_import.import_ledger(wrong_sheet)
    assert _snapshot(demo_db) == before


def test_export_never_leaves_a_truncated_file(demo_db, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    target = usb / "ledger.xlsx"
    target.write_bytes(b"the good file from last quarter")
    calls = []

    def cancel(done, total):
        calls.append(done)
        return False

    exchange_rows = 2500
    demo.generate(exchange_rows - 300, seed=9)
    with pytest.raises(UserError, match="已取消"):
        exchange.export_ledger(target, progress=cancel)
    assert calls
    assert target.read_bytes() == b"the good file from last quarter"
    assert [p.name for p in usb.iterdir()] == ["ledger.xlsx"]


def test_cli_export_and_import(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    assert run_cli("demo", "--data-dir", str(src), "--records", "50").returncode == 0
    out = tmp_path / "台账.xlsx"
    result = run_cli("export-ledger", str(out), "--data-dir", str(src), "--from", "2025-01-01", "--unmasked")
    assert result.returncode == 0, result.stderr
    assert run_cli("demo", "--data-dir", str(dst), "--records", "0").returncode == 0
    dry = run_cli("import-ledger", str(out), "--dry-run", "--data-dir", str(dst))
    assert dry.returncode == 0 and "检查通过" in dry.stdout
    done = run_cli("import-ledger", str(out), "--data-dir", str(dst))
    assert done.returncode == 0 and "已导入 50 条" in done.stdout
    again = run_cli("import-ledger", str(out), "--data-dir", str(dst))
    assert again.returncode == 1 and "已存在" in again.stderr and "Traceback" not in again.stderr
    assert run_cli("export-ledger", str(out), "--from", "2025-13-01", "--data-dir", str(dst)).returncode == 2


def test_export_write_failures_leave_the_old_file(demo_db, tmp_path):
    """A real small USB stick: full in the middle of the workbook, then read-only, then pulled out."""
    with tiny_disk(tmp_path / "usb", "1m") as usb:
        target = usb / "ledger.xlsx"
        target.write_bytes(b"last quarter's good file")
        exchange.export_ledger(usb / "fits.xlsx")  # the export fits on an empty stick...
        size = (usb / "fits.xlsx").stat().st_size
        (usb / "fits.xlsx").unlink()
        filler = fill_disk(usb)
        os.truncate(filler, filler.stat().st_size - size // 2)  # ...half of it fits now
        with pytest.raises(UserError, match="磁盘空间不足"):
            exchange.export_ledger(target)
        assert target.read_bytes() == b"last quarter's good file"
        assert sorted(p.name for p in usb.iterdir()) == ["filler", "ledger.xlsx"]
        filler.unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(usb)], check=True)
        with pytest.raises(UserError, match="没有写入权限"):
            exchange.export_ledger(target)
        assert target.read_bytes() == b"last quarter's good file"
    with pytest.raises(UserError, match="U盘"):
        exchange.export_ledger(tmp_path / "stick-pulled" / "ledger.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["usb"]
