"""The benchmarks run (small size, no timing assertions): a broken bench is caught in CI."""

import os
import subprocess
import sys

import pytest
from helpers import ROOT

pytestmark = pytest.mark.sqlite_only


def test_register_benchmark_runs(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WEIQUAN_BENCH_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "bench/register.py", "300"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "open register" in result.stdout and "sort by next deadline" in result.stdout
