"""``console.rows.run_rows`` draws exactly what the run list's template loop drew, and ``run_state``
what the run's state partial drew, for every kind of run, in both languages."""

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from django.template import Context, Template
from django.utils import translation

from console.rows import run_rows, run_state
from levels.models import JobRun

# ``console/_run_state.html`` as it was.
STATE = (
    "{% load i18n %}{# A run's state pill; a running run may wait for the broker, or (``stuck``, on the run page)"
    " have gone silent. #}\n"
    '{% if run.status == "done" %}<span class="pill pill-success">{{ run.get_status_display }}</span>'
    '{% elif run.status == "failed" %}<span class="pill pill-expired">{{ run.get_status_display }}</span>'
    '{% elif run.awaiting_broker_since %}<span class="pill pill-warning">{% translate "等待任务队列" %}</span>'
    '{% elif stuck %}<span class="pill pill-warning">{% translate "卡住" %}</span>'
    '{% else %}<span class="pill pill-pending">{{ run.get_status_display }}</span>{% endif %}\n'
)
# The loop ``console/runs.html`` had, as it was (the state partial included in place).
LOOP = Template(
    "{% load i18n tz %}"
    "      {% for run in page %}\n"
    "      <tr>\n"
    "        <td><a href=\"{% url 'console:run' run.pk %}\">{{ run.get_job_display }}</a>"
    '<div class="meta">#{{ run.pk }}</div></td>\n'
    '        <td class="num">{{ run.period }}</td>\n'
    "        <td>{% include state %}</td>\n"
    '        <td class="num">{% if run.chunks_total %}{{ run.chunks_done }}/{{ run.chunks_total }}'
    "{% else %}—{% endif %}</td>\n"
    '        <td class="num">{{ run.summary.assessed|default_if_none:"—" }}</td>\n'
    '        <td class="num">{{ run.summary.up|default_if_none:"—" }}</td>\n'
    '        <td class="num">{{ run.summary.down|default_if_none:"—" }}</td>\n'
    '        <td class="num">{{ run.summary.passed|default_if_none:"—" }}</td>\n'
    '        <td class="num">{{ run.started_at|localtime|date:"Y-m-d H:i" }}</td>\n'
    '        <td class="num">{% if run.finished_at %}{{ run.finished_at|localtime|date:"Y-m-d H:i" }}{% else %}—'
    "{% endif %}</td>\n"
    '        <td class="num">{{ run.duration|default:"—" }}</td>\n'
    '        <td>{{ run.started_by|default:"—" }}</td>\n'
    "      </tr>\n"
    "      {% empty %}\n"
    '      <tr><td colspan="12" class="empty">{% translate "没有符合条件的运行" %}</td></tr>\n'
    "      {% endfor %}"
)
START = datetime(2026, 12, 31, 16, 5, 59, tzinfo=UTC)  # 2027-01-01 00:05 in Shanghai


def runs() -> list[JobRun]:
    kinds = product(
        [("assess_monthly", "2026-12"), ("compute_index", "2026-12-05"), ("warn_at_risk", "<b>\"&'")],
        [("done", None), ("failed", None), ("running", None), ("running", START)],
        [{}, {"assessed": 100_000, "up": 0, "down": None, "passed": 12_345}, {"up": 1.5, "other": 3}, None, []],
        [(0, 0), (20, 7)],
        [None, START + timedelta(hours=1, minutes=2, seconds=3)],
        ["", "beat", "console:<ops>"],
    )
    made = []
    for n, ((job, period), (status, waiting), summary, (total, done), finished, by) in enumerate(kinds):
        run = JobRun(pk=n + 1 + n * 997, job=job, period=period, status=status, awaiting_broker_since=waiting,
                     summary=summary, started_at=START, finished_at=finished, started_by=by)  # fmt: skip
        run.chunks_total, run.chunks_done, run.duration = total, done, "1:02:03" if finished else ""
        made.append(run)
    return made


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("separated", [False, True])
def test_the_rows_draw_what_the_template_drew(language, separated, settings):
    settings.USE_THOUSAND_SEPARATOR = separated
    listed = runs()
    with translation.override(language):
        theirs = LOOP.render(Context({"page": listed, "state": Template(STATE)}))
        ours = "      " + run_rows(listed)
    assert ours == theirs
    assert run_rows([]) == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_state_is_what_the_partial_drew(language):
    with translation.override(language):
        for run, stuck in product(runs()[::10], [False, True]):
            theirs = Template(STATE).render(Context({"run": run, "stuck": stuck}))
            assert f"\n{run_state(run, stuck=stuck)}\n" == theirs
