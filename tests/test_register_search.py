"""The register's search finds exactly what a plain scan of every record's search text finds, in the same
order, on SQLite and PostgreSQL alike, whichever way the list is read: the whole query at once, the first
page a keystroke paints (looking at a window of the newest records only), and the GUI model that shows that
page first and appends the rest from a pool thread."""

from __future__ import annotations

import pytest

from weiquan_desktop.models.schema import Record
from weiquan_desktop.services import intake, register
from weiquan_desktop.services.register import RegisterQuery


def _scan(terms: list[str], **conditions) -> list[int]:
    """The reference: every live record whose search text holds every lower-cased term, newest first."""
    rows = Record.select(
        Record.id, Record.received_at, Record.search_text, *[getattr(Record, k) for k in conditions]
    ).where(Record.deleted_at.is_null())
    hits = [
        r
        for r in rows
        if all(t in (r.search_text or "") for t in terms)
        and all(getattr(r, k) == v for k, v in conditions.items())
    ]
    hits.sort(key=lambda r: (r.received_at, r.id), reverse=True)
    return [r.id for r in hits]


@pytest.fixture
def searchable(demo_db):
    """The demo station, with records whose text holds the characters SQL patterns treat specially."""
    from test_intake import complaint

    odd = ["百分之50%折扣", "下划线_商品", "星号*促销", "方括号[特价]", "反斜杠\\标记", "大写ABC商品"]
    for i, item in enumerate(odd):
        intake.register(complaint(complainant_name=f"特殊{i}", phone=f"1390000{i:04d}", item=item))
    return demo_db


def _terms() -> list[str]:
    """Searches a clerk types: names, phones and their last digits, case numbers, pinyin initials, goods, a
    facts word, ID numbers, two words at once, and text SQL would read as a pattern."""
    sample = list(Record.select().where(Record.deleted_at.is_null()).order_by(Record.id).limit(40))
    picked = {
        "13",
        "苏宁",
        "mdl",
        "MDL",
        "有限公司",
        "质量",
        "50%",
        "_商",
        "*促",
        "[特价]",
        "\\标",
        "abc",
        "%",
        "_",
        "不存在的词",
        "苏宁 13",
        "   ",
    }
    for r in sample[::7]:
        picked |= {
            r.case_no,
            r.case_no.lower(),
            (r.phone or "")[-4:],
            r.complainant_name or "",
            (r.id_number or "")[-6:],
            (r.respondent_name or "")[:2],
            r.case_no[:-3],
        }
    return sorted(t for t in picked if t)


def test_search_finds_what_a_scan_of_every_record_finds(searchable):
    for term in _terms():
        terms = term.lower().split()
        expected = _scan(terms)
        assert register.ordered_ids(RegisterQuery(search=term)) == expected, term
        for limit, window in ((5, 20), (50, 1000), (3, 100_000)):
            page = register.first_page(RegisterQuery(search=term), limit, window)
            assert page.ids == expected[: len(page.ids)], (term, limit, window)
            assert len(page.ids) <= limit
            # complete only when it is all of them; a full page may be all of them without knowing it
            assert page.complete <= (page.ids == expected), (term, limit, window)
            assert page.complete or len(page.ids) == limit or window < Record.select().count()
            if len(expected) >= limit and window >= Record.select().count():
                assert len(page.ids) == limit  # the window held them all: the page is full


def test_search_with_filters_and_other_orders_matches_the_scan(searchable):
    some = Record.select().where(Record.kind == "投诉").first()
    for term in ("13", "苏宁", "质量"):
        query = RegisterQuery(search=term, kinds=("投诉",))
        expected = _scan([term], kind="投诉")
        assert register.ordered_ids(query) == expected
        page = register.first_page(query, 4, 30)
        assert page.ids == expected[: len(page.ids)]
        # other orders: the same records, and the first page a prefix of the full list
        for sort in ("amount", "respondent_name", "handler", "next_due", "case_no"):
            for descending in (False, True):
                ordered = RegisterQuery(search=term, sort=sort, descending=descending)
                full = register.ordered_ids(ordered)
                assert sorted(full) == sorted(_scan([term])), (term, sort)
                page = register.first_page(ordered, 7, 25)
                assert page.ids == full[: len(page.ids)], (term, sort, descending)
    assert some is not None


