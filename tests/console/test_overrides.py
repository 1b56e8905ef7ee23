"""手动等级 on the creator page (interfaces §4.1 ``/console/creators/<id>/override/``): the panel, setting
and ending with a reason (full page and HTMX), refusals, a double submit, who may act, query counts."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creators.models import AssistantMessage, AuditLog
from levels.models import CreatorLevel, LevelChange, LevelOverride
from lib.periods import Month
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(external_id: str) -> str:
    return reverse("console:creator", args=[external_id])


def set_url(external_id: str) -> str:
    return reverse("console:creator-override", args=[external_id])


def end_url(external_id: str) -> str:
    return reverse("console:creator-override-end", args=[external_id])


def this_month() -> str:
    return Month.of(timezone.now()).key


@pytest.fixture
def who(db):
    creator = creator_at_level(1, external_id="c-ov")
    CreatorLevel.objects.create(creator=creator, level=1, since=timezone.now() - timedelta(days=10))
    return creator


def request_id(client, external_id: str) -> str:
    """The request id minted in the page's form, as a browser would post it back."""
    panel = client.get(page(external_id)).context["panel"]
    form = panel.set_form or panel.end_form
    return form["request_id"].value()


def test_the_panel_offers_the_set_form_then_the_override_with_its_end_form(operator_client, who):
    response = operator_client.get(page("c-ov"))
    assert response.status_code == 200
    body = response.content.decode()
    assert set_url("c-ov") in body and 'type="month"' in body and end_url("c-ov") not in body

    posted = operator_client.post(
        set_url("c-ov"),
        {"level": "3", "reason": "合作补偿", "until": this_month(), "request_id": request_id(operator_client, "c-ov")},
    )

    assert posted.status_code == 302 and posted["Location"] == page("c-ov")
    body = operator_client.get(page("c-ov")).content.decode()
    assert "合作补偿" in body and f"运营设定 · 至 {this_month()}" in body and end_url("c-ov") in body
    assert set_url("c-ov") + '"' not in body  # the set form is gone while one is open
    assert CreatorLevel.objects.get(creator=who).level == 3
    assert LevelChange.objects.get(creator=who).reason == "override"
    assert AuditLog.objects.filter(action="level.override").count() == 1
    assert AssistantMessage.objects.filter(creator=who, template="level_override_set").count() == 1


def test_htmx_set_swaps_the_panel_with_a_toast_and_a_double_submit_acts_once(operator_client, who):
    data = {
        "level": "4",
        "reason": "活动扶持",
        "until": this_month(),
        "request_id": request_id(operator_client, "c-ov"),
    }

    first = operator_client.post(set_url("c-ov"), data, **HTMX)
    again = operator_client.post(set_url("c-ov"), data, **HTMX)

    assert first.status_code == again.status_code == 200
    assert 'id="override-panel"' in first.content.decode() and "toast-success" in first.content.decode()
    assert "toast-info" in again.content.decode() and "这次提交已经处理过了" in again.content.decode()
    assert LevelOverride.objects.count() == LevelChange.objects.count() == AuditLog.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"level": "3", "reason": "", "until": "2099-01"}, "原因"),
        ({"level": "3", "reason": "x", "until": "2020-01"}, "截至月份不能早于本月"),
        ({"level": "3", "reason": "x", "until": "2027/01"}, "YYYY-MM"),
        ({"level": "7", "reason": "x", "until": "2099-01"}, "等级"),
    ],
)
def test_refusals_show_why_and_write_nothing(operator_client, who, data, says):
    response = operator_client.post(set_url("c-ov"), {**data, "request_id": "r-refused"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "toast-error" in body and says in body and 'name="reason"' in body  # the form stays, with the input
    assert not LevelOverride.objects.exists() and not AuditLog.objects.exists()
    assert CreatorLevel.objects.get(creator=who).level == 1


def test_ending_needs_a_reason_then_ends_it_and_keeps_the_level(operator_client, who):
    operator_client.post(set_url("c-ov"), {"level": "3", "reason": "合作补偿", "until": this_month(),
                                          "request_id": "r-set"})  # fmt: skip
    refused = operator_client.post(end_url("c-ov"), {"reason": " ", "request_id": "r-end0"}, **HTMX)
    assert "toast-error" in refused.content.decode() and LevelOverride.objects.get().ended_at is None

    ended = operator_client.post(end_url("c-ov"), {"reason": "数据已恢复", "request_id": "r-end"}, **HTMX)

    assert ended.status_code == 200 and "toast-success" in ended.content.decode()
    assert set_url("c-ov") in ended.content.decode()  # the set form is back
    override = LevelOverride.objects.get()
    assert override.end_reason == "数据已恢复" and override.ended_at is not None
    assert CreatorLevel.objects.get(creator=who).level == 3
    assert AuditLog.objects.filter(action="level.override_end").count() == 1


def test_a_viewer_sees_the_override_without_forms_and_may_not_post(viewer_client, operator, who):
    from levels.overrides import override_set

    override_set(creator=who, level=2, reason="合作补偿", until=Month.of(timezone.now()), actor=operator,
                 request_id="r1", at=timezone.now())  # fmt: skip
    response = viewer_client.get(page("c-ov"))
    body = response.content.decode()
    assert response.status_code == 200 and "合作补偿" in body
    assert end_url("c-ov") not in body and set_url("c-ov") not in body
    assert viewer_client.post(end_url("c-ov"), {"reason": "x", "request_id": "r2"}).status_code == 403
    assert viewer_client.post(set_url("c-ov"), {"level": "1", "reason": "x", "until": "2099-01"}).status_code == 403
    assert LevelOverride.objects.get().ended_at is None and AuditLog.objects.count() == 1


def test_the_creator_page_query_count_is_the_same_with_an_override(operator_client, operator, who):
    creator_at_level(1, external_id="c-plain")
    operator_client.get(page("c-plain"))  # warm the session and permission caches

    def count_queries(external_id: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = operator_client.get(page(external_id))
        assert response.status_code == 200 and 'id="override-panel"' in response.content.decode()
        return len(queries)

    plain = count_queries("c-plain")
    operator_client.post(set_url("c-ov"), {"level": "3", "reason": "合作补偿", "until": this_month(),
                                          "request_id": "r-set"})  # fmt: skip
    assert count_queries("c-ov") == plain
    # Who set it, read with the override (``levels.selectors.override_open``)
    body = operator_client.get(page("c-ov")).content.decode()
    assert re.search(rf"<dt>设定人</dt><dd>{re.escape(operator.get_username())}</dd>", body)
