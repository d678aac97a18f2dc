"""What the bureau does with the stations' reports: signed workbooks from the command line, frozen snapshots,
the half-year summary, and many stations' ledgers added up without touching any of them."""

import json
from dataclasses import replace
from datetime import date, datetime

import openpyxl
import pytest
from helpers import pdf_text, run_cli

from weiquan_desktop.models import close_database, open_database
from weiquan_desktop.models.schema import AuditLog, Record
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import combined, demo, exchange, intake, mediation, station, statistics, summary
from weiquan_desktop.services.mediation import TermInput

PASSWORD = "Weiquan#2026"


def _station_with_cases(root, code, name, cases):
    """A station of its own (its own folder and code) with hand-made complaints; its ledger and own report."""
    open_database(DataDir(root).ensure())
    station.save_profile(replace(demo.DEMO_PROFILE, name=name, code=code))
    for received, respondent, source, external, settle in cases:
        record = intake.register(
            intake.IntakeForm(
                kind="投诉",
                source=source,
                received_at=received,
                complainant_name="张三",
                phone="13812345678",
                respondent_name=respondent,
                category="食品类",
                nature="质量",
                facts="异物",
                demands=["退款"],
                external_no=external,
            )
        )
        intake.decide(record.id, "受理", at=received.replace(hour=15))
        if settle:
            mediation.settle(
                record.id, [TermInput("退款", "退款", settle)], at=received.replace(day=received.day + 1)
            )
    ledger = exchange.export_ledger(root.parent / f"{code}.xlsx", masked=True).path
    own = statistics.report("2026Q3")
    close_database()
    return ledger, own


@pytest.fixture
def three_stations(tmp_path):
    a = _station_with_cases(
        tmp_path / "a",
        "WXH01",
        "万象汇服务站",
        [
            (datetime(2026, 7, 6, 10), "麦当劳", "来访", "", "100"),
            (datetime(2026, 8, 3, 10), "喜茶", "12315转办", "ODR-77", ""),
        ],
    )
    b = _station_with_cases(
        tmp_path / "b",
        "JDS02",
        "吉达斯服务站",
        [
            (datetime(2026, 7, 7, 10), "优衣库", "来访", "", "300.50"),
            (
                datetime(2026, 8, 3, 11),
                "喜茶",
                "12315转办",
                "ODR-77",
                "20",
            ),  # the same 12315 case, sent to both
            (datetime(2026, 9, 9, 10), "华为", "电话", "", ""),
        ],
    )
    c = _station_with_cases(
        tmp_path / "c", "SLH03", "苏里亨服务站", [(datetime(2026, 9, 14, 10), "麦当劳", "来访", "", "45")]
    )
    return [a, b, c]


