"""How figures read (docs/ui.md "Look"): one rule for the whole site, in the reader's language.

- From 10,000 up a figure is written short: 万 (and 亿 from 100,000,000) in Chinese, k (and M from
  1,000,000) in English, with one decimal at most (``7.2万``, ``286k``, ``1.2M``); below that it is exact
  with separators (``9,999``). The exact figure belongs in a ``title`` (``exact``).
- A lone figure (``figure``) is cut, never rounded up to a mark it has not reached: 99,999 → ``9.9万``.
- Related quantities share one unit. A measured value, its threshold and the gap between them
  (``figures``) are written in the unit the largest of them calls for — ``7.2万 / > 10万 · 还差 2.8万``,
  never ``72,258 / > 10万`` — each rounded to the nearest tenth, so the three still add up.
- Bars and money are never rounded (``bars``, ``round_count``, ``money``): short only when the short form
  is exact (``10万``, ``¥7万``, ``¥13万``), otherwise in digits (``12,500``, ``¥12,345``, ``¥7,000``);
  several in one row are short only if all of them can be.
- A creator who must hit a bar exactly reads exact digits: a row is written in digits when its value is
  within the short form's precision (one decimal: 1,000 for 万, 100 for k) of the threshold, or when the
  threshold has no exact short form. So a short row never shows ``10万 / ≥ 10万`` beside a failing mark.
- Small measures compared side by side — rates, ratings, a price per thousand plays — share their decimals
  (``side_by_side``): the fewest that keep different values apart, so ``4.4 / 4.5``, never ``4 / 5``.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext

from .i18n import english

Number = int | float | Fraction | Decimal

SHORT_FROM = 10_000  # the smallest figure written short, in either language


@dataclass(frozen=True)
class Unit:
    size: int
    suffix: str

    @property
    def step(self) -> Fraction:
        """The precision of one decimal in this unit (1,000 for 万)."""
        return Fraction(self.size, 10)


WAN, YI = Unit(10_000, "万"), Unit(100_000_000, "亿")
K, M = Unit(1_000, "k"), Unit(1_000_000, "M")


def _units(largest: Fraction) -> list[Unit]:
    """The short units that may write figures up to ``largest``, biggest first; none below 10,000."""
    if largest < SHORT_FROM:
        return []
    big, small = (YI, WAN) if not english() else (M, K)
    return [big, small] if largest >= big.size else [small]


def _fraction(value: Number) -> Fraction:
    """Exactly the number meant: a float by its shortest decimal form (``0.1`` is one tenth)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def _fits(value: Fraction, unit: Unit) -> bool:
    """Can ``value`` be written in ``unit`` exactly, with one decimal at most?"""
    return (value / unit.step).denominator == 1


def _toward_zero(x: Fraction) -> int:
    return math.floor(x) if x >= 0 else math.ceil(x)


def _nearest(x: Fraction) -> int:
    """Half away from zero, as people round (0.25 → 0.3)."""
    return math.floor(x + Fraction(1, 2)) if x >= 0 else -math.floor(-x + Fraction(1, 2))


def _scaled(value: Fraction, unit: Unit, rounding: Callable[[Fraction], int]) -> str:
    """``value`` in ``unit`` with one decimal at most, rounded by ``rounding`` (in tenths of the unit)."""
    tenths = rounding(value / unit.step)
    if tenths == 0:
        return "0"
    whole, tenth = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{whole:,}{'.' + str(tenth) if tenth else ''}{unit.suffix}"


def exact(value: Number | None) -> str:
    """Every digit, with separators: ``72,258``; two decimals when not whole (``10,000.40``). For titles."""
    if value is None:
        return "—"
    number = _fraction(value)
    if number.denominator == 1:
        return f"{number.numerator:,}"
    return f"{float(number):,.2f}"


