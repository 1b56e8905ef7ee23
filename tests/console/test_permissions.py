"""The console's permission matrix, generated from its URL patterns (interfaces §4.1): every route × every
role. Anonymous users go to the login page; creators and clients get 403; a viewer reads every page and
is refused every POST; operators and superusers are refused nothing. No GET writes anything.

The access layer is checked before the object is looked up, so the same answers come for ids that do
not exist: nobody outside the console learns which ids do."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, reverse
from django.utils import timezone

from benefits.models import Benefit, BenefitCode, Entitlement, FeaturedCase
from console import urls
from creators.models import AuditLog
from creators.tokens import token_create
from levels import jobs
from levels.models import Simulation
from tests.activity_builders import card
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db

# Routes that only act (POST); every other route is a page (GET), and these pages also take a POST.
ACTIONS = {"recommendation-fulfil", "card-revoke", "case-review", "token-revoke", "run-resume", "creator-override",
           "creator-override-end", "rules-new", "rules-simulate", "lockout-release"}  # fmt: skip
PAGES_THAT_POST = {"cards-issue", "dispatches", "tokens", "runs", "creator-erase"}
ROUTES = [p for p in urls.urlpatterns if isinstance(p, URLPattern)]
GETS = [p.name for p in ROUTES if p.name not in ACTIONS]
POSTS = [p.name for p in ROUTES if p.name in ACTIONS | PAGES_THAT_POST]
ROLES = ["anonymous", "creator_user", "client_user", "viewer", "operator", "superuser"]
MISSING = {"external_id": "c-missing", "entitlement_id": 999_999, "card_id": "00000000-0000-0000-0000-000000000000",
           "case_id": 999_999, "token_id": 999_999, "run_id": 999_999, "rule_set_id": 999_999,
           "simulation_id": 999_999, "attempt_id": 999_999}  # fmt: skip


def pattern(name: str) -> URLPattern:
    return next(p for p in ROUTES if p.name == name)


@pytest.fixture
def existing(db, operator) -> dict[str, object]:
    """A real object for each path parameter the console's routes take."""
    creator = creator_at_level(3, external_id="c-perm")
    now = timezone.now()

    def entitlement(code: str, **extra) -> Entitlement:
        return Entitlement.objects.create(creator=creator, benefit=Benefit.objects.get(code=code), kind="basic",
                                          level=3, period="", granted_at=now - timedelta(days=1), **extra)  # fmt: skip

    recommendation = entitlement(BenefitCode.CLIENT_RECOMMENDATION, status="pending")
    case = FeaturedCase.objects.create(
        creator=creator, entitlement=entitlement(BenefitCode.FEATURED_CASE, status="claimed"), title="案例",
        link="https://example.com/1", recommendation="推荐", submitted_at=now,
    )  # fmt: skip
    token, _ = token_create(name="数据平台", actor=operator, request_id=None)
    run, _ = jobs.run_claim(job="assess_monthly", key="perm", period="2026-12", at=now)
    simulation = Simulation.objects.create(base=run.rule_set, changes={"thresholds": [], "rewards": []}, at=now,
                                           created_at=now)  # fmt: skip
    attempt = AccessAttempt.objects.create(username="someone", ip_address="203.0.113.7", user_agent="x",
                                           failures_since_start=10, attempt_time=now)  # fmt: skip
    return {"attempt_id": attempt.pk, "external_id": creator.external_id, "entitlement_id": recommendation.pk,
            "card_id": card(creator).pk,
            "case_id": case.pk, "token_id": token.pk, "run_id": run.pk, "rule_set_id": run.rule_set_id,
            "simulation_id": simulation.pk}  # fmt: skip


def route_url(name: str, values: dict[str, object]) -> str:
    params = pattern(name).pattern.converters
    return reverse(f"console:{name}", kwargs={key: values[key] for key in params})


def signed_in(client, request, role: str):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def expect(response, role: str, method: str, name: str) -> None:
    status = response.status_code
    if role == "anonymous":
        assert is_login_redirect(response), status
    elif role in ("creator_user", "client_user") or (role == "viewer" and method == "POST"):
        assert status == 403
    elif method == "GET" and name in ACTIONS:
        assert status in (403, 405) if role == "viewer" else status == 405  # an action answers no GET
    else:
        assert status not in (403, 500) and not is_login_redirect(response), status


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [p.name for p in ROUTES])
def test_get(client, request, existing, role, name):
    writes = AuditLog.objects.count()

    response = signed_in(client, request, role).get(route_url(name, existing))

    expect(response, role, "GET", name)
    if name in GETS and role in ("viewer", "operator", "superuser"):
        assert response.status_code == 200
    assert AuditLog.objects.count() == writes  # no GET writes


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", POSTS)
def test_post(client, request, existing, role, name):
    response = signed_in(client, request, role).post(route_url(name, existing), {})
    expect(response, role, "POST", name)


@pytest.mark.parametrize("role", ["anonymous", "creator_user", "client_user", "viewer"])
@pytest.mark.parametrize("name", [p.name for p in ROUTES if p.pattern.converters])
def test_missing_objects_get_the_same_answer_as_existing_ones(client, request, role, name):
    client = signed_in(client, request, role)
    method = "POST" if name in ACTIONS else "GET"
    response = client.post(route_url(name, MISSING), {}) if method == "POST" else client.get(route_url(name, MISSING))
    if role == "viewer" and method == "GET":
        assert response.status_code == 404
    else:
        expect(response, role, method, name)


def test_the_matrix_covers_every_route():
    """A new console route must be classified here (page or action) before it is covered."""
    names = {p.name for p in ROUTES}
    assert names >= ACTIONS | PAGES_THAT_POST
    assert set(GETS) | ACTIONS == names
    assert all(key in MISSING for p in ROUTES for key in p.pattern.converters)
