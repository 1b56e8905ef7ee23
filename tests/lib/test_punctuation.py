"""Chinese text uses full-width punctuation (docs/ui.md "Look"): a half-width comma, semicolon, colon or
parenthesis that touches a Chinese character is a typo. Scanned: every msgid of the translation catalogue
(all gettext strings of the code and templates), the templates' text outside comments, and the benefit
catalogue as the migrations leave it in the database."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from benefits.models import Benefit

ROOT = Path(settings.BASE_DIR)
CJK = "\u3400-\u9fff"
# A half-width mark with a Chinese character right beside it (spaces between them do not excuse it), or
# parentheses around Chinese text (not a template's ``_("…")``).
HALF_WIDTH = re.compile(
    rf"[{CJK}] *[,;:()]|[,;:(] *[{CJK}]|\((?![\"'])[^()\n]*[{CJK}][^()\n]*\)",
)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)
PO_STRING = re.compile(r'^(?:msgid|msgid_plural) "(.*)"$|^"(.*)"$')


def offences(text: str) -> list[str]:
    return [match.group(0) for match in HALF_WIDTH.finditer(text)]


def catalogue_msgids() -> list[str]:
    """Each msgid of the English catalogue, joined across its wrapped lines."""
    msgids, current, inside = [], [], False
    for line in (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            if current:
                msgids.append("".join(current))
            current, inside = [PO_STRING.match(line).group(1)], True
        elif line.startswith('"') and inside:
            current.append(PO_STRING.match(line).group(2))
        else:
            inside = False
    if current:
        msgids.append("".join(current))
    return [msgid for msgid in msgids if msgid]


def test_the_scan_catches_each_half_width_mark_and_nothing_else():
    for wrong in ("LV3,剩 1 天", "订单(本周期)", "(要求 ≥ 20)", "还差一项; 请", "保存: 成功", "共 3 项 , 还差"):
        assert offences(wrong), wrong
    for right in ("LV3，剩 1 天", "订单（本周期）", "09:00, LV3 (max 3)", '{{ brand|default:_("品牌任务") }}'):
        assert not offences(right), right


def test_the_catalogue_of_chinese_strings_uses_full_width_punctuation():
    bad = {msgid: found for msgid in catalogue_msgids() if (found := offences(msgid))}
    assert bad == {}


def test_templates_use_full_width_punctuation_in_chinese_text():
    bad = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        if found := offences(text):
            bad[str(path.relative_to(ROOT))] = found
    assert bad == {}


@pytest.mark.django_db
def test_the_benefit_catalogue_uses_full_width_punctuation():
    rows = Benefit.objects.values_list("code", "name", "description")
    assert rows, "the catalogue is seeded by migrations"
    bad = {code: offences(name + " " + description) for code, name, description in rows}
    assert {code: found for code, found in bad.items() if found} == {}
