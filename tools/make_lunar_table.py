"""Recompute weiquan_desktop.holidays.LUNAR_FESTIVALS (除夕, 清明, 端午, 中秋 for each year) with lunar-python.

A development tool, not a dependency of the program: ``pip install lunar-python`` in a scratch environment,
then ``python tools/make_lunar_table.py 2025 2040`` and paste the lines into holidays.py. The 2025 and 2026
rows must agree with the State Council's notices (tests/test_holiday_notice.py checks the program's table).
"""

import sys

from lunar_python import Lunar, Solar


def main(first: int, last: int) -> None:
    for year in range(first, last + 1):
        new_year = Lunar.fromYmd(year, 1, 1).getSolar()
        eve = Solar.fromYmd(new_year.getYear(), new_year.getMonth(), new_year.getDay()).next(-1)
        qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
        duanwu, zhongqiu = Lunar.fromYmd(year, 5, 5).getSolar(), Lunar.fromYmd(year, 8, 15).getSolar()
        days = ", ".join(
            f"date({s.getYear()}, {s.getMonth()}, {s.getDay()})" for s in (eve, qingming, duanwu, zhongqiu)
        )
        print(f"    {year}: ({days}),")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