def test_three_stations_add_up_to_the_sum_of_their_own_reports(three_stations, tmp_path):
    ledgers = [ledger for ledger, _own in three_stations]
    before = [p.read_bytes() for p in ledgers]
    view = combined.combine(ledgers, statistics.parse_period("2026Q3"))
    assert [s.label for s in view.stations] == [
        "万象汇服务站（WXH01）",
        "吉达斯服务站（JDS02）",
        "苏里亨服务站（SLH03）",
    ]
    for part, (_ledger, own) in zip(view.stations, three_stations, strict=True):
        for key in ("received", "complaints_accepted", "resolved", "recovered_amount", "by_category"):
            assert part.figures[key] == own[key], (part.label, key)
    total = view.total
    owns = [own for _l, own in three_stations]
    assert total["received"]["投诉"] == sum(o["received"]["投诉"] for o in owns) == 6
    assert total["resolved"] == sum(o["resolved"] for o in owns) == 4
    assert total["recovered_amount"] == "465.50"
    assert total["extra"]["by_origin"]["上级转办"]["received"] == 2
    assert total["resolution_rate"] == round(4 / 6, 4)  # the total's own rate, not a sum of rates
    assert [what for what, _cases in view.duplicates] == ["转办编号 ODR-77"]
    assert [p.read_bytes() for p in ledgers] == before  # read only
    out = combined.to_xlsx(view, tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(out)["各站汇总"]
    header = [c.value for c in ws[2]]
    totals = {header[i]: ws.cell(6, i + 1).value for i in range(len(header))}
    stations = [{header[i]: ws.cell(r, i + 1).value for i in range(len(header))} for r in (3, 4, 5)]
    assert ws.cell(6, 1).value == "合计"
    assert totals["登记总数"] == sum(s["登记总数"] for s in stations) == 6
    assert totals["为消费者挽回经济损失（元）"] == pytest.approx(465.5)
    assert ws.cell(6, header.index("投诉解决率") + 1).number_format == "0.00%"


def test_a_combined_view_from_the_command_line_changes_no_station(three_stations, tmp_path):
    ledgers = [str(ledger) for ledger, _own in three_stations]
    done = run_cli(
        "report",
        "2026Q3",
        "--json",
        *[x for p in ledgers for x in ("--ledger", p)],
        "--data-dir",
        str(tmp_path / "bureau"),
    )
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    assert [s["rows"] for s in view["stations"]] == [2, 3, 1]
    assert view["duplicates"][0]["match"] == "转办编号 ODR-77"
    assert not (tmp_path / "bureau").exists() or not any((tmp_path / "bureau").rglob("*.sqlite3"))
    broken = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(ledgers[0])
    wb["台账"]["B2"] = "抱怨"
    wb.save(broken)
    refused = run_cli("report", "2026Q3", "--json", "--ledger", ledgers[1], "--ledger", str(broken))
    assert refused.returncode == 1 and "broken.xlsx" in refused.stderr and "类型" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.fixture
def station_with_head(tmp_path):
    data = tmp_path / "data"
    assert run_cli("demo", "--data-dir", str(data), "--records", "200").returncode == 0
    env = {"WEIQUAN_NEW_PASSWORD": PASSWORD}
    assert (
        run_cli(
            "user", "add", "wang", "--role", "站长", "--full-name", "王建国", "--data-dir", str(data), env=env
        ).returncode
        == 0
    )
    return data


def test_the_command_line_signs_the_report_and_takes_the_texts_from_files(station_with_head, tmp_path):
    data = station_with_head
    hotspots, measures = tmp_path / "热点.txt", tmp_path / "措施.txt"
    hotspots.write_text("本季度食品类投诉集中在外卖。", encoding="utf-8")
    measures.write_text("约谈外卖商户。\n加强巡查。", encoding="utf-8")
    out = tmp_path / "季报.xlsx"
    env = {"WEIQUAN_PASSWORD": PASSWORD}
    done = run_cli(
        "report",
        "2026Q3",
        "--xlsx",
        str(out),
        "--hotspots",
        str(hotspots),
        "--measures",
        str(measures),
        "--checked-by",
        "李淑珍",
        "--submitted",
        "2026-10-10",
        "--freeze",
        "--user",
        "wang",
        "--data-dir",
        str(data),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "第 1 号已报送报表" in done.stdout
    wb = openpyxl.load_workbook(out)
    assert "制表人：王建国" in wb["汇总"]["A3"].value and "李淑珍" in wb["汇总"]["A3"].value
    texts = [c.value for row in wb["分析"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "本季度食品类投诉集中在外卖。" in texts and "约谈外卖商户。\n加强巡查。" in texts
    # the frozen one exports the same words later, dated when it was saved unless told otherwise
    again = tmp_path / "再导出.xlsx"
    assert (
        run_cli(
            "report",
            "2026Q3",
            "--xlsx",
            str(again),
            "--snapshot",
            "1",
            "--user",
            "wang",
            "--data-dir",
            str(data),
            env=env,
        ).returncode
        == 0
    )
    texts = [c.value for row in openpyxl.load_workbook(again)["分析"].iter_rows() for c in row if c.value]
    assert "本季度食品类投诉集中在外卖。" in texts
    wrong = run_cli(
        "report",
        "2026Q2",
        "--xlsx",
        str(again),
        "--snapshot",
        "1",
        "--user",
        "wang",
        "--data-dir",
        str(data),
        env=env,
    )
    assert wrong.returncode == 1 and "期间" in wrong.stderr
    open_database(DataDir(data))
    exports = AuditLog.select().where(AuditLog.action == "report.export")
    assert exports.count() == 2 and all(e.actor == "王建国" for e in exports)
    close_database()


def test_the_half_year_summary_is_a_document_in_sections(station_with_head, tmp_path):
    data = station_with_head
    sections = tmp_path / "小结.txt"
    sections.write_text(
        "## 存在问题\n转办案件反馈不及时。\n## 下步打算\n1. 每周核对转办案件。", encoding="utf-8"
    )
    out = tmp_path / "小结.pdf"
    done = run_cli(
        "report",
        "2026H1",
        "--summary",
        str(out),
        "--sections",
        str(sections),
        "--user",
        "wang",
        "--data-dir",
        str(data),
        env={"WEIQUAN_PASSWORD": PASSWORD},
    )
    assert done.returncode == 0, done.stderr
    text = pdf_text(out)
    for heading in ("一、工作开展情况", "二、投诉情况分析", "三、宣传培训", "四、存在问题", "五、下步打算"):
        assert heading in text
    assert "2026年上半年工作小结" in text and "转办案件反馈不及时。" in text and "每周核对转办案件。" in text
    assert "本期共登记消费者诉求" in text  # the sections not given are drafted from the data
    bad = tmp_path / "bad.txt"
    bad.write_text("## 成绩\n很好", encoding="utf-8")
    refused = run_cli(
        "report",
        "2026H1",
        "--summary",
        str(out),
        "--sections",
        str(bad),
        "--user",
        "wang",
        "--data-dir",
        str(data),
        env={"WEIQUAN_PASSWORD": PASSWORD},
    )
    assert refused.returncode == 1 and "成绩" in refused.stderr


def test_the_draft_follows_the_missed_time_limits(db):
    station.save_profile(demo.DEMO_PROFILE)
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="12315转办",
            received_at=datetime(2026, 7, 6, 10),
            complainant_name="张三",
            phone="13812345678",
            respondent_name="麦当劳",
            category="食品类",
            nature="质量",
            facts="异物",
            demands=["退款"],
            external_no="ODR-1",
        )
    )
    intake.decide(record.id, "受理", at=datetime(2026, 7, 6, 11))
    figures = statistics.report("2026Q3", today=date(2026, 11, 28))
    text = summary.draft(figures)
    assert "反馈逾期1件" in text["存在问题"] and "反馈期限内办结反馈" in text["下步打算"]
    assert Record.select().count() == 1
