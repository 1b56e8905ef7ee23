"""The pages the Content-Security-Policy browser test loads: every named route of the URL conf that answers
a GET, with sample values for its parameters (objects of the demo data, made where it has none), and the
listener that records what the policy blocks.

The listener is added with ``add_init_script``: Playwright hands it to the browser over the devtools
protocol, so the page's policy does not apply to it (an inline <script> of the page's own would be blocked)."""

from collections.abc import Iterator
from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from academy.models import Course, Lesson
from benefits.models import Benefit, BenefitCode, Entitlement, FeaturedCase, GuaranteeCard
from creators.models import Creator, SubmissionTask
from creators.tokens import token_create
from demo.story import DEMO_CREATOR_ID
from levels import jobs
from levels.models import JobRun, RuleSet, Simulation
from tests.activity_builders import card, course, task

# Not pages: the admin's "view on site" redirects to the object's own address elsewhere; the personal-data
# export is a JSON download (tests/portal/test_export.py checks its headers).
SKIPPED = {"admin:view_on_site", "profile-export"}

LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "?"} at ${e.sourceFile || e.documentURI}:${e.lineNumber}` +
    (e.sample ? ` (${e.sample})` : "")
  );
});
"""
# What Chromium's console says about the policies; anything else (a 403's "Failed to load resource") is not ours.
CONSOLE_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Permissions policy")


def named_routes(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """``(namespaced name, pattern)`` for every named route, the admin's included."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from named_routes(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif entry.name and f"{namespace}{entry.name}" not in SKIPPED:
            yield f"{namespace}{entry.name}", entry


def samples(superuser: User) -> dict[str, object]:
    """A value for each parameter name the project's routes take: the demo creator's objects where the page
    is theirs, the first of each kind otherwise, made with the builders when the demo data has none."""
    creator = Creator.objects.get(external_id=DEMO_CREATOR_ID)
    now = timezone.now()

    def entitlement(code: str, status: str) -> Entitlement:
        found = Entitlement.objects.filter(creator=creator, benefit__code=code).first()
        return found or Entitlement.objects.create(
            creator=creator, benefit=Benefit.objects.get(code=code), kind="basic", level=3, period="",
            granted_at=now - timedelta(days=1), status=status,
        )  # fmt: skip

    featured = entitlement(BenefitCode.FEATURED_CASE, "claimed")
    case = FeaturedCase.objects.first() or FeaturedCase.objects.create(
        creator=creator, entitlement=featured, title="探店脚本复盘", link="https://example.com/1",
        recommendation="完整复盘。", submitted_at=now,
    )  # fmt: skip
    learning = Course.objects.filter(is_published=True).first() or course(2)
    token, _ = token_create(name="数据平台", actor=superuser, request_id=None)
    run = (
        JobRun.objects.order_by("-pk").first()
        or jobs.run_claim(job="assess_monthly", key="csp", period="2026-12", at=now)[0]
    )
    rule_set = RuleSet.objects.order_by("-pk").first()
    simulation = Simulation.objects.first() or Simulation.objects.create(
        base=rule_set, changes={"thresholds": [], "rewards": []}, at=now, created_at=now
    )
    attempt = AccessAttempt.objects.first() or AccessAttempt.objects.create(
        username="locked", ip_address="10.0.0.1", user_agent="", http_accept="", path_info="/accounts/login/",
        attempt_time=now, get_data="", post_data="", failures_since_start=10,
    )  # fmt: skip
    return {
        "attempt_id": attempt.pk,
        "external_id": creator.external_id,
        "entitlement_id": featured.pk,
        "card_id": (GuaranteeCard.objects.first() or card(creator)).pk,
        "case_id": case.pk,
        "token_id": token.pk,
        "run_id": run.pk,
        "rule_set_id": rule_set.pk,
        "simulation_id": simulation.pk,
        "lesson_id": Lesson.objects.filter(course=learning).first().pk,
        "course:code": learning.code,
        "task:code": (open_task := SubmissionTask.objects.first() or task()).code,
        "task-join:code": open_task.code,
    }


def first_object(pattern: URLPattern) -> Model | None:
    model_admin = getattr(pattern.callback, "model_admin", None)
    return model_admin.model._default_manager.order_by("pk").first() if model_admin else None


def page_urls(values: dict[str, object], *, admin_pages: bool) -> list[tuple[str, str]]:
    """``(route name, address)`` for every route; the admin's only when ``admin_pages`` (its index and
    sign-in page always): each app's list, each model's list and add form, and the change, history and
    delete pages of its first object where it has one."""
    urls = []
    for name, pattern in named_routes():
        params = list(pattern.pattern.regex.groupindex)
        if name.startswith("admin:") and not admin_pages and name not in ("admin:index", "admin:login"):
            continue
        if params == ["app_label"]:
            labels = sorted({model._meta.app_label for model in admin.site._registry})
            urls += [(name, reverse(name, kwargs={"app_label": label})) for label in labels]
        elif params in (["object_id"], ["id"]):  # a model's object pages; the user admin's password form
            if (obj := first_object(pattern)) is not None:
                urls.append((name, reverse(name, kwargs={params[0]: obj.pk})))
        else:
            kwargs = {key: values.get(f"{name}:{key}", values.get(key)) for key in params}
            urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


class Watcher:
    """Collects, for the page in view, what the policies blocked: the listener's events, the console's
    messages about them, and uncaught script errors (an htmx that needed eval fails that way)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        if any(word in message.text for word in CONSOLE_WORDS):
            self.console.append(message.text)

    def take(self) -> list[str]:
        """Everything seen since the last call."""
        try:
            events = self.page.evaluate("(window.__cspViolations || []).splice(0)")
        except PlaywrightError as error:  # the page went on to another one by itself
            events = [f"left {self.page.url} before it could be read: {error.message.splitlines()[0]}"]
        seen = [*events, *self.console, *self.errors]
        self.console.clear()
        self.errors.clear()
        return seen
