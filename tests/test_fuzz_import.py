"""Malformed and random workbooks fed to every importer: a clear message or a clean import, never a traceback
and never part of a file."""

import io
import zipfile
from datetime import datetime

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import AuditLog, Record
from weiquan_desktop.services import ledger_import, transfer_import
from weiquan_desktop.services.ledger_format import HEADERS

cells = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(
        [
            "投诉",
            "咨询",
            "举报",
            "建议",
            "来访",
            "12315转办",
            "待受理",
            "已和解",
            "受理",
            "食品类",
            "质量",
            "=1+1",
            "2026-13-40",
            "¥1,2.3",
            "是",
            "否",
            "13812345678",
        ]
    ),
)
header_sets = st.one_of(
    st.just(list(HEADERS[:31])),
    st.lists(st.sampled_from(list(HEADERS) + ["工单编号", "投诉人", "X"]), min_size=1, max_size=12),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _workbook(tmp_path, headers, rows, name):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def _state():
    return Record.select().count(), AuditLog.select().count()


@FUZZ
@given(headers=header_sets, rows=st.lists(st.lists(cells, max_size=34), max_size=6))
def test_random_ledgers(demo_db, tmp_path, headers, rows):
    before = _state()
    path = _workbook(tmp_path, headers, rows, "fuzz-ledger.xlsx")
    try:
        report = ledger_import.import_ledger(path)
    except UserError:
        assert _state() == before
        return
    if report.errors:
        assert _state() == before
        assert all(e.row >= 1 and e.message for e in report.errors)
    else:
        assert _state()[0] == before[0] + report.created


@FUZZ
@given(headers=header_sets, rows=st.lists(st.lists(cells, max_size=14), max_size=6))
def test_random_transfer_sheets(demo_db, tmp_path, headers, rows):
    before = _state()
    path = _workbook(tmp_path, headers, rows, "fuzz-transfer.xlsx")
    try:
        sheet = transfer_import.read_sheet(path)
        checked = transfer_import.preview(sheet, transfer_import.suggest_mapping(sheet.headers))
        if checked.errors:
            assert _state() == before
        else:
            assert transfer_import.apply(checked) == len(checked.forms)
    except UserError:
        assert _state() == before


@FUZZ
@given(
    blob=st.binary(max_size=4000),
    as_zip=st.booleans(),
    member=st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml", "junk"]),
)
def test_random_bytes_and_broken_zips(demo_db, tmp_path, blob, as_zip, member):
    before = _state()
    path = tmp_path / "garbage.xlsx"
    if as_zip:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr(member, blob)
            if member != "xl/workbook.xml":
                z.writestr("xl/workbook.xml", blob[:100])
        path.write_bytes(buffer.getvalue())
    else:
        path.write_bytes(blob)
    for importer in (lambda: ledger_import.import_ledger(path), lambda: transfer_import.read_sheet(path)):
        try:
            importer()
        except UserError as exc:
            assert str(exc)
    assert _state() == before
