"""``console.context_processors.navigation`` draws exactly what ``console/base.html``'s ``nav`` block drew,
for every section and a page outside them, in both languages."""

from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from console.context_processors import SECTIONS, navigation

# ``console/base.html``'s ``nav`` block, as it was.
BLOCK = Template("{% load i18n %}" + (Path(__file__).parent / "nav_block.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_navigation_draws_what_the_block_drew(language):
    with translation.override(language):
        for section in [name for _, name, _ in SECTIONS] + ["elsewhere"]:
            assert navigation(section) == BLOCK.render(Context({"console_section": section})), section


def test_a_console_page_marks_its_section(operator_client):
    body = operator_client.get(reverse("console:runs")).content.decode()
    assert f'<a href="{reverse("console:runs")}" aria-current="page">任务运行</a>' in body
    assert body.count('aria-current="page"') == 1