def test_the_register_shows_the_first_page_then_appends_the_rest(qtbot, app, searchable, monkeypatch):
    """A keystroke paints the matches among the newest records; the older ones arrive from a pool thread,
    below them, and the count follows."""
    from weiquan_desktop.ui.register_view import RegisterView

    monkeypatch.setattr(register, "SEARCH_WINDOW", 25)
    view = RegisterView(first_rows=10)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.complete, timeout=5000)
    assert view.count_label.text() == f"共 {Record.select().where(Record.deleted_at.is_null()).count():,} 条"
    for term in ("13", "苏宁", "不存在的词", (Record.select().order_by(Record.received_at).first().phone)):
        view.search.blockSignals(True)  # the keystroke's query now, not after the debounce
        view.search.setText(term)
        view.search.blockSignals(False)
        view.apply_filters()
        first = [view.model.record_id(r) for r in range(view.model.rowCount())]
        expected = _scan(term.lower().split())
        assert first == expected[: len(first)] and len(first) <= 10
        if not view.model.complete:
            assert view.count_label.text().endswith("+ 条…") and "正在查找" in view.count_label.toolTip()
        qtbot.waitUntil(lambda: view.model.complete, timeout=5000)
        assert [view.model.record_id(r) for r in range(view.model.rowCount())] == expected, term
        assert view.count_label.text() == f"共 {len(expected):,} 条"
        view.table.viewport().repaint()  # the rows paint from their pages


def test_a_newer_keystroke_wins_over_a_list_still_being_read(qtbot, app, searchable, monkeypatch):
    from weiquan_desktop.ui.register_view import RegisterView

    monkeypatch.setattr(register, "SEARCH_WINDOW", 25)
    view = RegisterView(first_rows=5)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.complete, timeout=5000)
    for term in ("1", "13", "139", "苏宁"):  # typed faster than the lists come back
        view.search.blockSignals(True)
        view.search.setText(term)
        view.search.blockSignals(False)
        view.apply_filters()
    qtbot.waitUntil(lambda: view.model.complete, timeout=5000)
    qtbot.wait(200)  # any list read for an earlier keystroke has arrived by now, and must change nothing
    assert [view.model.record_id(r) for r in range(view.model.rowCount())] == _scan(["苏宁"])


@pytest.mark.parametrize("dense", [0, 10**9])
def test_deadline_filters_give_the_same_list_along_either_index(searchable, monkeypatch, dense):
    """A deadline filter with many matches walks the date order, with few the deadlines' own index: both
    give what a scan gives, first page and full list alike (``dense`` forces one way, then the other)."""
    from datetime import date, timedelta

    monkeypatch.setattr(register, "DENSE_DUE", dense)
    today = date.today()
    rows = list(
        Record.select(Record.id, Record.received_at, Record.next_due, Record.kind).where(
            Record.deleted_at.is_null(), Record.next_due.is_null(False)
        )
    )
    checks = {
        "已逾期": lambda d: d < today,
        "今明两天到期": lambda d: today <= d <= today + timedelta(days=1),
        "本周内到期": lambda d: today <= d <= today + timedelta(days=6 - today.weekday()),
    }
    assert any(r.next_due < today for r in rows)  # the demo has overdue cases to find
    for due, holds in checks.items():
        for kinds in ((), ("投诉",)):
            expected = [
                r.id
                for r in sorted(rows, key=lambda r: (r.received_at, r.id), reverse=True)
                if holds(r.next_due) and (not kinds or r.kind in kinds)
            ]
            query = RegisterQuery(due=due, kinds=kinds)
            assert register.ordered_ids(query) == expected, (due, kinds, dense)
            page = register.first_page(query, 5)
            assert page.ids == expected[:5] and page.complete == (len(expected) < 5), (due, kinds, dense)
