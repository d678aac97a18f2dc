"""Field checks shared by the intake form, the station settings and the importers (Qt-free).

Each check returns the cleaned value or raises ValidationError with a Chinese message naming the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from weiquan_desktop.errors import ValidationError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{5,8}(-\d{1,6})?$")
SERVICE_RE = re.compile(r"^(400|800)-?\d{3}-?\d{4}$|^1\d{4}$")  # 400/800 numbers, 5-digit hotlines
STATION_CODE_RE = re.compile(r"^[A-Za-z0-9]{2,16}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def required(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"“{field}”不能为空。", field)
    return text


def phone(value: str | None, field: str = "联系电话", *, allow_service: bool = False) -> str:
    text = re.sub(r"[\s（）()]", "", value or "")
    if MOBILE_RE.match(text) or LANDLINE_RE.match(text) or (allow_service and SERVICE_RE.match(text)):
        return text
    raise ValidationError(
        f"“{field}”格式不对：{value}。手机号应为1开头的11位数字，固定电话应带区号，如 0477-12315。", field
    )


def resident_id(value: str | None, field: str = "证件号码") -> str:
    """GB 11643 check: 18 characters, valid birth date, check character."""
    text = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValidationError(f"“{field}”应为18位居民身份证号码（最后一位可为X），现为：{value}", field)
    try:
        born = datetime.strptime(text[6:14], "%Y%m%d").date()
    except ValueError:
        raise ValidationError(f"“{field}”中的出生日期 {text[6:14]} 不是有效日期。", field) from None
    if born > date.today() or born.year < 1880:
        raise ValidationError(f"“{field}”中的出生日期 {born.isoformat()} 不合理。", field)
    total = sum(int(d) * w for d, w in zip(text[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != text[17]:
        raise ValidationError(f"“{field}”校验位不对：{text}，请核对号码是否抄错。", field)
    return text


def looks_like_resident_id(value: str | None) -> bool:
    return value is not None and len(value.strip()) == 18 and value.strip()[:17].isdigit()


def money(value: object, field: str) -> Decimal | None:
    """Yuan, >= 0, at most 2 decimals. Accepts '¥1,234.50'. Empty -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace("¥", "").replace("￥", "").replace(",", "").replace("元", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"“{field}”不是有效金额：{value}", field) from None
    if not amount.is_finite():
        raise ValidationError(f"“{field}”不是有效金额：{value}", field)
    if amount < 0:
        raise ValidationError(f"“{field}”不能为负数：{value}", field)
    if amount >= Decimal("1e12"):  # first: quantizing 1e26 to fen exceeds Decimal's 28 digits
        raise ValidationError(f"“{field}”金额过大：{value}", field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"“{field}”最多保留两位小数：{value}", field)
    return amount.quantize(Decimal("0.01"))


def not_future(value: date | datetime | None, field: str, now: datetime | None = None) -> None:
    if value is None:
        return
    now = now or datetime.now()
    if isinstance(value, datetime):
        if value > now:
            raise ValidationError(f"“{field}”不能晚于现在：{value:%Y-%m-%d %H:%M}", field)
    elif value > now.date():
        raise ValidationError(f"“{field}”不能晚于今天：{value.isoformat()}", field)


def station_code(value: str | None) -> str:
    text = required(value, "站点编码")
    if not STATION_CODE_RE.match(text):
        raise ValidationError(
            "“站点编码”只能由2至16位字母或数字组成（用于案件编号，如 SC01-2026-00001）。", "站点编码"
        )
    return text.upper()
