"""How figures read to Chinese readers (ui.md "Look")."""

from decimal import Decimal
from fractions import Fraction


def figure(value: int | float | Fraction | Decimal | None) -> str:
    """Big counts in 万 (``286000`` → ``28.6万``), smaller ones exact with separators (``8,120``)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    number = float(value) if not isinstance(value, int) else value
    if abs(number) >= 100_000:
        text = f"{number / 10_000:.1f}".rstrip("0").rstrip(".")
        return f"{text}万"
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.1f}"
    return f"{int(number):,}"


def money(value: int | Decimal) -> str:
    return f"¥{value:,.0f}"
