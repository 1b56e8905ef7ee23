"""Signed-in clients for every role the console knows (interfaces §4.1 and §5): anonymous, a creator,
an advertiser (``clients``), a view-only operator (``ops_viewers``), an operator and a superuser; and
the ``shot`` fixture the console's browser tests take their screenshots with."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page

from tests.browser import assert_no_sideways_scroll, screenshot
from tests.builders import creator_at_level


def _user(username: str, group: str | None = None, **extra) -> User:
    user = User.objects.create_user(username, password="pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def operator(db) -> User:
    return _user("ops1", settings.OPERATORS_GROUP, is_staff=True)


@pytest.fixture
def viewer(db) -> User:
    return _user("viewer1", settings.VIEWERS_GROUP, is_staff=True)


@pytest.fixture
def client_user(db) -> User:
    return _user("client1", settings.CLIENTS_GROUP)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", password="pw")


@pytest.fixture
def creator_user(db) -> User:
    creator = creator_at_level(3)
    creator.user = _user("alice")
    creator.save(update_fields=["user"])
    return creator.user


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def shot(screenshots_dir: Path) -> Callable[[Page, str, str], None]:
    def take(page: Page, name: str, size: str) -> None:
        """A full-page screenshot from the top (scrolled, the sticky header would be stitched mid-page);
        toasts float over whatever is under them, the picture is of the page."""
        assert_no_sideways_scroll(page)
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(
            page, screenshots_dir / f"console-{name}-{size}.png", full_page=True, style="#toasts { display: none; }"
        )

    return take
