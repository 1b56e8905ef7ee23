"""Creators as the square reads them (level held, square benefits held, recent posts, profile), the signed-in
roles that may or may not see it, and a fixed "now" for the square's clock."""

from datetime import datetime, timedelta
from itertools import count

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from benefits.models import Benefit, BenefitKind, Entitlement, EntitlementStatus
from creators.models import Content, Creator
from insights.models import DailyIndex
from levels.models import CreatorLevel
from lib.periods import TZ
from square.boards import boards_refresh
from square.listing import listing_refresh
from square.selectors import SquareFilters, square_page

NOW = datetime(2026, 12, 10, 15, 0, tzinfo=TZ)
_ids = count(1)


def make_creator(
    *,
    level: int = 0,
    codes: tuple[str, ...] = (),
    posts: int = 0,
    fans: int = 50_000,
    industries: tuple[str, ...] = ("美食",),
    region: str = "上海",
    nickname: str | None = None,
    intro: str = "",
    lapsed: tuple[str, ...] = (),
) -> Creator:
    """A creator holding ``level`` and the benefits ``codes`` (delivered; ``lapsed`` ones lapsed), with
    ``posts`` items published two days before ``NOW``."""
    n = next(_ids)
    creator = Creator.objects.create(
        external_id=f"sq-{n}",
        nickname=nickname or f"达人{n}",
        fans=fans,
        industries=list(industries),
        region=region,
        intro=intro,
    )
    if level:
        CreatorLevel.objects.create(creator=creator, level=level, since=NOW - timedelta(days=40))
    for code, status in [*((c, EntitlementStatus.DELIVERED) for c in codes),
                         *((c, EntitlementStatus.LAPSED) for c in lapsed)]:  # fmt: skip
        Entitlement.objects.create(
            creator=creator, benefit=Benefit.objects.get(code=code), kind=BenefitKind.BASIC, level=level or 1,
            period="", quantity=1, delivered=1, status=status, granted_at=NOW - timedelta(days=30),
        )  # fmt: skip
    Content.objects.bulk_create(
        Content(external_id=f"sq-v-{n}-{i}", creator=creator, kind="video", published_at=NOW - timedelta(days=2))
        for i in range(posts)
    )
    return creator


def refresh(at: datetime = NOW) -> None:
    """Score everyone into the square's listing at ``at`` and rank the leaderboards, as beat's refresh does."""
    listing_refresh(at=at)
    boards_refresh(at=at)


def index_row(creator: Creator, day, **figures) -> DailyIndex:
    return DailyIndex.objects.create(creator=creator, date=day, **figures)


def _user(username: str, group: str | None = None, **extra) -> User:
    user = User.objects.create_user(username, password="pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch) -> datetime:
    monkeypatch.setattr("square.clock.now", lambda: NOW)
    return NOW


@pytest.fixture
def client_user(db) -> User:
    return _user("advertiser", settings.CLIENTS_GROUP)


@pytest.fixture
def advertiser(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture
def operator_client(client, db):
    client.force_login(_user("ops", settings.OPERATORS_GROUP, is_staff=True))
    return client


@pytest.fixture
def viewer_client(client, db):
    client.force_login(_user("look", settings.VIEWERS_GROUP, is_staff=True))
    return client


@pytest.fixture
def me(db) -> Creator:
    """A creator with a login (LV2, the LV2 square benefits, 5 posts)."""
    creator = make_creator(level=2, codes=("identity_tag", "square_ad_slot", "diamond_slot"), posts=5,
                           nickname="我自己")  # fmt: skip
    creator.user = _user("me")
    creator.save(update_fields=["user"])
    return creator


@pytest.fixture
def creator_client(client, me):
    client.force_login(me.user)
    return client


def listing(filters: SquareFilters | None = None) -> list[int]:
    """The whole listing as a client reads it (``filters``, or none), page after page."""
    ids, number = [], 1
    while True:
        page = square_page(filters=filters or SquareFilters(), page=number, me=None)
        ids += [c.pk for c in page.ads] + [c.pk for c in page.page]
        if not page.page.has_next():
            return ids
        number += 1
