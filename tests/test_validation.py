from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from weiquan_desktop import privacy, validation
from weiquan_desktop.errors import ValidationError


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "11010519491231002x"])
def test_valid_resident_ids(number):
    assert validation.resident_id(number) == number.upper()


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("110105194912310021", "校验位不对"),
        ("11010519491331002X", "出生日期"),
        ("1101051949123100", "18位"),
        ("11010520991231002X", "出生日期"),
    ],
)
def test_invalid_resident_ids_say_why(number, why):
    with pytest.raises(ValidationError, match=why) as info:
        validation.resident_id(number)
    assert info.value.field == "证件号码"


@pytest.mark.parametrize("value", ["13812345678", "0477-12315", "010-88889999", "0477 8512315"])
def test_phones_accepted(value):
    assert validation.phone(value)


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "12315", "abc"])
def test_phones_refused(value):
    with pytest.raises(ValidationError, match="联系电话"):
        validation.phone(value)


def test_money():
    assert validation.money("¥1,234.5", "金额") == Decimal("1234.50")
    assert validation.money(12.3, "金额") == Decimal("12.30")
    assert validation.money("", "金额") is None
    for bad, why in (
        ("-1", "负数"),
        ("1.234", "两位小数"),
        ("abc", "有效金额"),
        ("NaN", "有效金额"),
        ("1e12", "金额过大"),
        (1e26, "金额过大"),
        ("1e26", "金额过大"),
    ):  # found by fuzzing
        with pytest.raises(ValidationError, match=why):
            validation.money(bad, "涉及金额")


def test_dates_not_in_future():
    validation.not_future(date.today(), "购买日期")
    with pytest.raises(ValidationError, match="购买日期"):
        validation.not_future(date.today() + timedelta(days=1), "购买日期")
    with pytest.raises(ValidationError, match="登记时间"):
        validation.not_future(datetime.now() + timedelta(hours=1), "登记时间")


def test_masking_follows_the_ledger_spec():
    assert privacy.mask_name("张三") == "张*"
    assert privacy.mask_name("欧阳娜娜") == "欧***"
    assert privacy.mask_phone("13812345678") == "138****5678"
    assert privacy.mask_id("11010519491231002X") == "1101**********002X"
    assert privacy.mask_address("内蒙古自治区鄂尔多斯市东胜区") == "内蒙古自治区****"
