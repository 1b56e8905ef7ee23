"""Figures as ``lib.format`` writes them (docs/ui.md "Look"): ``{{ 286000|figure }}`` → 28.6万,
``{{ 70000|money }}`` → ¥7万, ``{{ plays|against:threshold }}`` → the pair in one unit,
``{{ 72258|exact }}`` → 72,258 for a title, ``{{ at|stamp }}`` → 2026-12-01 02:00 in Asia/Shanghai."""

from datetime import datetime

from django import template

from lib import format as fmt
from lib.periods import local
from portal.presenters.rows import Row, row_item

register = template.Library()


@register.filter
def figure(value) -> str:
    return fmt.figure(value)


@register.filter
def money(value) -> str:
    return "—" if value is None else fmt.money(value)


@register.filter
def wan(value: int) -> str:
    """A threshold on its own: 100000 → 10万; one without an exact short form stays in digits."""
    return fmt.round_count(value)


@register.filter
def exact(value) -> str:
    """Every digit, for a ``title`` beside a short figure: 72258 → 72,258."""
    return fmt.exact(value)


@register.filter
def against(value, threshold) -> fmt.Figures:
    """A value and its threshold in one unit: ``{% with f=plays|against:t %}{{ f.value }} / {{ f.threshold }}``."""
    return fmt.figures(value, threshold)


@register.filter
def percent(value: float | None) -> int:
    """0.45 → 45 (for ``--pct`` and labels)."""
    return round((value or 0) * 100)


@register.filter
def stamp(value: datetime | None) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.filter
def day(value: datetime | None) -> str:
    return local(value).strftime("%Y-%m-%d") if value else ""


@register.filter
def month_day(value: datetime | None) -> str:
    """5/30: a short date for "最近到期"."""
    return f"{local(value).month}/{local(value).day}" if value else ""


@register.filter
def req_row(row: Row) -> str:
    """A requirement row's ``<li>`` (``portal.presenters.rows.row_item``): ``{{ row|req_row }}``."""
    return row_item(row)
