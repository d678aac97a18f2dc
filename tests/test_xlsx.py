"""The ledger export's own workbook writer (weiquan_desktop.xlsx) against openpyxl, which wrote it before and
still writes the report workbook's ledger sheet: every cell read back equal, in value, type and look.

And the control character that made every export fail: a fact pasted from Word holds its line breaks as
vertical tabs, which openpyxl refused with a traceback (IllegalCharacterError)."""

import enum
import math
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from defusedxml import ElementTree
from helpers import pdf_text
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from test_ledger_roundtrip import PROFILE, _form, every_kind_of_case

from weiquan_desktop import xlsx
from weiquan_desktop.errors import UserError
from weiquan_desktop.services import exchange, intake, report_export, station, statistics
from weiquan_desktop.services.ledger_format import EVENTS_SHEET, NOTES_SHEET, SHEET
from weiquan_desktop.text import plain_text

NASTY = [
    '=HYPERLINK("http://x","点我")',
    "+86 139",
    "-5",
    "@SUM(A1)",
    "\t缩进",
    "\r\n回车开头",
    " 前后空格 ",
    "a & b < c > d ]]> \"引号\" '单引号'",
    "第一行\n第二行\r\n第三行",
    "𠮷野家 😀 喆",
    "Word的换行\x0b分页\x0c响铃\x07空\x00",
    "长" * 5000,
    "超" * 40000,  # beyond Excel's 32,767 characters a cell
]


def _look(cell) -> tuple:
    fill = cell.fill
    return (
        cell.number_format,
        bool(cell.font.b),
        fill.fill_type,
        fill.fgColor.rgb if fill.fill_type else None,
        cell.alignment.horizontal,
        cell.alignment.vertical,
        bool(cell.quotePrefix),
    )


def assert_same_sheet(ours, theirs) -> None:
    assert (ours.max_row, ours.max_column) == (theirs.max_row, theirs.max_column)
    assert ours.freeze_panes == theirs.freeze_panes
    assert ours.auto_filter.ref == theirs.auto_filter.ref
    widths = {k: d.width for k, d in theirs.column_dimensions.items() if d.customWidth}
    assert {k: d.width for k, d in ours.column_dimensions.items() if d.customWidth} == widths
    compared = 0
    for mine, reference in zip(ours.iter_rows(), theirs.iter_rows(), strict=True):
        for a, b in zip(mine, reference, strict=True):
            where = f"{theirs.title}!{b.coordinate}"
            assert type(a.value) is type(b.value) and a.value == b.value, (where, a.value, b.value)
            assert _look(a) == _look(b), (where, _look(a), _look(b))
            compared += a.value is not None
    assert compared > 0


def _reference_sheet(wb: Workbook, layout: xlsx.Layout, rows) -> None:
    """A sheet as openpyxl writes ``layout``: the report's ledger sheet does exactly this."""
    ws = exchange._openpyxl_sheet(wb, layout)
    for values in rows:
        out = []
        for i, value in enumerate(values):
            if isinstance(value, str) and value:
                value = exchange.keep_as_text(WriteOnlyCell(ws, value=plain_text(value)))
            elif (
                i in layout.column_formats
                and isinstance(value, (int, float, Decimal))
                and not isinstance(value, bool)
            ):
                value = WriteOnlyCell(ws, value=value)
                value.number_format = layout.column_formats[i]
            out.append(value)
        ws.append(out)
    if layout.auto_filter:
        ws.auto_filter.ref = f"A1:{xlsx.column_letter(len(layout.header))}{len(rows) + 1}"


def test_the_export_is_the_workbook_openpyxl_wrote(db, tmp_path):
    station.save_profile(PROFILE)
    every_kind_of_case()
    for i, text in enumerate(NASTY):
        intake.register(_form(facts=text, respondent_name=text[:60], remark=text, amount=f"{10 + i}.05"))
    ours = tmp_path / "ours.xlsx"
    for masked in (True, False):
        exchange.export_ledger(ours, masked=masked)  # a station without accounts: no one to ask
        reference = Workbook(write_only=True)
        rows, _estimated = exchange.write_ledger_sheet(reference, SHEET, exchange.ledger_rows(masked=masked))
        ids = [r.id for r in _ids()]
        _reference_sheet(reference, exchange.EVENTS_LAYOUT, list(exchange.event_rows(ids, masked)))
        reference.save(tmp_path / "reference.xlsx")
        mine, theirs = openpyxl.load_workbook(ours), openpyxl.load_workbook(tmp_path / "reference.xlsx")
        assert mine.sheetnames == [SHEET, EVENTS_SHEET, NOTES_SHEET]
        assert_same_sheet(mine[SHEET], theirs[SHEET])
        assert_same_sheet(mine[EVENTS_SHEET], theirs[EVENTS_SHEET])
        assert rows == mine[SHEET].max_row - 1 == len(ids) > len(NASTY)
        facts = [c.value for c in mine[SHEET]["O"]]
        assert "Word的换行\n分页\n响铃空" in facts
        assert mine[SHEET]["A2"].value and mine[NOTES_SHEET]["A1"].value == "站点名称"
        # Excel keeps the filter's range as a hidden defined name of the sheet too
        with zipfile.ZipFile(ours) as archive:
            workbook = archive.read("xl/workbook.xml").decode()
        assert f"'台账'!$A$1:$BO${rows + 1}</definedName>" in workbook
        _well_formed(ours)


