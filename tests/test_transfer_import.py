"""A bureau's spreadsheet of transferred cases with its own column names."""

from datetime import date

import openpyxl
import pytest

from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import Record
from weiquan_desktop.services import demo, station, transfer_import

HEADERS = [
    "序号",
    "工单编号",
    "受理时间",
    "投诉人",
    "手机",
    "被投诉单位",
    "商品名称",
    "投诉类别",
    "问题类别",
    "涉案金额",
    "投诉内容",
    "消费者诉求",
    "承办人",
]


def _row(n, phone="13812345678", **changes):
    row = {
        "序号": n,
        "工单编号": f"ODR2026110{n:04d}",
        "受理时间": "2026-11-20 09:30",
        "投诉人": "张三",
        "手机": phone,
        "被投诉单位": "麦当劳",
        "商品名称": "汉堡",
        "投诉类别": "食品类",
        "问题类别": "质量",
        "涉案金额": 35.5,
        "投诉内容": "汉堡内有异物。",
        "消费者诉求": "退款，赔偿",
        "承办人": "某所",
    }
    row.update(changes)
    return row


def _book(tmp_path, rows, headers=HEADERS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    path = tmp_path / "转办.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def station_db(db):
    station.save_profile(demo.DEMO_PROFILE)
    return db


def test_headers_are_matched_by_synonyms(station_db, tmp_path):
    sheet = transfer_import.read_sheet(_book(tmp_path, [_row(1)]))
    mapping = transfer_import.suggest_mapping(sheet.headers)
    assert mapping == {
        "external_no": "工单编号",
        "received_at": "受理时间",
        "complainant_name": "投诉人",
        "phone": "手机",
        "address": None,
        "respondent_name": "被投诉单位",
        "item": "商品名称",
        "category": "投诉类别",
        "nature": "问题类别",
        "amount": "涉案金额",
        "facts": "投诉内容",
        "demands": "消费者诉求",
        "external_due": None,
    }


def test_the_sheets_own_feedback_deadline_is_kept(station_db, tmp_path):
    book = _book(tmp_path, [_row(1, 反馈期限="2026-11-27"), _row(2, 反馈期限="")], [*HEADERS, "反馈期限"])
    sheet = transfer_import.read_sheet(book)
    mapping = transfer_import.suggest_mapping(sheet.headers)
    assert mapping["external_due"] == "反馈期限"
    checked = transfer_import.preview(sheet, mapping, source="上级交办")
    assert checked.errors == []
    assert transfer_import.apply(checked) == 2
    first = Record.get(Record.external_no == "ODR20261100001")
    assert (first.source, first.external_due) == ("上级交办", date(2026, 11, 27))
    assert Record.get(Record.external_no == "ODR20261100002").external_due is None  # the rule's date then


def test_a_bad_feedback_deadline_names_its_row_and_column(station_db, tmp_path):
    book = _book(tmp_path, [_row(1, 反馈期限="下周五")], [*HEADERS, "反馈期限"])
    sheet = transfer_import.read_sheet(book)
    checked = transfer_import.preview(sheet, transfer_import.suggest_mapping(sheet.headers))
    assert [(e.row, e.column) for e in checked.errors] == [(2, "反馈期限")]
    assert "日期格式" in checked.errors[0].message


def test_all_rows_import_as_12315_transfers(station_db, tmp_path):
    sheet = transfer_import.read_sheet(_book(tmp_path, [_row(1), _row(2, 投诉人="李四")]))
    checked = transfer_import.preview(sheet, transfer_import.suggest_mapping(sheet.headers))
    assert checked.errors == [] and len(checked.forms) == 2
    assert transfer_import.apply(checked) == 2
    saved = Record.get(Record.external_no == "ODR20261100002")
    assert (saved.source, saved.kind, saved.complainant_name, saved.demands) == (
        "12315转办",
        "投诉",
        "李四",
        "退款、赔偿",
    )
    assert saved.due_label in ("答复期限", "受理期限", "反馈期限") and saved.next_due is not None


def test_a_bad_row_stops_the_whole_import(station_db, tmp_path):
    sheet = transfer_import.read_sheet(
        _book(tmp_path, [_row(1), _row(2, phone="12345"), _row(3, 受理时间="昨天")])
    )
    checked = transfer_import.preview(sheet, transfer_import.suggest_mapping(sheet.headers))
    places = {(e.row, e.column) for e in checked.errors}
    assert (3, "手机") in places and (4, "受理时间") in places
    with pytest.raises(UserError, match="未导入任何记录"):
        transfer_import.apply(checked)
    assert Record.select().count() == 0


def test_manual_mapping_and_missing_columns(station_db, tmp_path):
    sheet = transfer_import.read_sheet(_book(tmp_path, [_row(1)]))
    mapping = transfer_import.suggest_mapping(sheet.headers)
    mapping["facts"] = None
    checked = transfer_import.preview(sheet, mapping)
    assert checked.errors and "事实与理由" in checked.errors[0].message
    mapping["facts"] = "投诉内容"
    mapping["item"] = "承办人"  # the clerk's choice is honoured
    checked = transfer_import.preview(sheet, mapping)
    assert not checked.errors and checked.forms[0][1].item == "某所"
    transfer_import.apply(checked)
    again = transfer_import.preview(sheet, transfer_import.suggest_mapping(sheet.headers))
    assert any("已登记过" in e.message for e in again.errors)


def test_mapping_dialog(qtbot, app, station_db, tmp_path):
    from weiquan_desktop.ui.transfer_dialog import TransferImportDialog

    dialog = TransferImportDialog(_book(tmp_path, [_row(1), _row(2, phone="999")]))
    qtbot.addWidget(dialog)
    assert dialog.combos["phone"].currentText() == "手机"
    dialog.check()
    assert not dialog.import_button.isEnabled() and dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "3" and dialog.table.item(0, 1).text() == "手机"
    good = TransferImportDialog(_book(tmp_path, [_row(5)]))
    qtbot.addWidget(good)
    good.check()
    assert good.import_button.isEnabled()
    good.accept()
    assert good.imported == 1 and Record.select().count() == 1