def figure(value: Number | bool | None) -> str:
    """A lone measured count: short from 10,000 up, cut to one decimal (``286000`` → ``28.6万``, ``286k``;
    ``99999`` → ``9.9万``), smaller ones exact (``8,120``; a mean keeps one decimal: ``4,567.5``)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    number = _fraction(value)
    units = _units(abs(number))
    if units:
        return _scaled(number, units[0], _toward_zero)
    if number.denominator == 1:
        return f"{number.numerator:,}"
    return f"{float(number):,.1f}"


def bars(*values: Number) -> list[str]:
    """Figures that must read exactly — thresholds, amounts — in one unit: short only when every one of
    them is exact in it (``100000, 300000`` → ``10万``, ``30万``), otherwise all in digits."""
    numbers = [_fraction(v) for v in values]
    largest = max((abs(n) for n in numbers), default=Fraction(0))
    for unit in _units(largest):
        if all(_fits(n, unit) for n in numbers):
            return [_scaled(n, unit, _toward_zero) for n in numbers]
    return [exact(n) for n in numbers]


def round_count(value: Number) -> str:
    """A threshold on its own, as people say it: ``100000`` → ``10万`` / ``100k``; ``12500`` → ``12,500``."""
    return bars(value)[0]


def moneys(*values: Number) -> list[str]:
    """Amounts of money in one row, in one unit (``bars``): never rounded."""
    return [f"¥{text}" for text in bars(*values)]


def money(value: Number) -> str:
    """``¥7万`` / ``¥70k`` when that is exact, ``¥12,345`` or ``¥7,000`` otherwise; cents only when there are any."""
    return moneys(value)[0]


@dataclass(frozen=True)
class Figures:
    """A measured value, its threshold and the distance between them, written in one unit."""

    value: str
    threshold: str
    distance: str  # how much is missing or to spare, without its sign; "" when no distance was given
    short: bool  # written in 万/亿 or k/M; False: exact digits


def _near(value: Fraction, threshold: Fraction) -> str:
    """A value in digits beside its bar: whole when it is whole, else with as many decimals as it takes to
    show which side of the bar it is on (``9,999.6`` against ``≥ 10,000``, not ``10,000``)."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    for decimals in range(7):
        shown = round(value, decimals)
        if shown != threshold:
            return f"{float(shown):,.{decimals}f}"
    return f"{float(value):,.7f}"


def figures(value: Number, threshold: Number, distance: Number | None = None) -> Figures:
    """``value`` against ``threshold``; ``distance`` is signed, as ``levels.rules.margin`` gives it:
    below zero what is still missing (``-27743`` → ``2.8万``), else what may be lost (``68398`` → ``6.8万``).

    The unit is the one the largest of the three calls for. The row falls back to exact digits when
    rounding could hide which side of the bar the value is on (see the module docstring)."""
    v, t = _fraction(value), _fraction(threshold)
    d = None if distance is None else _fraction(distance)
    largest = max(abs(v), abs(t), abs(d) if d is not None else Fraction(0))
    for unit in _units(largest):
        # Rounding to the nearest tenth moves a figure by half a step at most: a value a whole step away
        # from an exact threshold stays on its side, and the distance between them (a step, less one
        # for ">") does not read 0.
        if abs(v - t) >= unit.step and _fits(t, unit):
            gap = "" if d is None else _scaled(abs(d), unit, _nearest)
            return Figures(_scaled(v, unit, _nearest), _scaled(t, unit, _nearest), gap, True)
    return Figures(_near(v, t), exact(t), "" if d is None else exact(abs(d)), False)


def _decimal(value: Fraction, places: int) -> str:
    """``value`` rounded to the nearest with exactly ``places`` decimals, with separators."""
    scaled = _nearest(value * 10**places)
    whole, part = divmod(abs(scaled), 10**places)
    sign = "-" if scaled < 0 else ""
    return f"{sign}{whole:,}" + (f".{part:0{places}d}" if places else "")


def side_by_side(*values: Number, percent: bool = False) -> list[str]:
    """Small measures read next to each other (a creator's rating and their peers' median), all with the
    same number of decimals: none when every one is whole, else the fewest from one up to four that keep
    different values apart and give the smallest two significant digits (``4.35, 4.5`` → ``4.4``, ``4.5``;
    ``0.12, 0.5`` → ``0.12``, ``0.50``), rounded to the nearest. ``percent`` writes shares of one as
    percentages (``0.0345, 0.05`` → ``3.5%``, ``5.0%``)."""
    numbers = [_fraction(v) * (100 if percent else 1) for v in values]
    distinct = len(set(numbers))
    places = 0 if all(n.denominator == 1 for n in numbers) else 1
    smallest = min((abs(n) for n in numbers if n), default=Fraction(1))
    if smallest < 1:  # two significant digits at least: 0.12%, not 0.1%
        places = max(places, min(4, 1 - math.floor(math.log10(smallest))))
    while places < 4 and len({_decimal(n, places) for n in numbers}) < distinct:
        places += 1
    suffix = "%" if percent else ""
    return [_decimal(n, places) + suffix for n in numbers]
