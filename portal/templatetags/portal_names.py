"""Names from the fixed vocabularies in the reader's language: ``{{ creator.industries|industries }}`` →
美妆、美食 / Beauty, Food (values outside the vocabulary read as written)."""

from django import template

from creators.vocabulary import industry_names

register = template.Library()


@register.filter
def industries(values) -> str:
    return industry_names(values or [])