def _ids():
    from weiquan_desktop.models.schema import Record

    return Record.select(Record.id).where(Record.deleted_at.is_null()).order_by(Record.received_at, Record.id)


def _well_formed(path) -> None:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert "[Content_Types].xml" in names and "xl/styles.xml" in names
        for name in names:
            ElementTree.fromstring(archive.read(name))


class Kind(enum.IntEnum):
    THREE = 3


class Word(enum.StrEnum):
    HELLO = "你好"


def test_every_value_reads_back_as_openpyxl_writes_it(tmp_path):
    values = [
        *NASTY,
        "",
        None,
        0,
        -1,
        2**53,
        1e-7,
        0.1 + 0.2,
        1.5e300,
        Decimal("123456789.12"),
        Decimal("-0.01"),
        True,
        False,
        date(1900, 1, 1),
        date(1900, 2, 28),
        date(1900, 3, 1),
        date(2026, 12, 2),
        datetime(2026, 12, 2, 23, 59, 59, 999999),
        datetime(1899, 12, 31, 6, 0),
        Kind.THREE,
        Word.HELLO,
    ]
    formats = {15: "General", 16: "0.00", 18: "0.0%"}  # built in, built in, the workbook's own
    layout = xlsx.Layout(
        "试验",
        [f"列{i}" for i in range(len(values))],
        (10,) * len(values),
        freeze="C3",
        column_formats=formats,
    )
    rows = [values, list(reversed(values)), [math.nan, math.inf, None, "x"]]
    with xlsx.StreamWorkbook(tmp_path / "ours.xlsx") as book:
        sheet = book.sheet(layout)
        for row in rows:
            sheet.append(row)
    reference = Workbook(write_only=True)
    _reference_sheet(
        reference,
        layout,
        [[v.value if isinstance(v, enum.Enum) else v for v in row] for row in rows[:2]]
        + [[None, None, None, "x"]],
    )
    reference.save(tmp_path / "reference.xlsx")
    ours = openpyxl.load_workbook(tmp_path / "ours.xlsx")["试验"]
    theirs = openpyxl.load_workbook(tmp_path / "reference.xlsx")["试验"]
    assert_same_sheet(ours, theirs)
    assert ours["A1"].value == "列0" and ours.freeze_panes == "C3"
    _well_formed(tmp_path / "ours.xlsx")
    with zipfile.ZipFile(tmp_path / "ours.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    # Excel trims a cell's outer spaces unless told to keep them (openpyxl's reader keeps them anyway)
    assert '<t xml:space="preserve"> 前后空格 </t>' in sheet and '<t xml:space="preserve">\t缩进</t>' in sheet


def test_the_writers_space_is_pythons():
    assert {chr(c) for c in range(0x110000) if chr(c).isspace()} == xlsx.SPACES


def test_what_a_sheet_cannot_hold_is_refused_before_anything_is_written(tmp_path):
    from datetime import UTC

    with pytest.raises(ValueError), xlsx.StreamWorkbook(tmp_path / "a.xlsx") as book:
        book.sheet(xlsx.Layout("台账/2026", ["x"]))
    with pytest.raises(TypeError), xlsx.StreamWorkbook(tmp_path / "b.xlsx") as book:
        book.sheet(xlsx.Layout("台账", ["x"])).append([datetime(2026, 1, 1, tzinfo=UTC)])
    with pytest.raises(TypeError), xlsx.StreamWorkbook(tmp_path / "c.xlsx") as book:
        book.sheet(xlsx.Layout("台账", ["x"])).append([object()])


def test_a_fact_pasted_from_word_no_longer_stops_every_export(db, tmp_path):
    """One record with Word's line break (vertical tab) in its facts and a bell in the respondent's name:
    the ledger export, the report workbook and its ledger sheet all failed with IllegalCharacterError.
    The intake now stores the line break as one; a record stored before (or imported) is cleaned on the way
    out."""
    from weiquan_desktop.models.schema import Record

    station.save_profile(PROFILE)
    pasted = intake.register(
        _form(facts="洗衣机漏水。\x0b要求退货。\x0c", received_at=datetime(2026, 11, 1, 9))
    )
    assert Record.get_by_id(pasted.id).facts == "洗衣机漏水。\n要求退货。"
    older = intake.register(_form(received_at=datetime(2026, 11, 2, 9)))
    Record.update(facts="第一行\x0b第二行", respondent_name="麦当\x07劳").where(
        Record.id == older.id
    ).execute()
    exchange.export_ledger(tmp_path / "台账.xlsx")
    ledger = openpyxl.load_workbook(tmp_path / "台账.xlsx")[SHEET]
    assert ledger["O2"].value == "洗衣机漏水。\n要求退货。"
    assert ledger["O3"].value == "第一行\n第二行" and ledger["I3"].value == "麦当劳"
    period = statistics.parse_period("2026Q4")
    report_export.to_xlsx(statistics.report(period), period, tmp_path / "报表.xlsx", made_by="李淑珍")
    book = openpyxl.load_workbook(tmp_path / "报表.xlsx")
    assert book["台账"]["O3"].value == "第一行\n第二行"
    assert any("麦当劳" in str(c.value) for row in book["分析"].iter_rows() for c in row)
    pdf = report_export.to_pdf(statistics.report(period), period, tmp_path / "报表.pdf", made_by="李淑珍")
    assert "为麦当劳（1件）" in pdf_text(pdf)  # drawn whole: the bell was a gap (pdftotext: a break)


def test_a_ledger_longer_than_an_excel_sheet_is_refused_and_nothing_is_written(
    demo_db, tmp_path, monkeypatch
):
    """Excel holds 1,048,576 rows a sheet; 办理记录 passes that at about half a million cases (a bureau's
    combined ledger), and Excel then "repaired" the workbook by dropping the rest. The limit is lowered here,
    the export runs for real."""
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"last quarter's file")
    monkeypatch.setattr(xlsx, "MAX_ROWS", 200)
    with pytest.raises(UserError, match="“台账”超过 Excel 一张表最多 200 行的上限，未写入任何文件"):
        exchange.export_ledger(target)
    assert target.read_bytes() == b"last quarter's file"
    monkeypatch.setattr(xlsx, "MAX_ROWS", 302)  # the 300 cases fit, their 办理记录 do not
    with pytest.raises(UserError, match="“办理记录”超过"):
        exchange.export_ledger(target)
    assert target.read_bytes() == b"last quarter's file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["台账.xlsx"]
    monkeypatch.setattr(xlsx, "MAX_ROWS", 200)
    # the report workbook's ledger sheet (openpyxl) keeps the limit too
    with pytest.raises(xlsx.TooManyRows), exchange.closing_streams(Workbook(write_only=True)) as book:
        exchange.write_ledger_sheet(book, SHEET, exchange.ledger_rows())


