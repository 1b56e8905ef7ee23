"""Helpers for the portal page tests: the clock pages are judged at, the jobs that give levels and
benefits, and creators shaped to a level."""

import html
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from benefits.models import Entitlement
from creators.models import Creator
from levels.models import CreatorLevel
from portal import clock
from tests.builders import AT, creator_at_level

# Pages are read on the day after the monthly assessment of 2026-12: period 2026-12, reward cycle
# 2026Q4 in progress (its rewards for 2026Q3 apply now), 30 days left in the month.
NOW = AT + timedelta(days=1)


@pytest.fixture
def now(monkeypatch):
    """Freeze the portal's clock at ``NOW`` (the builders' data is shaped around ``AT``)."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


def assess(at=AT, mode: str = "monthly") -> None:
    call_command("assess_levels", "--at", at.isoformat(), "--mode", mode, stdout=StringIO(), stderr=StringIO())


def assess_rewards(cycle: str, at) -> None:
    call_command("assess_rewards", "--cycle", cycle, "--at", at.isoformat(), stdout=StringIO(), stderr=StringIO())


def with_login(creator: Creator, username: str) -> Creator:
    creator.user = User.objects.create_user(username, password="pw")
    creator.save(update_fields=["user"])
    return creator


def creator_with_login(level: int, username: str = "carol", **shape) -> Creator:
    return with_login(creator_at_level(level, **shape), username)


def hold(creator: Creator, level: int) -> None:
    """Set the level held directly (data may say otherwise: that is how "at risk" looks)."""
    CreatorLevel.objects.update_or_create(creator=creator, defaults={"level": level, "since": AT})


def entitlement(creator: Creator, code: str, **filters) -> Entitlement:
    return Entitlement.objects.select_related("benefit").get(creator=creator, benefit__code=code, **filters)


def text(response) -> str:
    """The response's visible text, tags dropped and whitespace squeezed (assert on what people read)."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


def fragment(response) -> str:
    body = response.content.decode()
    assert "<html" not in body, "an HTMX request got a whole page"
    return body
