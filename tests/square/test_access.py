"""Who sees the square and the leaderboards (interfaces §4, §5): clients, operators, view-only operators and
creators; anonymous users go to the login page; anyone else gets 403. Clients reach neither the creator
pages nor the console, and their navigation offers only what they may open."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import URLPattern, reverse
from django.utils import timezone

from creators.models import Creator
from portal import urls as portal_urls
from square.access import viewer

from .conftest import make_creator

pytestmark = pytest.mark.django_db

ROUTES = ["/square/", "/leaderboards/"]


@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_goes_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("who", ["advertiser", "operator_client", "viewer_client", "creator_client"])
def test_clients_operators_and_creators_see_it(request, who, path):
    assert request.getfixturevalue(who).get(path).status_code == 200


@pytest.mark.parametrize("path", ROUTES)
def test_a_superuser_sees_it(client, path):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ROUTES)
def test_any_other_signed_in_user_is_refused(client, path):
    client.force_login(User.objects.create_user("nobody", password="pw"))
    response = client.get(path)
    assert response.status_code == 403
    assert "达人广场只对客户、运营和达人开放" in response.content.decode()


@pytest.mark.parametrize("path", ROUTES)
def test_the_pages_only_read(advertiser, path):
    assert advertiser.post(path).status_code == 405


def test_a_client_lands_on_the_square_after_signing_in(client, client_user):
    response = client.post(reverse("login"), {"username": "advertiser", "password": "pw"})
    assert response["Location"] == reverse("square")


# --- what clients cannot reach ---------------------------------------------------------------------


# The 精选案例 gallery is open to every signed-in user on purpose (approved cases are a showcase).
OPEN_TO_ALL = {"cases"}


def portal_paths() -> list[str]:
    """Every creator page, its path parameters filled with values that do not matter (the access check
    comes before any lookup)."""
    paths = []
    for pattern in portal_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in OPEN_TO_ALL:
            continue
        params = {"entitlement_id": 1, "code": "any", "lesson_id": 1}
        kwargs = {name: params[name] for name in pattern.pattern.converters}
        paths.append(reverse(pattern.name, kwargs=kwargs))
    return paths


@pytest.mark.parametrize("path", portal_paths())
def test_a_client_cannot_open_a_creator_page(advertiser, path):
    response = advertiser.get(path)
    body = response.content.decode()
    assert response.status_code == 403
    assert 'href="/square/"' in body  # the way out is the square, not a creator page
    assert 'href="/levels/"' not in body and 'href="/tasks/"' not in body


@pytest.mark.parametrize("path", ["/console/", "/console/creators/", "/console/cards/", "/console/runs/"])
def test_a_client_cannot_open_the_console(advertiser, path):
    """The console's permission matrix (tests/console/test_permissions.py) checks every console route for
    clients; here, the refusal points a client to the square."""
    response = advertiser.get(path)
    assert response.status_code == 403
    assert 'href="/square/"' in response.content.decode()


def test_a_client_cannot_post_to_the_console(advertiser):
    assert advertiser.post("/console/cards/issue/", {"creators": "c-1", "count": 1}).status_code == 403


# --- navigation -----------------------------------------------------------------------------------------


def nav_links(body: str) -> list[str]:
    nav = re.search(r'<nav class="app-nav[^"]*"[^>]*>(.*?)</nav>', body, re.S).group(1)
    return re.findall(r'href="([^"]+)"', nav)


def test_a_client_navigates_between_the_square_and_the_leaderboards(advertiser):
    body = advertiser.get("/square/").content.decode()
    assert nav_links(body) == ["/square/", "/leaderboards/"]
    assert '<a class="brand" href="/square/">' in body
    assert 'href="/square/" aria-current="page"' in body
    assert 'href="/leaderboards/" aria-current="page"' in advertiser.get("/leaderboards/").content.decode()


def test_an_operator_also_gets_the_console_link(operator_client):
    assert nav_links(operator_client.get("/square/").content.decode()) == ["/square/", "/leaderboards/", "/console/"]


def test_a_creator_keeps_the_portal_navigation_with_the_square_marked(creator_client):
    body = creator_client.get("/square/").content.decode()
    assert 'aria-label="主导航"' in body and 'href="/levels/"' in body
    assert 'class="nav-link nav-more has-current"' in body
    assert '<a href="/square/" aria-current="page" class="nav-link">' in body
    assert '<a class="brand" href="/">' in body


def test_the_creator_nav_offers_the_square_under_more(creator_client):
    body = creator_client.get("/").content.decode()
    assert '<a href="/square/" class="nav-link">' in body


# --- who the viewer is, in one query -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "groups, is_creator, expected",
    [
        # (a creator, counts as a client, in an audience group, given the console's view permission)
        ([], False, (False, False, False, False)),
        ([settings.CLIENTS_GROUP], False, (False, True, True, False)),
        ([settings.OPERATORS_GROUP], False, (False, False, True, True)),
        ([settings.VIEWERS_GROUP], False, (False, False, True, True)),
        ([settings.VIEWERS_GROUP, settings.CLIENTS_GROUP], False, (False, True, True, True)),
        (["其他组"], False, (False, False, False, False)),
        ([], True, (True, False, False, False)),
        ([settings.CLIENTS_GROUP], True, (True, False, True, False)),  # a creator's views never count
        ([settings.OPERATORS_GROUP], True, (True, False, True, True)),
    ],
)
def test_the_viewer_is_read_in_one_query(django_assert_num_queries, groups, is_creator, expected):
    user = User.objects.create_user("someone", password="pw")
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    creator = make_creator(industries=("美妆", "美食"), nickname="<看我>") if is_creator else None
    if creator:
        creator.user = user
        creator.save(update_fields=["user"])
    make_creator()  # someone else's creator row is not the viewer's
    with django_assert_num_queries(1):
        seen, audience, console_view, _fingerprint = viewer(user)
    assert (seen.creator is not None, seen.is_client, audience, console_view) == expected
    assert console_view == user.has_perm("creators.view_creator")
    if creator:
        assert not seen.creator.get_deferred_fields()  # every column read in that query
        read = Creator.objects.get(pk=creator.pk)
        assert {f.attname: getattr(seen.creator, f.attname) for f in Creator._meta.concrete_fields} == {
            f.attname: getattr(read, f.attname) for f in Creator._meta.concrete_fields
        }


def test_an_erased_creator_is_not_the_viewer(django_assert_num_queries):
    """As ``Creator.objects``: an erased creator is on no page, even were their login still linked."""
    user = User.objects.create_user("erased", password="pw")
    creator = make_creator()
    Creator.everyone.filter(pk=creator.pk).update(user=user, erased_at=timezone.now())
    seen, _, _, _ = viewer(user)
    assert seen.creator is None
