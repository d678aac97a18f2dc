"""The stored duties (record_duty) the report counts in SQL, against every duty computed afresh from the
records, after each way a case, the calendar or a rule changes: the report's time limits, the due panel's
late list and the stored rows must be what a full recomputation gives, on SQLite and on PostgreSQL."""

from datetime import date, datetime, timedelta

from weiquan_desktop.models.schema import Record, RecordDuty
from weiquan_desktop.services import (
    calendar_rules,
    deadlines,
    duties,
    exchange,
    intake,
    ledger_import,
    mediation,
    notices,
    retention,
    views,
)


def _fresh(now: datetime) -> dict[int, list[duties.Duty]]:
    """Every live record's duties computed from scratch (the oracle: what the table must agree with)."""
    book, since = deadlines.RuleBook(), duties.notices_since()
    records = list(Record.select().where(Record.deleted_at.is_null()))
    facts = duties.facts_for([r.id for r in records])
    return {r.id: duties.case_duties(r, facts[r.id], book, today=now.date(), since=since) for r in records}


def _kept(fresh: dict[int, list[duties.Duty]], start: date, end: date, now: datetime) -> list[duties.Kept]:
    counts: dict[str, list[int]] = {}
    for found in fresh.values():
        for duty in found:
            if start <= duty.due <= end:
                row = counts.setdefault(duty.code, [0, 0, 0, 0])
                row[0] += 1
                if duty.done_at is not None:
                    row[2 if duty.late() else 1] += 1
                elif duty.late(now):
                    row[3] += 1
    return [duties.Kept(code, *counts[code]) for code in duties.LABELS if code in counts]


def _stored() -> set[tuple]:
    return {
        (r.record_id, r.code, r.due, r.due_at, r.done_at, bool(r.done_late), bool(r.paused), r.about)
        for r in RecordDuty.select()
    }


def _assert_agrees(now: datetime | None = None) -> dict[int, list[duties.Duty]]:
    now = now or datetime.now()
    fresh = _fresh(now)
    expected = {
        (
            row["record"],
            row["code"],
            row["due"],
            row["due_at"],
            row["done_at"],
            row["done_late"],
            row["paused"],
            row["about"],
        )
        for rid, found in fresh.items()
        for row in duties.stored_rows(rid, found)
    }
    # a paused clock's date moves each day: the table holds it as of its last recount, the counts use now
    assert {r for r in _stored() if not r[6]} == {r for r in expected if not r[6]}
    assert {r[:2] for r in _stored() if r[6]} == {r[:2] for r in expected if r[6]}
    periods = [
        (date(y, m, 1), (date(y + (m > 9), (m + 2) % 12 + 1, 1) - timedelta(days=1)))
        for y in (2025, 2026)
        for m in (1, 4, 7, 10)
    ] + [(date(2026, 1, 1), date(2026, 12, 31))]
    got = duties.kept_in(periods, now)
    for (start, end), kept in zip(periods, got, strict=True):
        assert kept == _kept(fresh, start, end, now), (start, end)
    assert sum(k.due for k in got[-1]) > 100  # the demo's year has duties to count
    late = [
        (i.record_id, i.due, i.done_at)
        for i in duties.late_between(now.date() - timedelta(days=400), now.date(), now)
    ]
    oracle = sorted(
        (
            (rid, d.due, d.done_at)
            for rid, found in fresh.items()
            for d in found
            if now.date() - timedelta(days=400) <= d.due <= now.date()
            and ((d.done_at is not None and d.late()) or (d.done_at is None and d.late(now)))
        ),
        key=lambda t: (t[1], t[0]),
        reverse=True,
    )[:500]
    assert sorted(late) == sorted(oracle)
    return fresh


def _one(where: object) -> Record:
    return Record.select().where(where, Record.deleted_at.is_null()).order_by(Record.id.desc()).first()


def test_the_stored_duties_follow_every_change_of_a_case_and_of_the_calendar(demo_db):
    _assert_agrees()
    assert RecordDuty.select().count() > 300

    # a reply, decisions, a pause and its end, a termination, a referral and its feedback, a deletion: each
    # through the services the desk uses, on cases of the last weeks
    def complaint(days_ago: float) -> Record:
        return intake.register(
            intake.IntakeForm(
                kind="投诉",
                source="来访",
                received_at=(datetime.now() - timedelta(days=days_ago)).replace(microsecond=0),
                complainant_name="张三",
                phone="13812345678",
                respondent_name="麦当劳",
                category="食品类",
                nature="质量",
                facts="汉堡里有异物。",
                demands=["退款"],
            )
        )

    waiting = complaint(1.5)
    assert RecordDuty.select().where(RecordDuty.record == waiting.id).count() >= 2
    notices.record_notice(waiting.id, "答复", method="电话", at=datetime.now() - timedelta(minutes=5))
    cases = [complaint(days) for days in (30, 25, 20, 12)]
    for case in cases:
        intake.decide(case.id, "受理", at=case.received_at + timedelta(days=2))
    mediation.pause_clock(cases[0].id, date.today() - timedelta(days=3), "送检测")
    mediation.pause_clock(cases[1].id, date.today() - timedelta(days=9), "送鉴定")
    mediation.resume_clock(cases[1].id, date.today() - timedelta(days=2))
    mediation.terminate(cases[2].id, views.grounds("termination")[0], at=datetime.now() - timedelta(hours=2))
    referral = mediation.refer(
        cases[2].id,
        "和解不成",
        body_name="东胜区12315",
        materials=[mediation.Material("投诉登记表", 1, 1)],
        at=datetime.now() - timedelta(hours=1),
    )
    mediation.record_referral_feedback(referral.id, "已立案。", at=datetime.now())
    retention.soft_delete(cases[3].id, "重复登记")
    assert not RecordDuty.select().where(RecordDuty.record == cases[3].id).exists()
    fresh = _assert_agrees()
    assert any(d.paused for found in fresh.values() for d in found)

    # tomorrow, as the report would count it: the paused clock counted as of then
    _assert_agrees(datetime.now() + timedelta(days=1))

    # a holiday entered in the middle of the year moves closed cases' limits as well as open ones
    calendar_rules.set_day(date(2026, 6, 10), False, "地方假日")
    _assert_agrees()
    calendar_rules.remove_day(date(2026, 6, 10))
    rule = next(r for r in calendar_rules.rules() if r.code == "decision")
    calendar_rules.save_rule("decision", rule.effective_from, 5, rule.unit, rule.title, rule.basis)
    _assert_agrees()


def test_a_ledger_imported_into_an_empty_station_gets_every_duty(tmp_path):
    from weiquan_desktop.models import close_database, open_database
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import demo, station

    open_database(DataDir(tmp_path / "old").ensure())
    try:
        demo.generate(300, seed=11)
        exported = exchange.export_ledger(tmp_path / "台账.xlsx", masked=False)
        assert exported.rows == 300
    finally:
        close_database()
    open_database(DataDir(tmp_path / "new").ensure())
    try:
        station.save_profile(demo.DEMO_PROFILE)
        result = ledger_import.import_ledger(exported.path)
        assert result.ok, result.errors
        fresh = _assert_agrees()
        assert sum(len(found) for found in fresh.values()) > 300
    finally:
        close_database()
