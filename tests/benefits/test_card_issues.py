"""Manual guarantee cards (docs/program.md §3 "Manual cards"): previewed without writing, issued all or
nothing with the catalogue's terms, audited and messaged, once per request id — and ordinary cards
afterwards (wallet, attach, expiry, counted apart from the grants)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benefits.card_selectors import card_source_counts
from benefits.models import Benefit, BenefitCode, CardIssue, CardStatus, GuaranteeCard
from benefits.services.card_issues import cards_issue_manual, cards_issue_preview
from benefits.services.cards import card_attach, cards_expire
from creators.models import AssistantMessage, AuditLog, Creator
from lib.errors import ApplicationError
from portal.presenters.benefits import benefits_page
from tests.activity_builders import card, entry, task

pytestmark = pytest.mark.django_db


@pytest.fixture
def creators() -> list[Creator]:
    return [Creator.objects.create(external_id=f"c-{n}", nickname=f"达人{n}") for n in (1, 2, 3)]


@pytest.fixture
def actor() -> User:
    return User.objects.create_user("ops-issue")


def issue(lines, *, count=2, reason="活动补偿", actor=None, request_id="req-1", at=None) -> CardIssue:
    return cards_issue_manual(lines=lines, count=count, reason=reason, actor=actor, request_id=request_id,
                              at=at or timezone.now())  # fmt: skip


def test_preview_resolves_creators_and_refuses_bad_lines_by_number(creators) -> None:
    plan = cards_issue_preview(lines=[(1, "c-1"), (2, "c-2"), (3, "c-404"), (4, " c-1 "), (5, "")], count=2)

    assert [c.external_id for c in plan.creators] == ["c-1", "c-2"]
    assert plan.total == 4 and not plan.issuable
    assert [str(r) for r in plan.refusals] == [
        "第 3 行 c-404 不存在",
        "第 4 行 c-1 与第 1 行重复",
        "第 5 行 没有达人ID",
    ]


def test_preview_writes_nothing(creators, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):  # the one SELECT of the creators
        cards_issue_preview(lines=[(1, "c-1"), (2, "c-2")], count=3)
    assert not GuaranteeCard.objects.exists() and not CardIssue.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize("count", [0, 11])
def test_count_must_be_one_to_ten(creators, count) -> None:
    with pytest.raises(ApplicationError) as error:
        issue([(1, "c-1")], count=count)
    assert error.value.code == "count_out_of_range"
    assert not GuaranteeCard.objects.exists()


def test_ten_each_is_allowed(creators) -> None:
    issue([(1, "c-1")], count=10)
    assert GuaranteeCard.objects.filter(creator=creators[0]).count() == 10


def test_one_bad_line_issues_nothing_and_names_it(creators, actor) -> None:
    with pytest.raises(ApplicationError) as error:
        issue([(1, "c-1"), (2, "c-2"), (3, "c-404")], actor=actor)

    assert "第 3 行 c-404 不存在" in error.value.message
    assert not GuaranteeCard.objects.exists() and not CardIssue.objects.exists()
    assert not AuditLog.objects.exists() and not AssistantMessage.objects.exists()


def test_a_reason_is_required(creators) -> None:
    with pytest.raises(ApplicationError) as error:
        issue([(1, "c-1")], reason="  ")
    assert error.value.code == "reason_required"
    assert not GuaranteeCard.objects.exists()


def test_issued_cards_have_the_catalogues_amount_and_validity(creators, actor) -> None:
    at = timezone.now()
    Benefit.objects.filter(code=BenefitCode.GUARANTEE_CARD).update(unit_amount=Decimal("80"), valid_days=90)

    made = issue([(1, "c-1"), (2, "c-2")], count=2, actor=actor, at=at)

    cards = GuaranteeCard.objects.filter(issue=made).order_by("creator__external_id", "serial")
    assert [(c.creator.external_id, c.serial) for c in cards] == [("c-1", 1), ("c-1", 2), ("c-2", 1), ("c-2", 2)]
    assert {(c.amount, c.issued_at, c.expires_at, c.status, c.entitlement_id) for c in cards} == {
        (Decimal("80"), at, at + timedelta(days=90), CardStatus.ACTIVE, None)
    }
    assert (made.reason, made.per_creator, made.issued_by, made.issued_at) == ("活动补偿", 2, actor, at)


def test_one_audit_row_names_creators_count_and_cards(creators, actor) -> None:
    made = issue([(1, "c-1"), (2, "c-2")], actor=actor)

    row = AuditLog.objects.get()
    card_ids = {str(pk) for pk in GuaranteeCard.objects.values_list("pk", flat=True)}
    assert (row.action, row.actor, row.reason, row.request_id) == ("card.issue", actor, "活动补偿", "req-1")
    assert (row.target_type, row.target_id) == ("benefits.CardIssue", str(made.pk))
    assert row.detail["creators"] == ["c-1", "c-2"] and row.detail["count"] == 2
    assert set(row.detail["cards"]) == card_ids


def test_each_creator_gets_one_message_linking_to_the_wallet(creators, actor) -> None:
    issue([(1, "c-1"), (2, "c-2")], count=3, actor=actor)

    messages = AssistantMessage.objects.order_by("creator__external_id")
    assert [m.creator.external_id for m in messages] == ["c-1", "c-2"]
    first = messages[0]
    assert (first.template, first.url_name, first.url_anchor) == ("cards_issued_manual", "benefits", "wallet")
    assert "运营为你发放了 3 张" in first.display_title and "活动补偿" in first.display_body


def test_the_same_request_twice_issues_once(creators, actor) -> None:
    issue([(1, "c-1")], actor=actor)
    with pytest.raises(ApplicationError) as error:
        issue([(1, "c-1")], actor=actor)

    assert error.value.code == "duplicate_request"
    assert GuaranteeCard.objects.count() == 2 and CardIssue.objects.count() == 1 and AuditLog.objects.count() == 1


def test_a_fixed_number_of_queries_whatever_the_number_of_creators(actor) -> None:
    def run(n: int, request_id: str) -> int:
        ids = [Creator.objects.create(external_id=f"{request_id}-{i}", nickname="x").external_id for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            issue(list(enumerate(ids, start=1)), actor=actor, request_id=request_id)
        return len(queries)

    # 20 × 2 cards stay inside one INSERT batch on SQLite too (its bound on parameters splits sooner).
    assert run(2, "small") == run(20, "large")


def test_manual_cards_are_ordinary_cards(creators, actor) -> None:
    """In the wallet with their reason, attachable to a guarantee entry, expired by the daily job."""
    now = timezone.now()
    issue([(1, "c-1")], count=2, actor=actor, at=now - timedelta(days=1))
    first, second = GuaranteeCard.objects.filter(creator=creators[0]).order_by("serial")

    wallet = benefits_page(creator=creators[0], at=now).wallet
    assert len(wallet.active) == 2
    assert wallet.active_groups[0].first.source_note == "运营发放：活动补偿"

    card_attach(creator=creators[0], card_id=first.pk, entry=entry(creators[0], task(guarantee=True)), at=now)
    assert cards_expire(at=second.expires_at) == 1
    second.refresh_from_db()
    assert second.status == CardStatus.EXPIRED


def test_manual_cards_are_counted_apart_from_grants(creators, actor) -> None:
    card(creators[0])  # a level grant's card
    issue([(1, "c-1"), (2, "c-2")], count=2, actor=actor)

    everyone = card_source_counts()
    assert (everyone.level, everyone.reward, everyone.manual, everyone.total) == (1, 0, 4, 5)
    mine = card_source_counts(creator=creators[0])
    assert (mine.level, mine.manual) == (1, 2)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_one_request_issue_once() -> None:
    Creator.objects.create(external_id="c-race-1", nickname="并发")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def post() -> None:
        try:
            barrier.wait()
            issue([(1, "c-race-1")], request_id="same-form")
            results.append("ok")
        except ApplicationError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["duplicate_request", "ok"]
    assert GuaranteeCard.objects.count() == 2 and CardIssue.objects.count() == 1 and AuditLog.objects.count() == 1
