"""``console.rows.creator_rows`` draws exactly what the creator list's template loop drew, only quicker."""

from itertools import product
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from console.rows import creator_rows

# The loop ``console/creators.html`` had, as it was.
LOOP = Template(
    "{% load i18n portal_format portal_names %}"
    "        {% for creator in page.object_list %}\n"
    "        <tr>\n"
    "          <td><a href=\"{% url 'console:creator' creator.external_id %}\">{{ creator.nickname }}</a>"
    ' <span class="muted num">{{ creator.external_id }}</span></td>\n'
    '          <td><span class="badge lv-{{ creator.held }}">LV{{ creator.held }}</span></td>\n'
    '          <td>{% if creator.measured is None %}<span class="muted">—</span>{% else %}LV{{ creator.measured }}'
    '{% if creator.at_risk %} <span class="pill pill-warning">{% translate "保级风险" %}</span>{% endif %}'
    "{% endif %}</td>\n"
    '          <td>{{ creator.region|default:"—" }}</td>\n'
    '          <td class="wrap">{{ creator.industries|industries|default:"—" }}</td>\n'
    '          <td class="num" title="{{ creator.fans|exact }}">{{ creator.fans|figure }}</td>\n'
    '          <td class="num">{{ creator.credit_score }}</td>\n'
    "        </tr>\n"
    "        {% endfor %}"
)


def rows() -> list[SimpleNamespace]:
    kinds = product(
        [("c-1001", "桃桃爱旅行"), ('x&y "z" <b>', "<script>'&'</script>"), ("a b%20c?#;=", ""), ("达人~:@!", "x")],
        [(0, None, False), (3, 2, True), (4, 4, False), (2, 0, False)],
        ["", "北京", "<i>"],
        [[], None, ["美妆"], ["美妆", "美食", "自由<词>"]],
        [0, 9_999, 286_000, 12_345_678],
    )
    return [
        SimpleNamespace(
            external_id=eid, nickname=name, held=held, measured=measured, at_risk=risk, region=region,
            industries=industries, fans=fans, credit_score=n % 101,
        )
        for n, ((eid, name), (held, measured, risk), region, industries, fans) in enumerate(kinds)
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_draw_what_the_template_drew(language):
    creators = rows()
    with translation.override(language):
        theirs = LOOP.render(Context({"page": SimpleNamespace(object_list=creators)}))
        ours = "        " + creator_rows(creators)
    assert ours == theirs
    assert creator_rows([]) == ""


def test_the_list_page_draws_them(operator_client, db):
    from tests.console import ledger

    ledger.creator(3, external_id="c-row", nickname="<桃桃>")
    response = operator_client.get("/console/creators/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/console/creators/c-row/">&lt;桃桃&gt;</a>' in html
    assert html.count("<tr>") == 2  # the head's row and the creator's
