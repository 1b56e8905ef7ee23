"""规则版本 (interfaces §4.1 ``GET /console/rules/``): the list and one version for everyone who may look,
creating a new version for operators only; audited, once per form."""

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.models import AuditLog
from levels import jobs
from levels.models import RuleSet
from levels.rules import version_in_force
from lib.periods import Month

pytestmark = pytest.mark.django_db
NEXT = Month.of(timezone.now()).next().key


def form(rule_set: RuleSet, **extra) -> dict:
    """The version form posted back with the base's thresholds, and ``extra`` over them."""
    data = {"request_id": "req-1", "name": "下月版本", "effective_month": NEXT, "note": "提高 LV3 粉丝线"}
    for r in rule_set.requirements.exclude(threshold=None):
        data[f"t-lv{r.level}-{r.code}"] = r.threshold
    for r in rule_set.reward_requirements.all():
        data[f"t-reward{r.level}-min_orders"], data[f"t-reward{r.level}-min_avg_plays"] = r.min_orders, r.min_avg_plays
    return {**data, **extra}


def test_the_list_shows_each_version_its_state_and_runs(viewer_client, django_assert_num_queries):
    current = version_in_force()
    jobs.run_claim(job="assess_monthly", key="k", period="2026-12", at=timezone.now())
    RuleSet.objects.create(name="草稿一", window_days=30, tasks_min_fans=1, large_creator_fans=1)
    with django_assert_num_queries(5):
        response = viewer_client.get(reverse("console:rules"))
    assert response.status_code == 200
    rows = {v.name: (v.state, v.runs) for v in response.context["versions"]}
    assert rows == {current.name: ("in_force", 1), "草稿一": ("draft", 0)}
    for i in range(3):
        RuleSet.objects.create(name=f"草稿{i + 2}", window_days=30, tasks_min_fans=1, large_creator_fans=1)
    with django_assert_num_queries(5):
        response = viewer_client.get(reverse("console:rules"))
    assert response.status_code == 200 and "草稿4" in response.content.decode()


def test_a_viewer_sees_the_thresholds_without_the_form_and_may_not_post(viewer_client):
    current = version_in_force()
    response = viewer_client.get(reverse("console:rule", args=[current.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "30万" in page and 'title="300,000"' in page and 'id="version-form"' not in page
    assert viewer_client.post(reverse("console:rules-new", args=[current.pk]), form(current)).status_code == 403
    assert RuleSet.objects.count() == 1


def test_the_detail_page_has_constant_queries(operator_client, django_assert_num_queries):
    current = version_in_force()
    with django_assert_num_queries(8):
        response = operator_client.get(reverse("console:rule", args=[current.pk]))
    assert response.status_code == 200 and 'id="version-form"' in response.content.decode()


def test_an_operator_creates_a_version_from_next_month_once(operator_client):
    current = version_in_force()
    data = form(current, **{"t-lv3-fans": 400_000})
    response = operator_client.post(reverse("console:rules-new", args=[current.pk]), data)
    version = RuleSet.objects.get(effective_month=NEXT)
    assert response.status_code == 302 and response["Location"] == reverse("console:rule", args=[version.pk])
    assert version.requirements.get(level=3, code="fans").threshold == 400_000
    row = AuditLog.objects.get()
    assert (row.action, row.before, row.after) == ("rules.version", {"LV3 fans": 300_000}, {"LV3 fans": 400_000})

    again = operator_client.post(reverse("console:rules-new", args=[current.pk]), data, follow=True)
    assert "这次提交已经处理过了" in again.content.decode()
    assert (RuleSet.objects.count(), AuditLog.objects.count()) == (2, 1)


@pytest.mark.parametrize(
    "extra",
    [{"effective_month": Month.of(timezone.now()).key}, {"note": ""}, {"t-lv3-fans": -5}, {"t-lv3-fans": "many"}],
)
def test_a_refused_version_shows_the_form_again_and_writes_nothing(operator_client, extra):
    current = version_in_force()
    response = operator_client.post(reverse("console:rules-new", args=[current.pk]), form(current, **extra))
    assert response.status_code == 400 and 'id="version-form"' in response.content.decode()
    assert (RuleSet.objects.count(), AuditLog.objects.count()) == (1, 0)
