"""Who gets what, for the whole site: every route of the URL conf × every role, with the status each one
gets, written out in ``TABLE`` (docs/interfaces.md §4, §4.1). A route the table does not name fails
``test_the_table_covers_every_route``, so a new route is added here, with its answers, before it ships.

The path parameters are creator A's objects, so creator B's column says what another creator gets for them:
404 (an object not theirs is simply not found). ``test_creator_a_never_reaches_creator_b_objects`` asks the
mirror question, A for B's ids, route by route, and that nothing of B's changes.

Requests carry no data: a POST is an empty form (its CSRF is not enforced by the test client), so the
answer says who gets past the door, not what a valid form does. One setup for the module; each case runs
in its own rolled-back transaction."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from academy.models import Course, Lesson
from benefits.models import Benefit, BenefitCode, Entitlement, EntitlementStatus, FeaturedCase
from creators.models import AssistantMessage, SubmissionEntry, SubmissionTask
from creators.tokens import token_create
from levels import jobs
from levels.models import RuleSet, Simulation
from tests.activity_builders import card
from tests.builders import creator_at_level
from tests.conftest import migration_data_seed

ROLES = ("anonymous", "creator_a", "creator_b", "client", "ops_viewer", "operator", "superuser")
L = "login"  # a redirect to the login page
# The Django admin's own routes (one per model and action) share one rule: staff only, then the model's
# permissions. Its index and one changelist stand for them here.
ADMIN_SAMPLES = ("admin:index", "admin:creators_creator_changelist")

# (route name, method) → the status of each role, in ROLES' order.
TABLE: dict[tuple[str, str], tuple] = {
    # Accounts, language, health, the integration API
    ("healthz", "GET"): (200, 200, 200, 200, 200, 200, 200),
    # By address, not role: the test client is 127.0.0.1, in METRICS_ALLOWED_IPS' default (config/metrics.py;
    # a public address gets 403, tests/web/test_observability.py).
    ("metrics", "GET"): (200, 200, 200, 200, 200, 200, 200),
    ("metrics", "POST"): (405, 405, 405, 405, 405, 405, 405),
    ("login", "GET"): (200, 302, 302, 302, 302, 302, 302),
    ("logout", "GET"): (405, 405, 405, 405, 405, 405, 405),
    ("logout", "POST"): (302, 302, 302, 302, 302, 302, 302),
    ("set_language", "POST"): (302, 302, 302, 302, 302, 302, 302),
    ("api-ingest", "GET"): (405, 405, 405, 405, 405, 405, 405),
    ("api-ingest", "POST"): (401, 401, 401, 401, 401, 401, 401),  # a bearer token, not a session
    # Django admin: staff only
    ("admin:index", "GET"): (302, 302, 302, 302, 200, 200, 200),
    ("admin:creators_creator_changelist", "GET"): (302, 302, 302, 302, 200, 200, 200),
    # The creator portal: creators only, each their own
    ("home", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("levels", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("levels-refresh", "POST"): (L, 302, 302, 403, 403, 403, 403),
    ("benefits", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("benefit-claim", "POST"): (L, 302, 404, 403, 403, 403, 403),
    ("case-form", "GET"): (L, 200, 404, 403, 403, 403, 403),
    ("case-form", "POST"): (L, 200, 404, 403, 403, 403, 403),  # the form again, with its errors
    ("cases", "GET"): (L, 200, 200, 200, 200, 200, 200),  # the public gallery: every signed-in user
    ("messages", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("messages-read", "POST"): (L, 302, 302, 403, 403, 403, 403),
    ("academy", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("course", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("lesson-watched", "POST"): (L, 302, 302, 403, 403, 403, 403),
    ("tasks", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("task", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("task-join", "POST"): (L, 400, 400, 403, 403, 403, 403),
    ("profile", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("profile", "POST"): (L, 400, 400, 403, 403, 403, 403),
    ("profile-export", "GET"): (L, 200, 200, 403, 403, 403, 403),
    ("assistant", "GET"): (L, 200, 200, 403, 403, 403, 403),
    # The square and the leaderboards: advertisers, operators and creators; read-only
    ("square", "GET"): (L, 200, 200, 200, 200, 200, 200),
    ("square", "POST"): (L, 405, 405, 405, 405, 405, 405),
    ("leaderboards", "GET"): (L, 200, 200, 200, 200, 200, 200),
    # The operator console: viewers look, operators act
    ("console:dashboard", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:creators", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:creator", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:creator-override", "POST"): (L, 403, 403, 403, 403, 302, 302),  # back to the creator, with the error
    ("console:creator-override-end", "POST"): (L, 403, 403, 403, 403, 302, 302),
    ("console:creator-erase", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:creator-erase", "POST"): (L, 403, 403, 403, 403, 400, 400),
    ("console:recommendations", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:recommendation-fulfil", "POST"): (L, 403, 403, 403, 403, 200, 200),  # the form with its errors
    ("console:cards", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:cards-issue", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:cards-issue", "POST"): (L, 403, 403, 403, 403, 400, 400),
    ("console:card-revoke", "POST"): (L, 403, 403, 403, 403, 302, 302),
    ("console:cases", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:case-review", "POST"): (L, 403, 403, 403, 403, 302, 302),
    ("console:dispatches", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:dispatches", "POST"): (L, 403, 403, 403, 403, 400, 400),
    ("console:audit", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:lockouts", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:lockout-release", "POST"): (L, 403, 403, 403, 403, 302, 302),  # back to the list
    ("console:tokens", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:tokens", "POST"): (L, 403, 403, 403, 403, 200, 200),
    ("console:token-revoke", "POST"): (L, 403, 403, 403, 403, 302, 302),
    ("console:runs", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:runs", "POST"): (L, 403, 403, 403, 403, 400, 400),
    ("console:run", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:run-resume", "POST"): (L, 403, 403, 403, 403, 302, 302),
    ("console:rules", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:rule", "GET"): (L, 403, 403, 403, 200, 200, 200),
    ("console:rules-new", "POST"): (L, 403, 403, 403, 403, 400, 400),
    ("console:rules-simulate", "POST"): (L, 403, 403, 403, 403, 404, 404),
    ("console:rules-simulation", "GET"): (L, 403, 403, 403, 200, 200, 200),
}

# Routes whose path names one of a creator's own objects: which object, in ``world``.
OWN_OBJECTS = {"benefit-claim": "claimable", "case-form": "case_entitlement"}


def route_names() -> set[str]:
    """Every named route of the URL conf (the admin's stand-ins for its own), namespaced as reversed."""

    def walk(patterns, namespace: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if inner == "admin":
                    continue
                yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"an unnamed route: {entry.pattern}"
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    return {*walk(get_resolver().url_patterns, None), *ADMIN_SAMPLES}


def _user(username: str, group: str | None = None, **extra) -> User:
    user = User.objects.create_user(username, password="pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _creator(username: str, external_id: str):
    creator = creator_at_level(3, external_id=external_id)
    creator.user = _user(username)
    creator.save(update_fields=["user"])
    now = timezone.now()

    def entitlement(code: str, status: str) -> Entitlement:
        benefit = Benefit.objects.get(code=code)
        return Entitlement.objects.create(
            creator=creator, benefit=benefit, kind="basic", level=3, period="", status=status, granted_at=now
        )

    return {
        "creator": creator,
        "claimable": entitlement(BenefitCode.LEADERBOARD_PRIORITY, EntitlementStatus.AVAILABLE),
        "case_entitlement": entitlement(BenefitCode.FEATURED_CASE, EntitlementStatus.CLAIMED),
        "recommendation": entitlement(BenefitCode.CLIENT_RECOMMENDATION, EntitlementStatus.PENDING),
        "card": card(creator),
        "message": AssistantMessage.objects.create(creator=creator, kind="card", title="消息", created_at=now),
        "content": creator.contents.first(),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two creators with a ledger each, a user per role, and one object per path parameter; written once
    for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        # A transactional test run before this module flushed what the data migrations wrote.
        if not RuleSet.objects.exists():
            migration_data_seed()
        a, b = _creator("creator-a", "c-a"), _creator("creator-b", "c-b")
        users = {
            "creator_a": a["creator"].user,
            "creator_b": b["creator"].user,
            "client": _user("client1", settings.CLIENTS_GROUP),
            "ops_viewer": _user("viewer1", settings.VIEWERS_GROUP, is_staff=True),
            "operator": _user("ops1", settings.OPERATORS_GROUP, is_staff=True),
            "superuser": User.objects.create_superuser("root", password="pw"),
        }
        now = timezone.now()
        course = Course.objects.create(code="k-1", title="课程")
        lesson = Lesson.objects.create(course=course, title="第一课", position=1)
        task = SubmissionTask.objects.create(code="t-1", title="任务")
        case = FeaturedCase.objects.create(
            creator=a["creator"], entitlement=a["case_entitlement"], title="案例", link="https://example.com/1",
            recommendation="推荐", submitted_at=now,
        )  # fmt: skip
        token, _ = token_create(name="数据平台", actor=users["operator"], request_id=None)
        run, _ = jobs.run_claim(job="assess_monthly", key="matrix", period="2026-12", at=now)
        simulation = Simulation.objects.create(base=run.rule_set, changes={"thresholds": [], "rewards": []}, at=now,
                                               created_at=now)  # fmt: skip
        attempt = AccessAttempt.objects.create(
            username="locked", ip_address="10.0.0.1", user_agent="", http_accept="", path_info="/accounts/login/",
            attempt_time=now, get_data="", post_data="", failures_since_start=10,
        )  # fmt: skip
        kwargs = {
            "attempt_id": attempt.pk, "external_id": a["creator"].external_id, "entitlement_id": a["recommendation"].pk,
            "card_id": a["card"].pk, "case_id": case.pk, "token_id": token.pk, "run_id": run.pk,
            "rule_set_id": run.rule_set_id, "simulation_id": simulation.pk, "lesson_id": lesson.pk,
        }  # fmt: skip
        yield {"a": a, "b": b, "users": users, "kwargs": kwargs, "course": course, "task": task}
        transaction.set_rollback(True)


def url_of(name: str, world: dict, owner: dict | None = None) -> str:
    """The route's URL with creator A's objects (or ``owner``'s, for the routes naming a creator's own)."""
    if name in OWN_OBJECTS:
        return reverse(name, args=[(owner or world["a"])[OWN_OBJECTS[name]].pk])
    code = world["course"].code if name == "course" else world["task"].code
    values = {key: code if key == "code" else world["kwargs"][key] for key in _params(name)}
    return reverse(name, kwargs=values)


def _params(name: str) -> list[str]:
    """The path parameter names of the route ``name`` (each route here has one pattern)."""
    namespace, _, short = name.rpartition(":")
    resolver = get_resolver()
    if namespace:
        _prefix, resolver = resolver.namespace_dict[namespace]
    possibilities = resolver.reverse_dict.getlist(short)[0][0]
    return possibilities[0][1]


def ask(client, world: dict, role: str, method: str, url: str):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client.post(url, {}) if method == "POST" else client.get(url)


def test_the_table_covers_every_route():
    assert route_names() - {name for name, _ in TABLE} == set(), "add the new routes to TABLE"
    assert {name for name, _ in TABLE} - route_names() == set(), "TABLE names routes that are gone"
    assert all(len(row) == len(ROLES) for row in TABLE.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(TABLE))
def test_route_and_role(client, db, world, name, method, role):
    expected = TABLE[name, method][ROLES.index(role)]

    response = ask(client, world, role, method, url_of(name, world))

    if expected == L:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("login") + "?next="), response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, response.get("Location"))


@pytest.mark.parametrize(("name", "method"), [(n, m) for n, m in sorted(TABLE) if n in OWN_OBJECTS])
def test_creator_a_never_reaches_creator_b_objects(client, db, world, name, method):
    b = world["b"]
    before = Entitlement.objects.get(pk=b[OWN_OBJECTS[name]].pk)

    response = ask(client, world, "creator_a", method, url_of(name, world, owner=b))

    assert response.status_code == 404
    after = Entitlement.objects.get(pk=before.pk)
    assert (after.status, after.claimed_at) == (before.status, before.claimed_at)
    assert not FeaturedCase.objects.filter(entitlement=before).exists()


def test_creator_a_cannot_use_creator_b_content_or_messages(client, db, world):
    """Ids in a form, not the path: B's item entered by A is refused, B's messages marked read by A stay
    unread."""
    a, b = world["a"], world["b"]
    client.force_login(a["creator"].user)

    joined = client.post(reverse("task-join", args=[world["task"].code]), {"content": b["content"].pk})
    read = client.post(reverse("messages-read"), {"ids": [b["message"].pk]})

    assert joined.status_code == 400
    assert not SubmissionEntry.objects.filter(content=b["content"]).exists()
    assert read.status_code == 302
    assert AssistantMessage.objects.get(pk=b["message"].pk).read_at is None
