"""规则模拟 in the console: start from a version's page, follow the progress, read the results, save."""

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.models import AuditLog
from levels.models import RuleSet, Simulation
from levels.rules import version_in_force
from lib.periods import Month
from tests.builders import creator_at_level
from tests.console.test_rules import form

pytestmark = pytest.mark.django_db(transaction=True)  # the simulation runs on commit (eagerly in tests)
NEXT = Month.of(timezone.now()).next().key


def start(client, **extra):
    current = version_in_force()
    return client.post(reverse("console:rules-simulate"), form(current, base=current.pk, **extra))


def test_the_version_page_offers_the_what_if_to_operators(operator_client):
    url = reverse("console:rule", args=[version_in_force().pk])
    assert reverse("console:rules-simulate") in operator_client.get(url).content.decode()


def test_the_version_page_offers_no_what_if_to_viewers(viewer_client):
    url = reverse("console:rule", args=[version_in_force().pk])
    assert reverse("console:rules-simulate") not in viewer_client.get(url).content.decode()


def test_an_operator_starts_a_simulation_and_reads_its_results_and_nothing_is_audited(operator_client):
    creator_at_level(3, fans=400_000, external_id="c-drops")
    creator_at_level(4, external_id="c-stays")

    response = start(operator_client, **{"t-lv3-fans": 550_000})

    simulation = Simulation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:rules-simulation", args=[simulation.pk])
    page = operator_client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "30万 → 55万" in html and "c-drops" in html and "c-stays" not in html
    assert "粉丝量 40万 / 55万" in html  # the deciding value and the draft's threshold in one unit
    assert 'id="whatif-save"' in html and 'hx-trigger="every 1s"' not in html  # done: polling stopped
    assert 'name="t-lv3-fans" value="550000"' in html
    assert not AuditLog.objects.exists()


def test_a_running_simulation_polls_its_progress(viewer_client):
    current = version_in_force()
    simulation = Simulation.objects.create(base=current, changes={"thresholds": [], "rewards": []},
                                           at=timezone.now(), total=10, done=4, created_at=timezone.now())  # fmt: skip
    url = reverse("console:rules-simulation", args=[simulation.pk])
    page = viewer_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "4/10" in page
    partial = viewer_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="whatif-body"') and "<html" not in partial


def test_a_simulation_may_be_limited_to_some_creators(operator_client):
    creator_at_level(3, fans=400_000, external_id="c-drops")
    creator_at_level(3, fans=400_000, external_id="c-other")

    start(operator_client, **{"t-lv3-fans": 550_000, "sample": "c-drops"})

    simulation = Simulation.objects.get()
    assert (simulation.total, [m["creator_id"] for m in simulation.result["sample"]]) == (1, [simulation.sample[0]])


def test_a_sample_naming_an_unknown_creator_starts_nothing(operator_client):
    creator_at_level(3, external_id="c-known")
    response = start(operator_client, sample="c-known, c-nobody")
    assert response.status_code == 302 and not Simulation.objects.exists()


def test_invalid_thresholds_are_refused_and_start_nothing(operator_client):
    response = start(operator_client, **{"t-lv3-fans": -5})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:rule", args=[version_in_force().pk])
    assert not Simulation.objects.exists()


def test_a_viewer_may_look_but_not_start(viewer_client):
    assert start(viewer_client).status_code == 403
    assert not Simulation.objects.exists()


def test_the_save_form_creates_the_draft_as_an_audited_version(operator_client):
    creator_at_level(3)
    start(operator_client, **{"t-lv3-fans": 450_000})
    simulation = Simulation.objects.get()
    page = operator_client.get(reverse("console:rules-simulation", args=[simulation.pk]))
    save = page.context["form"]
    data = {field.html_name: field.value() for field in save.thresholds()}
    data |= {"request_id": save["request_id"].value(), "name": "更高的 LV3", "effective_month": NEXT,
             "note": "模拟后决定"}  # fmt: skip

    response = operator_client.post(reverse("console:rules-new", args=[simulation.base.pk]), data)

    version = RuleSet.objects.get(effective_month=NEXT)
    assert response.status_code == 302
    assert version.requirements.get(level=3, code="fans").threshold == 450_000
    row = AuditLog.objects.get()
    assert (row.action, row.after) == ("rules.version", {"LV3 fans": 450_000})
