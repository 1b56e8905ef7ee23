"""我的权益 says which period each row belongs to: a reward row names the cycle it was earned in (the
header shows the cycle in progress), an owed row from earlier says it is carried over. And the catalogue,
pages and messages write 1对1, never 1v1."""

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client

from benefits.models import Benefit, Entitlement, LevelBenefit
from benefits.selectors import catalogue_load
from benefits.services.grants import entitlements_grant_reward
from levels.models import CreatorLevel
from lib.periods import Cycle
from tests.builders import AT
from tests.portal.support import assess, entitlement, fragment, now, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
HTMX = {"HX-Request": "true"}
ROOT = Path(__file__).resolve().parents[2]


def row(body: str, pk: int) -> str:
    match = re.search(rf'<li class="benefit-row[^"]*" id="benefit-{pk}">.*?</li>', body, re.S)
    assert match, f"no row for entitlement {pk}"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))).strip()


@pytest.fixture
def rewarded(creator):
    """The signed-in creator at LV3 for 2026-12, with the LV3 reward for passing 2026Q3."""
    assess()
    entitlements_grant_reward(
        creators=CreatorLevel.objects.filter(creator=creator).values("creator_id"),
        level=3, cycle=Cycle(2026, 3), at=AT, catalogue=catalogue_load(),
    )  # fmt: skip
    return creator


def test_each_reward_row_names_the_cycle_it_was_earned_in(creator_client: Client, rewarded) -> None:
    response = creator_client.get("/benefits/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "奖励周期 2026Q4" in text(response)  # the header: the cycle in progress
    rewards = Entitlement.objects.filter(creator=rewarded, kind="reward")
    assert rewards.count() == 3
    for reward in rewards:
        assert "2026Q3 达成" in row(body, reward.pk)
    basic = entitlement(rewarded, "guarantee_card", period="2026-12")
    assert "达成" not in row(body, basic.pk) and "结转" not in row(body, basic.pk)


def test_a_claimed_reward_row_keeps_its_cycle_after_the_htmx_swap(creator_client: Client, rewarded) -> None:
    fanxing = entitlement(rewarded, "fanxing_priority", period="2026Q3")
    response = creator_client.post(f"/benefits/{fanxing.pk}/claim/", headers=HTMX)
    assert response.status_code == 200
    swapped = row(fragment(response), fanxing.pk)
    assert "2026Q3 达成" in swapped and "已领取" in swapped


def test_an_owed_reward_from_an_earlier_cycle_is_labelled_and_carried_over(creator_client: Client, rewarded) -> None:
    current = entitlement(rewarded, "client_recommendation", period="2026Q3")
    old = Entitlement.objects.create(
        creator=rewarded, benefit=current.benefit, kind="reward", level=3, period="2026Q2", quantity=2,
        status="pending", granted_at=AT - timedelta(days=90),
    )  # fmt: skip
    assert "2026Q2 达成 · 结转" in row(creator_client.get("/benefits/").content.decode(), old.pk)


def test_english_names_the_cycle_too(creator_client: Client, rewarded) -> None:
    creator_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    fanxing = entitlement(rewarded, "fanxing_priority", period="2026Q3")
    assert "Earned in 2026Q3" in row(creator_client.get("/benefits/").content.decode(), fanxing.pk)


# --- 1对1 -------------------------------------------------------------------------------------------------


def test_the_catalogue_writes_1对1_throughout() -> None:
    names = list(Benefit.objects.values_list("name", flat=True))
    texts = names + list(Benefit.objects.values_list("description", flat=True))
    assert "官方1对1运营指导社群" in names and "1对1精准客户推荐" in names
    assert not [t for t in texts if "1v1" in t.lower()]


def test_catalogue_amounts_read_in_wan() -> None:
    notes = set(LevelBenefit.objects.exclude(value_note="").values_list("value_note", flat=True))
    assert {"价值¥5,000", "价值¥1万 黄金钻展位", "价值¥3万 组合钻展位", "价值¥3万以上", "价值¥8万以上"} == notes


def test_no_chinese_text_in_code_or_templates_writes_1v1() -> None:
    """Pages and messages say 1对1 as the catalogue does (English text says 1-on-1)."""
    msgids = re.findall(r'^msgid "(.*)"$', (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(), re.M)
    assert not [m for m in msgids if "1v1" in m.lower()]
    templates = [p for p in (ROOT / "templates").rglob("*.html") if "1v1" in p.read_text().lower()]
    assert not templates
