"""``{% portal_nav %}``: the portal's navigation (``portal/_nav.html``), drawn once per process for each
section, console link, language and URL prefix, with the unread badge's count put in on every page. The
links, their labels and icons are the same for every creator; only the count is theirs."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

TEMPLATE = "portal/_nav.html"
# Stands in for the count while the navigation is drawn: a value no count or label can be.
_BADGE = "\x00unread\x00"


def _value(context: template.Context, name: str):
    """A context value as the template would read it: the context processors give callables."""
    value = context.get(name)
    return value() if callable(value) else value


@lru_cache(maxsize=256)
def _drawn(section: str, is_operator: bool, language: str, prefix: str) -> str:
    return render_to_string(TEMPLATE, {"nav_section": section, "is_operator": is_operator, "unread_count": _BADGE})


@register.simple_tag(takes_context=True)
def portal_nav(context: template.Context) -> SafeString:
    drawn = _drawn(_value(context, "nav_section") or "", bool(_value(context, "is_operator")), get_language(),
                   get_script_prefix())  # fmt: skip
    count = _value(context, "unread_count")
    return mark_safe(drawn.replace(_BADGE, str(int(count)) if count else ""))  # a whole number: nothing to escape
