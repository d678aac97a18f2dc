"""One front desk registering N complaints as fast as it can; prints each case number once committed."""

import sys
from pathlib import Path

from weiquan_desktop.models import open_database
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import intake


def main(folder: str, url: str, count: int) -> None:
    open_database(DataDir(Path(folder)).ensure(), url or None)
    for n in range(count):
        record = intake.register(
            intake.IntakeForm(
                kind="投诉",
                source="来访",
                complainant_name=f"柜台{n}",
                phone="13812345678",
                respondent_name="麦当劳",
                category="食品类",
                nature="质量",
                facts="两台电脑同时登记",
                demands=["退款"],
            )
        )
        print(record.case_no, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
