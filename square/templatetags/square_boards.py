"""``{{ rows|board_items }}``: a leaderboard's ``<li>`` rows (``square.presenters.board_items``)."""

from django import template

from square import presenters

register = template.Library()


@register.filter
def board_items(rows: list[presenters.BoardRow]) -> str:
    return presenters.board_items(rows)
