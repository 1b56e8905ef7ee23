"""Caching headers (config/middleware.py). Over the whole URL conf: every answer to a signed-in user says
``Cache-Control: private, no-store``. Over every page that answers a GET from HTMX with a fragment and a
plain GET with the whole page: both answers say ``Vary: HX-Request`` (and HX-Target when it chose by it)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from benefits.models import Benefit, BenefitCode, Entitlement
from levels import jobs
from levels.models import Simulation
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db

# A value for each path converter: most routes then answer 404 (no such object), which is an answer to a
# signed-in user all the same.
SAMPLES = {"int": "999999", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}


def _routes(patterns, prefix: str = "") -> list[str]:
    """Every GET-able path of the URL conf (route-style patterns; the admin's few regex ones are skipped)."""
    found = []
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route))
    return sorted(set(found))


ROUTES = ["/" + route for route in _routes(get_resolver().url_patterns)]


def test_the_walk_finds_the_site() -> None:
    for route in ["/", "/benefits/", "/square/", "/console/", "/console/lockouts/", "/admin/", "/healthz"]:
        assert route in ROUTES


@pytest.fixture
def member(django_user_model):
    """A superuser who is also a creator: portal, square, console and admin pages all answer 200."""
    user = django_user_model.objects.create_superuser("member", password="pw")
    creator = creator_at_level(3)
    creator.user = user
    creator.save(update_fields=["user"])
    return user


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def is_private_no_store(response) -> bool:
    directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


def test_every_answer_to_a_signed_in_user_is_private_and_not_stored(client: Client, member) -> None:
    client.force_login(member)
    ok = []

    for route in ROUTES:
        response = client.get(route)
        assert response.status_code != 500, route
        assert is_private_no_store(response), (route, response.status_code, response.get("Cache-Control"))
        if response.status_code == 200:
            ok.append(route)

    # Worth something only if most pages really render for this user, not just 404 and 405.
    assert len(ok) >= 30, ok


def test_a_post_answer_to_a_signed_in_user_is_private_too(client: Client, member) -> None:
    client.force_login(member)

    response = client.post("/messages/read/")

    assert is_private_no_store(response)


def test_anonymous_answers_are_not_marked_private(client: Client) -> None:
    response = client.get("/")  # to the login page

    assert response.status_code == 302
    assert "Cache-Control" not in response


def test_the_sign_in_answer_is_private(client: Client, django_user_model) -> None:
    django_user_model.objects.create_user("someone", password="correct-horse-1")

    response = client.post("/accounts/login/", {"username": "someone", "password": "correct-horse-1"})

    assert response.status_code == 302
    assert is_private_no_store(response)


def _full_page(response) -> bool:
    return response.content.lstrip()[:15].lower() == b"<!doctype html>"


@pytest.fixture
def fragment_pages(member) -> list[tuple[str, dict, dict]]:
    """Every page that answers a GET from HTMX with a fragment (the views that read ``request.htmx`` on a
    GET), with objects to show: (path, query, the HTMX headers that ask for the fragment)."""
    now = timezone.now()
    run, _ = jobs.run_claim(job="assess_monthly", key="cache", period="2026-12", at=now)
    simulation = Simulation.objects.create(base=run.rule_set, changes={"thresholds": [], "rewards": []}, at=now,
                                           created_at=now)  # fmt: skip
    pending = Entitlement.objects.create(
        creator=member.creator, benefit=Benefit.objects.get(code=BenefitCode.CLIENT_RECOMMENDATION), kind="basic",
        level=3, period="", granted_at=now - timedelta(days=1), status="pending",
    )  # fmt: skip
    hx = {"HTTP_HX_REQUEST": "true"}
    return [
        ("/square/", {}, {**hx, "HTTP_HX_TARGET": "square-results"}),
        ("/benefits/", {}, {**hx, "HTTP_HX_TARGET": "benefit-summary"}),
        ("/console/recommendations/", {}, {**hx, "HTTP_HX_TARGET": f"rec-{pending.pk}"}),
        (f"/console/runs/{run.pk}/", {"part": "progress"}, hx),
        (f"/console/rules/simulate/{simulation.pk}/", {}, hx),
    ]


def test_pages_with_objects_vary_on_the_htmx_headers_they_read(client: Client, member, fragment_pages) -> None:
    client.force_login(member)

    for route, query, headers in fragment_pages:
        page = client.get(route, query)
        fragment = client.get(route, query, **headers)

        assert page.status_code == 200 and _full_page(page), route
        assert fragment.status_code == 200 and not _full_page(fragment), route
        assert "hx-request" in vary(page), route
        asked = {name.removeprefix("HTTP_").replace("_", "-").lower() for name in headers}
        assert asked <= vary(fragment), route


def test_an_htmx_post_and_a_plain_one_both_vary(client: Client, member) -> None:
    client.force_login(member)

    plain = client.post("/messages/read/")
    fragment = client.post("/messages/read/", HTTP_HX_REQUEST="true")

    assert plain.status_code == 302 and fragment.status_code == 200
    assert "hx-request" in vary(plain) and "hx-request" in vary(fragment)


def test_a_page_that_never_looks_at_htmx_does_not_vary_on_it(client: Client) -> None:
    assert "hx-request" not in vary(client.get("/accounts/login/"))
