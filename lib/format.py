"""How figures read (docs/ui.md "Look"): Chinese readers count big numbers in 万 (10,000), English readers
in k and M. The active language decides."""

import math
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import get_language


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _short(number: float) -> str:
    """286000 → 28.6万 (Chinese) or 286k (English); one decimal at most."""
    if _chinese():
        return f"{number / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
    if abs(number) >= 1_000_000:
        return f"{number / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    return f"{number / 1_000:.1f}".rstrip("0").rstrip(".") + "k"


def figure(value: int | float | Fraction | Decimal | None) -> str:
    """Big counts short (``286000`` → ``28.6万``), smaller ones exact with separators (``8,120``)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    number = float(value) if not isinstance(value, int) else value
    if abs(number) >= 100_000:
        return _short(number)
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.1f}"
    return f"{int(number):,}"


def figure_at_bar(value: int | float | Fraction, threshold: int) -> str:
    """A measured figure shown against its bar (a requirement row, a 保级提醒): whole units (72,258),
    with one decimal only where rounding would hide which side of the bar it is on (10,000.4 against
    > 10,000). The page and the message both read it, so they show the same figure."""
    if float(value).is_integer():
        return figure(int(value))
    if math.floor(value) == threshold or round(value) == threshold:
        return figure(float(value))
    return figure(round(value))


def round_count(value: int) -> str:
    """A round threshold as people say it: 100000 → 10万 / 100k, 10000 → 1万 / 10k; others exact."""
    if value >= 10_000 and value % 1_000 == 0:
        return _short(value)
    return f"{value:,}"


def money(value: int | Decimal) -> str:
    return f"¥{value:,.0f}"
