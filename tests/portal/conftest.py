"""Signed-in clients for the portal's tests: a creator (with data meeting LV3 at ``AT``), another
creator, and an operator."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from creators.models import Creator
from tests.builders import creator_at_level


def _creator_with_login(username: str, level: int, **shape) -> Creator:
    creator = creator_at_level(level, **shape)
    creator.user = User.objects.create_user(username, password="pw")
    creator.save(update_fields=["user"])
    return creator


@pytest.fixture
def creator(db) -> Creator:
    return _creator_with_login("alice", 3)


@pytest.fixture
def other_creator(db) -> Creator:
    return _creator_with_login("bob", 2)


@pytest.fixture
def creator_client(client, creator):
    client.force_login(creator.user)
    return client


@pytest.fixture
def operator_client(client, db):
    user = User.objects.create_user("ops", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))
    client.force_login(user)
    return client
