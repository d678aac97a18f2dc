"""Several counters, one database: two desks registering at once get unique, gapless case numbers."""

import os
import subprocess
import sys

from helpers import ROOT

from weiquan_desktop.models.schema import AuditLog, Record
from weiquan_desktop.services import audit, demo, station


def test_two_desks_registering_at_once(db, data_dir):
    station.save_profile(demo.DEMO_PROFILE)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    per_desk = 25
    desks = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "desk_writer.py"),
                str(data_dir.root),
                db.test_url or "",
                str(per_desk),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    printed = []
    for desk in desks:
        out, err = desk.communicate(timeout=240)
        assert desk.returncode == 0, err
        printed += out.split()
    assert len(printed) == len(set(printed)) == 2 * per_desk
    numbers = sorted(int(c.rsplit("-", 1)[1]) for (c,) in Record.select(Record.case_no).tuples())
    assert numbers == list(range(1, 2 * per_desk + 1))
    assert AuditLog.select().where(AuditLog.action == "record.create").count() == 2 * per_desk
    assert audit.verify().ok  # both desks chained onto one line, no fork


def test_many_desks_starting_at_the_same_moment(db, data_dir):
    """Every desk checks the schema and its triggers as it starts; on PostgreSQL two doing it at once made one
    fail ("tuple concurrently updated") and its window never opened. Eight desks, released together."""
    station.save_profile(demo.DEMO_PROFILE)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = (
        "import sys, time; from pathlib import Path;"
        "from weiquan_desktop.models import open_database, close_database;"
        "from weiquan_desktop.paths import DataDir;"
        "time.sleep(max(0.0, float(sys.argv[3]) - time.time()));"  # all at once
        "[(open_database(DataDir(Path(sys.argv[1])).ensure(), sys.argv[2] or None), close_database())"
        " for _ in range(3)]; print('ok')"
    )
    import time

    at = time.time() + 3
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", start, str(data_dir.root), db.test_url or "", str(at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(8)
    ]
    for desk in desks:
        out, err = desk.communicate(timeout=240)
        assert desk.returncode == 0 and out.strip() == "ok", err[-2000:]
