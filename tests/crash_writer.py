"""Registers complaints in a loop and prints each case number once its transaction committed.

Run by test_crash.py, which kills this process with SIGKILL at random moments.
"""

import sys
from datetime import datetime
from pathlib import Path

from weiquan_desktop.models import open_database
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import demo, intake, station


def main(folder: str) -> None:
    open_database(DataDir(Path(folder)).ensure())
    if not station.is_configured():
        station.save_profile(demo.DEMO_PROFILE)
    n = 0
    while True:
        n += 1
        record = intake.register(
            intake.IntakeForm(
                kind="投诉",
                source="来访",
                received_at=datetime.now().replace(microsecond=0),
                complainant_name=f"压力{n}",
                phone="13812345678",
                respondent_name="麦当劳",
                category="食品类",
                nature="质量",
                facts="断电测试" * 20,
                demands=["退款"],
            )
        )
        print(record.case_no, flush=True)  # acknowledged: the commit returned


if __name__ == "__main__":
    main(sys.argv[1])
