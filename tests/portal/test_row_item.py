"""``portal.presenters.rows.row_item`` draws exactly what 权益中心's ``req-row`` partial drew, only quicker."""

from dataclasses import replace
from itertools import product
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portal.presenters.rows import Row, row_item

# The partial as it was (between ``{% partialdef req-row %}`` and ``{% endpartialdef %}``).
PARTIAL = Template("{% load i18n %}\n" + (Path(__file__).parent / "req_row_partial.html").read_text())

BASE = Row(
    code="posts_30d", label="近30天发布", hint="", met=True, value="28.6万", target="> 30万",
    exact="286,000 / > 300,000", pct=95, gap="", margin="", tight=False, action_url=None, action_text="",
)  # fmt: skip


def rows() -> list[Row]:
    variants = product(
        [True, False],  # met
        [("", ""), ("余 1", ""), ("", "还差 1.4万")],  # margin, gap
        [False, True],  # tight
        [("", ""), ("/academy/", "去学习"), (None, "联系运营 <&>")],  # action url, text
        # label, hint
        [("近30天发布", ""), (gettext_lazy("达成"), "近 30 天内"), ('<b>"x"</b>', mark_safe("<i>ok</i>"))],
        [("28.6万", "> 30万", "286,000"), ("已完成", "", "")],  # value, target, exact
    )
    return [
        replace(BASE, met=met, margin=margin, gap=gap, tight=tight, action_url=url, action_text=text, label=label,
                hint=hint, value=value, target=target, exact=title, pct=0 if met else 99)
        for met, (margin, gap), tight, (url, text), (label, hint), (value, target, title) in variants
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_row_draws_what_the_partial_drew(language):
    with translation.override(language):
        for row in rows():
            assert row_item(row) == PARTIAL.render(Context({"row": row}))[1:], row
