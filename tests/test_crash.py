"""Power cuts at the front desk: a writer killed with SIGKILL at random moments never costs a saved case.

WEIQUAN_CRASH_KILLS sets how many kills (default 6 here; run e.g. 200 for a long soak).
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from helpers import ROOT

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"), pytest.mark.sqlite_only]


def test_killed_writer_never_loses_an_acknowledged_case(tmp_path):
    folder = tmp_path / "desk"
    kills = int(os.environ.get("WEIQUAN_CRASH_KILLS", "6"))
    rng = random.Random(2026)
    acknowledged: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _round in range(kills):
        writer = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "crash_writer.py"), str(folder)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        target = rng.randint(1, 40)
        seen = 0
        deadline = time.monotonic() + 60
        while seen < target and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            acknowledged.append(line.strip())
            seen += 1
        time.sleep(rng.random() * 0.05)  # kill somewhere inside the next transaction, or between two
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        for line in writer.stdout.read().splitlines():  # printed before the kill landed
            acknowledged.append(line.strip())
        conn = sqlite3.connect(folder / "weiquan.sqlite3")
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {row[0] for row in conn.execute("SELECT case_no FROM record")}
            missing = [c for c in acknowledged if c not in stored]
            assert missing == [], f"acknowledged but lost after kill: {missing[:5]}"
            numbers = sorted(int(c.rsplit("-", 1)[1]) for c in stored)
            assert numbers == list(range(1, len(numbers) + 1))  # gapless even across crashes
        finally:
            conn.close()
    assert len(acknowledged) >= kills
