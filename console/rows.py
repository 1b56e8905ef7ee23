"""The console's creator list and run list drawn in Python: 50 rows of a link, a badge, a pill and three
filters each cost the template language about 150 µs a row (``--breakdown``, most of the page's time); the
same HTML written here costs a small part of it. tests/console/test_creator_rows.py and test_run_rows.py
render the templates' former loops and compare them with ``creator_rows`` and ``run_rows`` for every kind
of row (and ``run_state`` with the run's former state partial).

Every value is escaped as the template's autoescape does (``lib.markup.escaped``, as the portal's rows
and the square's cards); the figures come from ``lib.format`` and the industries' names from
``creators.vocabulary``, as the filters did.
"""

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.urls.resolvers import RFC3986_SUBDELIMS
from django.utils import timezone
from django.utils.formats import localize
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


# A run's figures in the list, from its summary (``levels.jobs``' counts).
RUN_FIGURES = ("assessed", "up", "down", "passed")
_RUN_ID = 987654321  # reversed once a list, then replaced by each run's id


def run_state(run, *, stuck: bool = False) -> SafeString:
    """A run's state pill: done, failed, or running, waiting for the broker or (``stuck``, on the run
    page) gone silent."""
    if run.status == "done":
        return mark_safe(f'<span class="pill pill-success">{escaped(run.get_status_display())}</span>')
    if run.status == "failed":
        return mark_safe(f'<span class="pill pill-expired">{escaped(run.get_status_display())}</span>')
    if run.awaiting_broker_since:
        return mark_safe(f'<span class="pill pill-warning">{escaped(gettext("等待任务队列"))}</span>')
    if stuck:
        return mark_safe(f'<span class="pill pill-warning">{escaped(gettext("卡住"))}</span>')
    return mark_safe(f'<span class="pill pill-pending">{escaped(run.get_status_display())}</span>')


def _shown(value) -> str:
    """A value as ``{{ value }}`` shows it: localized, then escaped (a whole number as it is, unless
    thousands are separated: what ``localize`` gives it, without looking up the language's formats)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return escaped(localize(value))


def _figure(summary, name: str) -> str:
    """``{{ run.summary.<name>|default_if_none:"—" }}``: "—" for null, nothing for a count not kept."""
    if not isinstance(summary, dict) or name not in summary:
        return ""
    return "—" if summary[name] is None else _shown(summary[name])


def _minute(moment) -> str:
    """``{{ moment|localtime|date:"Y-m-d H:i" }}``."""
    local = timezone.localtime(moment)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def run_rows(runs: Iterable) -> SafeString:
    """The ``<tr>``s of ``console/runs.html``'s table for ``runs`` (``levels.run_selectors.runs_list``'s,
    with ``duration``), whitespace included."""
    head, tail = reverse("console:run", args=[_RUN_ID]).split(str(_RUN_ID))
    jobs: dict[str, str] = {}  # a list repeats the same few jobs and states
    states: dict[tuple, str] = {}
    rows = []
    for run in runs:
        if run.job not in jobs:
            jobs[run.job] = escaped(run.get_job_display())
        state = (run.status, bool(run.awaiting_broker_since))
        if state not in states:
            states[state] = run_state(run)
        chunks = f"{_shown(run.chunks_done)}/{_shown(run.chunks_total)}" if run.chunks_total else "—"
        figures = "".join(f'\n        <td class="num">{_figure(run.summary, name)}</td>' for name in RUN_FIGURES)
        finished = _minute(run.finished_at) if run.finished_at else "—"
        rows.append(
            "\n      <tr>"
            f'\n        <td><a href="{head}{run.pk}{tail}">{jobs[run.job]}</a>'
            f'<div class="meta">#{_shown(run.pk)}</div></td>'
            f'\n        <td class="num">{escaped(run.period)}</td>'
            f"\n        <td>\n{states[state]}\n</td>"
            f'\n        <td class="num">{chunks}</td>'
            f"{figures}"
            f'\n        <td class="num">{_minute(run.started_at)}</td>'
            f'\n        <td class="num">{finished}</td>'
            f'\n        <td class="num">{escaped(run.duration or "—")}</td>'
            f"\n        <td>{escaped(run.started_by or '—')}</td>"
            "\n      </tr>\n      "
        )
    return mark_safe("".join(rows))  # every value escaped above
