"""我的权益 → where clients see it (docs/program.md §5): every benefit the system delivers on its own that shows
to clients (identity tag, square slots, diamond slot, leaderboard priority) links to the creator's card on
the square or to the leaderboards; a lapsed one, and benefits that show nowhere, do not."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from benefits.models import BenefitCode, EntitlementStatus
from square.listing import listing_refresh
from tests.portal.support import assess, entitlement, now  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def row_html(body: str, pk: int) -> str:
    return re.search(rf'<li class="benefit-row[^"]*" id="benefit-{pk}">.*?</li>', body, re.S).group(0)


def test_lv3_exposure_benefits_link_to_where_they_show(creator_client: Client, creator) -> None:
    assess()  # LV3: identity tag, fixed ad slot, diamond slot, leaderboard priority, all delivered
    body = creator_client.get("/benefits/").content.decode()
    on_square = (BenefitCode.IDENTITY_TAG, BenefitCode.SQUARE_AD_SLOT_FIXED, BenefitCode.DIAMOND_SLOT)
    for code in on_square:
        row = row_html(body, entitlement(creator, code).pk)
        assert "系统自动派发" in row and '<a href="/square/?page=me#me">在达人广场查看 ›</a>' in row
    row = row_html(body, entitlement(creator, BenefitCode.LEADERBOARD_PRIORITY).pk)
    assert '<a href="/leaderboards/">查看榜单 ›</a>' in row
    # A benefit that shows nowhere on the client side gets no such link.
    assert "/square/" not in row_html(body, entitlement(creator, BenefitCode.CLIENT_RECOMMENDATION).pk)


def test_the_link_opens_the_creators_own_card(creator_client: Client, creator) -> None:
    assess()
    listing_refresh(at=timezone.now())  # the square's daily listing, with the creator at their new level
    response = creator_client.get("/square/?page=me")
    assert response.status_code == 200 and 'id="me"' in response.content.decode()


def test_a_lapsed_benefit_links_nowhere(creator_client: Client, creator) -> None:
    assess()
    tag = entitlement(creator, BenefitCode.IDENTITY_TAG)
    tag.status = EntitlementStatus.LAPSED
    tag.save(update_fields=["status"])
    row = row_html(creator_client.get("/benefits/").content.decode(), tag.pk)
    assert "已失效" in row and "/square/" not in row
