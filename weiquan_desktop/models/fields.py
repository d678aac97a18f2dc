"""Custom fields."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from peewee import BigIntegerField

CENT = Decimal("0.01")


class MoneyField(BigIntegerField):
    """Yuan as an exact Decimal in Python, stored as integer fen (SQL SUM stays exact on every backend)."""

    def db_value(self, value: Decimal | int | str | None) -> int | None:
        if value is None:
            return None
        try:
            amount = Decimal(value)
        except (InvalidOperation, TypeError) as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
        return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def python_value(self, value: int | None) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


def fen_to_yuan(fen: int | None) -> Decimal:
    """For aggregates read straight from SQL (SUM over a MoneyField column)."""
    return (Decimal(int(fen or 0)) / 100).quantize(CENT)
