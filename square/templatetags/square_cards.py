"""``{{ card|creator_card }}``: a square card's ``<li>`` (``square.presenters.card_item``)."""

from django import template

from square.presenters import CreatorCard, card_item

register = template.Library()


@register.filter
def creator_card(card: CreatorCard) -> str:
    return card_item(card)
