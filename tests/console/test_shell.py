"""The console's shell: who lands where after signing in, which navigation they see, and the groups'
permissions as the one definition in ``console.permissions`` says."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from console import permissions
from lib.perms import holds

pytestmark = pytest.mark.django_db


def sign_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": "pw"})


def test_an_operator_lands_on_the_console(client, operator):
    assert sign_in(client, "ops1")["Location"] == reverse("console:dashboard")


def test_a_viewer_lands_on_the_console(client, viewer):
    assert sign_in(client, "viewer1")["Location"] == reverse("console:dashboard")


def test_a_creator_lands_on_their_home(client, creator_user):
    assert sign_in(client, "alice")["Location"] == reverse("home")


def test_a_next_parameter_still_wins_for_an_operator(client, operator):
    response = client.post(reverse("login") + "?next=/admin/", {"username": "ops1", "password": "pw"})
    assert response["Location"] == "/admin/"


def test_a_creator_never_sees_a_console_link(client, creator_user):
    client.force_login(creator_user)
    body = client.get(reverse("home")).content.decode()
    assert "/console/" not in body


def codes(group: str) -> set[str]:
    perms = Group.objects.get(name=group).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in perms}


def test_groups_hold_exactly_their_permissions():
    assert codes(settings.OPERATORS_GROUP) == permissions.GROUPS[settings.OPERATORS_GROUP]
    assert codes(settings.VIEWERS_GROUP) == permissions.GROUPS[settings.VIEWERS_GROUP]
    assert codes(settings.CLIENTS_GROUP) == set()


def test_viewers_may_look_but_do_nothing(viewer, operator):
    assert viewer.has_perm(permissions.VIEW) and operator.has_perm(permissions.VIEW)
    assert not any(viewer.has_perm(p) for p in permissions.ACTIONS.values())
    assert all(operator.has_perm(p) for p in permissions.ACTIONS.values())


def test_holds_answers_as_has_perm_in_one_query(django_assert_num_queries):
    from django.contrib.auth.models import Permission, User

    view = Permission.objects.get(content_type__app_label="creators", codename="view_creator")
    users = {
        "nobody": User.objects.create_user("nobody"),
        "viewer": User.objects.create_user("grouped"),
        "direct": User.objects.create_user("direct"),
        "inactive": User.objects.create_user("inactive", is_active=False),
        "superuser": User.objects.create_user("root", is_superuser=True),
        "client": User.objects.create_user("client"),
    }
    users["viewer"].groups.add(Group.objects.get(name=settings.VIEWERS_GROUP))
    users["direct"].user_permissions.add(view)
    users["inactive"].user_permissions.add(view)
    users["client"].groups.add(Group.objects.get(name=settings.CLIENTS_GROUP))
    held = {}
    for name, user in users.items():
        with django_assert_num_queries(1 if user.is_active and not user.is_superuser else 0):
            held[name] = holds(user, permissions.VIEW)
        assert held[name] == User.objects.get(pk=user.pk).has_perm(permissions.VIEW), name
    assert held == {"nobody": False, "viewer": True, "direct": True, "inactive": False, "superuser": True,
                    "client": False}  # fmt: skip
    assert not holds(users["viewer"], permissions.START_RUN)


def test_groups_sync_repairs_an_edited_group():
    from django.apps import apps

    Group.objects.get(name=settings.VIEWERS_GROUP).permissions.clear()
    permissions.groups_sync(apps)
    assert codes(settings.VIEWERS_GROUP) == permissions.GROUPS[settings.VIEWERS_GROUP]
