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
    desks = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "desk_writer.py"), str(data_dir.root),
                               db.test_url or "", str(per_desk)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
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
