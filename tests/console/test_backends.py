"""``console.backends.PermissionsBackend`` gives Django's model backend's answers, in one query: for
users with permissions of their own, through groups, both or none, inactive ones, superusers (active or
not) and anonymous users, every permission there is and one that is not, object permissions and app
labels. Signing in and sessions stay the model backend's."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.test import override_settings
from django.urls import reverse

from console import permissions

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def users() -> dict[str, User]:
    view = Permission.objects.get(content_type__app_label="creators", codename="view_creator")
    start = Permission.objects.get(content_type__app_label="levels", codename="add_jobrun")
    viewers, operators = (Group.objects.get(name=name) for name in (settings.VIEWERS_GROUP, settings.OPERATORS_GROUP))
    made = {
        "nobody": User.objects.create_user("nobody"),
        "direct": User.objects.create_user("direct"),
        "grouped": User.objects.create_user("grouped"),
        "both": User.objects.create_user("both"),
        "two_groups": User.objects.create_user("two-groups"),
        "inactive": User.objects.create_user("inactive", is_active=False),
        "superuser": User.objects.create_user("root", is_superuser=True),
        "inactive_superuser": User.objects.create_user("old-root", is_superuser=True, is_active=False),
        "client": User.objects.create_user("client"),
    }
    made["direct"].user_permissions.add(start)
    made["grouped"].groups.add(viewers)
    made["both"].groups.add(viewers)
    made["both"].user_permissions.add(start, view)  # also given through the group: held once
    made["two_groups"].groups.add(viewers, operators)
    made["inactive"].user_permissions.add(view)
    made["inactive"].groups.add(operators)
    made["client"].groups.add(Group.objects.get(name=settings.CLIENTS_GROUP))
    return made


def answers(user) -> dict[str, object]:
    """Everything Django answers about ``user``'s permissions, asked of a fresh copy (no cache)."""
    if user.is_authenticated:
        user = User.objects.get(pk=user.pk)
    named = Permission.objects.select_related("content_type")
    every = sorted(f"{p.content_type.app_label}.{p.codename}" for p in named)
    some = [permissions.VIEW, permissions.START_RUN, permissions.ERASE_CREATOR]
    return {
        "has_perm": {perm: user.has_perm(perm) for perm in [*every, "creators.no_such_permission"]},
        "on_an_object": user.has_perm(permissions.VIEW, obj=object()),
        "has_perms": user.has_perms(some),
        "all": user.get_all_permissions(),
        "own": user.get_user_permissions(),
        "groups'": user.get_group_permissions(),
        "modules": {app: user.has_module_perms(app) for app in ["creators", "levels", "axes", "auth", "nothing"]},
    }


def test_the_answers_are_the_model_backends(users):
    for name, user in [*users.items(), ("anonymous", AnonymousUser())]:
        ours = answers(user)
        with override_settings(AUTHENTICATION_BACKENDS=[MODEL_BACKEND]):
            assert ours == answers(user), name
    assert answers(users["two_groups"])["all"] == permissions.GROUPS[settings.OPERATORS_GROUP]
    assert answers(users["superuser"])["all"] == set(answers(users["superuser"])["has_perm"]) - {
        "creators.no_such_permission"
    }


def test_every_question_of_a_request_costs_one_query(users, django_assert_num_queries):
    from console.access import abilities

    for name in ("nobody", "grouped", "both", "two_groups", "client", "superuser"):
        user = User.objects.get(pk=users[name].pk)
        with django_assert_num_queries(1):
            user.has_perm(permissions.VIEW)
            can = abilities(user)
            user.get_all_permissions()
            user.has_module_perms("levels")
        assert can["start_run"] == (name in ("both", "two_groups", "superuser")), name
    inactive = User.objects.get(pk=users["inactive"].pk)
    with django_assert_num_queries(0):  # nothing to load for an inactive or anonymous user
        assert not inactive.has_perm(permissions.VIEW) and not any(abilities(inactive).values())
        assert not any(abilities(AnonymousUser()).values())


def test_signing_in_and_sessions_stay_the_model_backends(client, users):
    users["grouped"].set_password("pw")
    users["grouped"].save()
    response = client.post(reverse("login"), {"username": "grouped", "password": "pw"})
    assert response.status_code == 302 and client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    assert client.get(reverse("console:creators")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.post(reverse("login"), {"username": "grouped", "password": "wrong"}).status_code == 200
    client.force_login(users["nobody"])  # the first backend that keeps sessions
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    assert client.get(reverse("console:creators")).status_code == 403
