"""Figures as the activity pages show them (ui.md "Look"): 万 for big counts, ¥ for money."""

from decimal import Decimal

from django import template

from lib import format as fmt
from portal.forms_profile import wan as _wan

register = template.Library()


@register.filter
def figure(value: int | float | Decimal | None) -> str:
    return fmt.figure(value)


@register.filter
def money(value: int | Decimal | None) -> str:
    return "—" if value is None else fmt.money(value)


@register.filter
def wan(value: int) -> str:
    return _wan(value)


@register.filter
def percent(value: float | None) -> int:
    """0.45 → 45 (for ``--pct`` and labels)."""
    return round((value or 0) * 100)
