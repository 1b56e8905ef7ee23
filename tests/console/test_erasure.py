"""删除个人信息 (docs/privacy.md): an operator erases a creator at their request. The person's data goes,
the ledger stays under a pseudonym, the login dies, no page, list or job shows or counts them again, the
audit rows are never touched, and the feed cannot bring the platform id back."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from academy.models import CourseProgress
from benefits.models import CardStatus, ClientRecommendation, Entitlement, EntitlementStatus, FeaturedCase
from creators.ingest import ingest_lines
from creators.models import AssistantMessage, AuditLog, Content, Creator, Order, Quote, SubmissionEntry
from creators.privacy import ERASED_NICKNAME
from insights.models import DailyIndex
from levels.erasure import ACTION, creator_erase
from levels.models import Assessment, CreatorLevel, LevelChange
from square.listing import listing_refresh
from square.models import BoardEntry, SquareEntry
from tests.builders import AT, creator_at_level
from tests.console import ledger
from tests.creators.lines import content_line, creator_line, jsonl

NICKNAME = "王小美"


@pytest.fixture
def person(db) -> Creator:
    """A creator with a login, a level, activity and a ledger of every kind."""
    creator = creator_at_level(3, external_id="c-77")
    Creator.objects.filter(pk=creator.pk).update(nickname=NICKNAME, intro="我是王小美，电话 138", region="杭州")
    creator.refresh_from_db()
    creator.user = User.objects.create_user("xiaomei", password="pw", email="xm@example.com", first_name="小美")
    creator.save(update_fields=["user"])
    CreatorLevel.objects.create(creator=creator, level=3, since=AT - timedelta(days=40))
    ledger.entitlement(creator, "extra_dispatch", period="2026-12")
    ledger.card(creator, expires_at=timezone.now() + timedelta(days=9))
    ledger.case(creator)
    ClientRecommendation.objects.filter(pk=ledger.recommendation(creator).pk).update(note="她的微信 xm88")
    ledger.message(creator)
    ledger.audit(creator)
    DailyIndex.objects.create(creator=creator, date=AT.date(), composite=80.0)
    return creator


def erase_url(creator: Creator) -> str:
    return reverse("console:creator-erase", args=[creator.external_id])


def post_erase(client, creator: Creator, **fields):
    form = {"reason": "工单 PIPL-42", "confirm": creator.external_id, "request_id": "r-1", **fields}
    return client.post(erase_url(creator), form)


def test_the_page_shows_what_will_happen_and_only_operators_get_it(operator_client, person, viewer, client):
    response = operator_client.get(erase_url(person))
    assert response.status_code == 200
    assert "确认删除个人信息" in response.content.decode()
    assert response.context["preview"] == {"open_entitlements": 2, "active_cards": 1, "featured_cases": 1,
                                           "has_login": 1}  # fmt: skip
    detail = operator_client.get(reverse("console:creator", args=[person.external_id]))
    assert erase_url(person) in detail.content.decode()

    client.force_login(viewer)
    seen = client.get(erase_url(person))
    assert seen.status_code == 200 and "确认删除个人信息" not in seen.content.decode()  # the page, no form
    assert post_erase(client, person).status_code == 403
    assert Creator.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize(
    ("fields", "error"), [({"confirm": "c-78"}, "不一致"), ({"confirm": ""}, "必填"), ({"reason": " "}, "必填")]
)
def test_without_the_confirmation_and_a_reason_nothing_is_erased(operator_client, person, fields, error):
    response = post_erase(operator_client, person, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Creator.objects.get(pk=person.pk).nickname == NICKNAME
    assert not AuditLog.objects.filter(action=ACTION).exists()


def test_erasure_removes_the_person_and_keeps_the_ledger_pseudonymised(operator_client, person):
    entitlements, orders, entries = (Entitlement.objects.filter(creator=person).count(), person.orders.count(),
                                     person.submissions.count())  # fmt: skip
    audit_before = list(AuditLog.objects.values())

    response = post_erase(operator_client, person)

    assert response.status_code == 302 and response["Location"] == reverse("console:creators")
    assert not Creator.objects.filter(pk=person.pk).exists()  # in no list, search or job
    row = Creator.everyone.get(pk=person.pk)
    assert (row.nickname, row.external_id, row.intro, row.region, row.industries, row.user) == (
        ERASED_NICKNAME, f"erased-{person.pk}", "", "", [], None
    )  # fmt: skip
    assert row.erased_at is not None and row.erased_key and "c-77" not in row.erased_key
    for model in (Content, Quote, AssistantMessage, CourseProgress, FeaturedCase, DailyIndex, CreatorLevel):
        assert not model.objects.filter(creator_id=person.pk).exists(), model
    # The ledger stays, for accounting: every entitlement, order and entry; what was still owed lapsed.
    assert Entitlement.objects.filter(creator_id=person.pk).count() == entitlements
    assert (
        not Entitlement.objects.filter(creator_id=person.pk)
        .exclude(status__in=[EntitlementStatus.LAPSED, EntitlementStatus.DELIVERED])
        .exists()
    )
    assert list(person.guarantee_cards.values_list("status", flat=True)) == [CardStatus.REVOKED]
    assert (Order.objects.filter(creator_id=person.pk).count(), SubmissionEntry.objects.filter(creator_id=person.pk)
            .count()) == (orders, entries)  # fmt: skip
    assert ClientRecommendation.objects.get(creator_id=person.pk).note == ""
    # The login can no longer sign in, and says nothing about the person.
    user = User.objects.get(pk=person.user_id)
    assert (user.is_active, user.has_usable_password(), user.email, user.first_name) == (False, False, "", "")
    assert "xiaomei" not in user.username
    assert authenticate(RequestFactory().post("/accounts/login/"), username="xiaomei", password="pw") is None
    # Audit rows written before are untouched; the erasure's own row holds no personal text.
    assert list(AuditLog.objects.exclude(action=ACTION).values()) == audit_before
    erased = AuditLog.objects.get(action=ACTION)
    assert (erased.creator_id, erased.target_id, erased.reason) == (person.pk, str(person.pk), "工单 PIPL-42")
    text = json.dumps([erased.detail, erased.before, erased.after], ensure_ascii=False)
    assert NICKNAME not in text and "c-77" not in text and "杭州" not in text


def test_an_open_session_of_the_erased_creator_stops_working(client, operator, person):
    client.force_login(person.user)
    assert client.get(reverse("home")).status_code == 200
    creator_erase(creator=person, actor=operator, reason="工单", request_id=None, at=timezone.now())
    assert client.get(reverse("home")).status_code == 302


def test_no_console_page_shows_the_erased_creator(operator_client, operator, person):
    old_id = person.external_id
    creator_erase(creator=person, actor=operator, reason="工单", request_id=None, at=timezone.now())

    search = operator_client.get(reverse("console:creators"), {"q": ""})
    assert search.status_code == 200
    assert NICKNAME not in search.content.decode() and ERASED_NICKNAME not in search.content.decode()
    assert operator_client.get(reverse("console:creator", args=[old_id])).status_code == 404
    assert operator_client.get(reverse("console:creator", args=[f"erased-{person.pk}"])).status_code == 404
    assert operator_client.get(erase_url(person)).status_code == 404


def test_the_square_and_the_boards_drop_the_erased_creator_at_once(operator, person, superuser, client):
    listing_refresh(at=timezone.now())
    BoardEntry.objects.create(board="business", rank=1, creator=person, day=AT.date(), index_day=AT.date(),
                              figure=80.0, priority=False, posts_30d=3, level=3)  # fmt: skip
    assert SquareEntry.objects.filter(creator=person).exists()

    creator_erase(creator=person, actor=operator, reason="工单", request_id=None, at=timezone.now())

    assert not SquareEntry.objects.filter(creator_id=person.pk).exists()
    assert not BoardEntry.objects.filter(creator_id=person.pk).exists()
    listing_refresh(at=timezone.now() + timedelta(days=1))
    assert not SquareEntry.objects.filter(creator_id=person.pk).exists()
    client.force_login(superuser)
    for url in (reverse("square"), reverse("leaderboards")):
        page = client.get(url)
        assert page.status_code == 200 and NICKNAME not in page.content.decode()


def test_the_jobs_skip_the_erased_creator(operator, person):
    other = creator_at_level(2)
    creator_erase(creator=person, actor=operator, reason="工单", request_id=None, at=timezone.now())

    call_command("assess_levels", "--at", AT.isoformat(), stdout=io.StringIO())
    call_command("compute_index", "--at", AT.isoformat(), stdout=io.StringIO())

    assert Assessment.objects.filter(creator=other).exists()
    assert not Assessment.objects.filter(creator_id=person.pk).exists()
    assert not LevelChange.objects.filter(creator_id=person.pk, run__isnull=False).exists()
    assert not DailyIndex.objects.filter(creator_id=person.pk).exists()
    assert not AssistantMessage.objects.filter(creator_id=person.pk).exists()
    assert not Entitlement.objects.filter(creator_id=person.pk, granted_at__gte=AT - timedelta(hours=1)).exists()


def test_erasing_twice_is_refused(operator, person):
    creator_erase(creator=person, actor=operator, reason="工单", request_id=None, at=timezone.now())
    with pytest.raises(Exception, match="已经删除"):
        creator_erase(creator=person, actor=operator, reason="工单", request_id=None, at=timezone.now())
    assert AuditLog.objects.filter(action=ACTION).count() == 1


def test_the_feed_cannot_bring_the_platform_id_back(operator, person):
    creator_erase(creator=person, actor=operator, reason="工单", request_id=None, at=timezone.now())

    lines = jsonl([creator_line("c-77"), content_line("v-9", creator="c-77"), creator_line("c-new")])
    result = ingest_lines(lines, skip_invalid=True, now=AT)

    assert [(r.line, "erased at the person's request" in r.reason) for r in result.rejects_sample] == [
        (1, True), (2, True)
    ]  # fmt: skip
    assert result.accepted == 1 and Creator.objects.filter(external_id="c-new").exists()
    assert not Creator.everyone.filter(external_id="c-77").exists()
    assert not Content.objects.filter(external_id="v-9").exists()
    # An id the database has never seen, used before its creator line, still reads as unknown.
    later = ingest_lines(jsonl([content_line("v-10", creator="c-new2")]), now=AT)
    assert "unknown creator" in later.rejects_sample[0].reason