def test_what_xml_cannot_hold_never_reaches_the_file(db, tmp_path):
    """U+FFFE made the sheet unreadable (Excel would drop its contents) and a Decimal NaN became <v>nan</v>;
    a control character before "=" hid the formula from the quote-prefix rule; and a sheet small enough
    needs no zip64 header. (Half a surrogate pair cannot be stored at all: the intake drops it too.)"""
    from weiquan_desktop.models.schema import Record

    station.save_profile(PROFILE)
    older = intake.register(_form())
    Record.update(facts="坏\ufffe字符尾", remark="\x01=1+1").where(Record.id == older.id).execute()
    exchange.export_ledger(tmp_path / "台账.xlsx")
    _well_formed(tmp_path / "台账.xlsx")
    ledger = openpyxl.load_workbook(tmp_path / "台账.xlsx")[SHEET]
    assert ledger["O2"].value == "坏字符尾"
    remark = ledger["AE2"]
    assert remark.value == "=1+1" and remark.data_type == "s" and remark.quotePrefix
    with zipfile.ZipFile(tmp_path / "台账.xlsx") as archive:
        assert all(info.extract_version < 45 for info in archive.infolist())  # 4.5: zip64
    with xlsx.StreamWorkbook(tmp_path / "nan.xlsx") as book:
        book.sheet(xlsx.Layout("x", ["a", "b"])).append([Decimal("NaN"), Decimal("Infinity")])
    _well_formed(tmp_path / "nan.xlsx")
    assert openpyxl.load_workbook(tmp_path / "nan.xlsx")["x"]["A2"].value is None
