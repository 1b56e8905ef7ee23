"""``square.presenters.card_item`` draws exactly what the square's ``creator-card`` partial drew, only quicker."""

from itertools import product
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from square.presenters import IDENTITY_TAG, CreatorCard, card_item

# The partial as it was (between ``{% partialdef creator-card %}`` and ``{% endpartialdef %}``).
PARTIAL = Template("{% load i18n %}\n" + (Path(__file__).parent / "creator_card_partial.html").read_text())


def cards() -> list[CreatorCard]:
    kinds = product(
        [0, 3],  # level
        [(False, False), (True, False), (True, True), (False, True)],  # is_me, in_ad_slot
        [(False, []), (True, []), (False, ["广告位", "钻展位"]), (True, ["<b>&</b>"])],  # identity, badges
        ["", "爱旅行的桃桃", '<script>"x"</script>'],  # intro
        [0, 1, 25],  # posts
        [("", ""), ("美妆、美食", ""), ("", "北京"), ("美妆", "<上海>")],  # industries, region
        [("桃桃", "28.6万", "286,000"), (mark_safe("<i>安全</i>"), "0", "0")],  # nickname, fans
    )
    return [
        CreatorCard(
            creator=SimpleNamespace(nickname=nick, region=region), level=level, identity=identity, badges=badges,
            industries=industries, fans=fans, fans_exact=fans_exact, posts_30d=posts, intro=intro, is_me=me,
            in_ad_slot=ad,
        )
        for level, (me, ad), (identity, badges), intro, posts, (industries, region), (nick, fans, fans_exact) in kinds
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_card_draws_what_the_partial_drew(language):
    with translation.override(language):
        for card in cards():
            assert card_item(card) == PARTIAL.render(Context({"c": card, "identity_tag": IDENTITY_TAG}))[1:], card
