"""Every window and dialog on a station's 1366×768 screen, at 100% and at 125%: frame and fixed buttons above
the taskbar, no form scrolling sideways, and no consumer's name or phone in full where the counter can see it.

tools/screen_check.py opens them all over demo data; here it runs as its own program on an offscreen screen of
the station's size (the taskbar is 40 pixels at 100%, 50 at 125% and 60 at 150%).
"""

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

EXPECTED = {
    "main-register",
    "main-followup",
    "main-report",
    "main-report-generated",
    "report-summary",
    "main-activity",
    "main-settings",
    "login",
    "password",
    "first-run",
    "intake-complaint",
    "intake-complaint-agent-group",
    "intake-report",
    "intake-consultation",
    "case-new",
    "case-settled",
    "mediation",
    "mediation-outcome-1",
    "mediation-outcome-2",
    "referral",
    "laws",
    "due-panel",
    "activity",
    "audit",
}


@pytest.mark.parametrize(
    ("scale", "width", "height"),
    [("1", 1366, 728), ("1.25", 1366, 718), ("1.5", 1920, 1020)],
    ids=["1366x768-100%", "1366x768-125%", "1920x1080-150%"],
)
def test_every_window_fits_the_station_screen(tmp_path, scale, width, height):
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps({"screens": [{"name": "station", "x": 0, "y": 0, "width": width, "height": height}]})
    )
    env = {k: v for k, v in os.environ.items() if k not in ("WEIQUAN_DATA_DIR", "QT_SCALE_FACTOR")}
    # relative: Qt splits platform arguments at ':', and a Windows path has one after its drive letter
    env.update(
        {
            "QT_QPA_PLATFORM": f"offscreen:configfile={config.name}",
            "QT_SCALE_FACTOR": scale,
            "PYTHONPATH": str(ROOT),
            "PYTHONIOENCODING": "utf-8",
        }
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screen_check.py")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=tmp_path,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert results, (done.returncode, done.stdout[-2000:], done.stderr[-3000:])
    names = {r["name"] for r in results}
    assert names >= EXPECTED, f"not checked: {EXPECTED - names}"
    logical = (width / float(scale), height / float(scale))
    for result in results:
        assert abs(result["area"][2] - logical[0]) <= 1 and abs(result["area"][3] - logical[1]) <= 1
    bad = {r["name"]: r["problems"] for r in results if r["problems"]}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
    assert done.returncode == 0
