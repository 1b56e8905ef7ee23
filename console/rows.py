"""The console's creator list drawn in Python: 50 rows of a link, a badge, a pill and three filters each
cost the template language about 150 µs a row (``--breakdown``, most of the page's time); the same HTML
written here costs a small part of it. tests/console/test_creator_rows.py renders the template's former
loop and compares it with ``creator_rows`` for every kind of row.

Every value is escaped as the template's autoescape does (``lib.markup.escaped``, as the portal's rows
and the square's cards); the figures come from ``lib.format`` and the industries' names from
``creators.vocabulary``, as the filters did.
"""

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.urls.resolvers import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from creators.vocabulary import industry_names
from lib import format as fmt
from lib.markup import escaped

# What a row shows: the creator's fields and ``creators_with_standing``'s annotations.
ROW_FIELDS = ("external_id", "nickname", "held", "measured", "at_risk", "region", "industries", "fans", "credit_score")
Row = Any  # a named row (or a model instance) with ROW_FIELDS

# Reversed once a list, then filled with each id quoted as ``reverse`` quotes it (the ids are plain words).
_PLACEHOLDER = "0external0id0"
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


def _links() -> Callable[[str], str]:
    """``external_id`` → the creator page's path, what ``{% url 'console:creator' external_id %}`` gives."""
    head, tail = reverse("console:creator", args=[_PLACEHOLDER]).split(_PLACEHOLDER)

    def link(external_id: str) -> str:
        if not external_id or "/" in external_id:  # no match for ``<str:…>``: as reverse answers
            return reverse("console:creator", args=[external_id])
        return f"{head}{quote(external_id, safe=_PATH_SAFE)}{tail}"

    return link


def creator_rows(creators: Iterable[Row]) -> SafeString:
    """The ``<tr>``s of ``console/creators.html``'s table for ``creators`` (read as named rows of
    ``levels.selectors.creators_with_standing``), whitespace included."""
    link = _links()
    at_risk = f' <span class="pill pill-warning">{escaped(gettext("保级风险"))}</span>'
    industries: dict[tuple, str] = {}  # a list repeats the same few sets
    rows = []
    for c in creators:
        measured = '<span class="muted">—</span>' if c.measured is None else f"LV{c.measured}"
        if c.measured is not None and c.at_risk:
            measured += at_risk
        key = tuple(c.industries or ())
        if key not in industries:
            industries[key] = escaped(industry_names(key) or "—")
        rows.append(
            "\n        <tr>"
            f'\n          <td><a href="{escaped(link(c.external_id))}">{escaped(c.nickname)}</a>'
            f' <span class="muted num">{escaped(c.external_id)}</span></td>'
            f'\n          <td><span class="badge lv-{c.held}">LV{c.held}</span></td>'
            f"\n          <td>{measured}</td>"
            f"\n          <td>{escaped(c.region or '—')}</td>"
            f'\n          <td class="wrap">{industries[key]}</td>'
            f'\n          <td class="num" title="{escaped(fmt.exact(c.fans))}">{escaped(fmt.figure(c.fans))}</td>'
            f'\n          <td class="num">{c.credit_score}</td>'
            "\n        </tr>\n        "
        )
    return mark_safe("".join(rows))  # every value escaped above
