"""The whole benchmark runs at a small size (no timing assertions): a broken bench is caught in CI."""

import os
import subprocess
import sys

import pytest
from helpers import ROOT

pytestmark = [
    pytest.mark.sqlite_only,
    # the benchmark reads Unix process accounting (resource, os.wait4, /proc); on Windows the start-up and
    # bundle figures come from tools/windows-check instead
    pytest.mark.skipif(sys.platform == "win32", reason="bench/ measures with Unix process accounting"),
]


def test_whole_benchmark_runs(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WEIQUAN_BENCH_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "bench/run.py", "300"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.split("## Summary")[1]
    for figure in (
        "start-up ratio: first paint / floor",
        "register: search keystroke",
        "open a case",
        "save a new complaint",
        "quarterly report",
        "export ratio at 300 rows",
        "agreement PDF",
        "peak memory",
        "ledger export of the register's filter",
        "backup to a USB folder",
    ):
        assert figure in summary, figure
