"""``{{ cards|creator_cards }}``: square cards' ``<li>`` (``square.presenters.card_item``), one after another."""

from django import template
from django.utils.safestring import mark_safe

from square.presenters import CreatorCard, card_item

register = template.Library()


@register.filter
def creator_cards(cards: list[CreatorCard]) -> str:
    return mark_safe("".join(map(card_item, cards)))  # each card escaped by card_item
