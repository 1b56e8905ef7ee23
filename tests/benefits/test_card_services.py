"""Guarantee cards at work: attaching one to an entry (exactly once) and settling it (docs/program.md §3)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benefits.models import CardStatus, GuaranteeCard
from benefits.services.cards import card_attach, card_revoke, entries_settle, entry_settle, task_join_with_card
from creators.models import AssistantMessage, AuditLog, Creator, SubmissionEntry
from lib.errors import ApplicationError
from tests.activity_builders import card, content, entry, task

pytestmark = pytest.mark.django_db


@pytest.fixture
def creator() -> Creator:
    return Creator.objects.create(external_id="c-card", nickname="持卡达人", fans=400_000)


@pytest.fixture
def other() -> Creator:
    return Creator.objects.create(external_id="c-card-2", nickname="别人", fans=400_000)


# --- attach ------------------------------------------------------------------------------------------


def test_an_active_card_becomes_used_on_the_entry(creator) -> None:
    now = timezone.now()
    c, e = card(creator), entry(creator, task(guarantee=True))

    card_attach(creator=creator, card_id=c.pk, entry=e, at=now)

    c.refresh_from_db()
    assert (c.status, c.entry, c.used_at) == (CardStatus.USED, e, now)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (
            lambda cr, now: card(cr, issued_at=now - timedelta(days=181), expires_at=now - timedelta(days=1)),
            "card_expired",
        ),
        (
            lambda cr, now: card(cr, issued_at=now - timedelta(days=180), expires_at=now),
            "card_expired",
        ),  # [issued, expires)
        (lambda cr, now: card(cr, status=CardStatus.EXPIRED), "card_expired"),
        (lambda cr, now: card(cr, status=CardStatus.SETTLED), "card_used"),
        (lambda cr, now: card(cr, status=CardStatus.REVOKED), "card_unavailable"),
    ],
    ids=["past-expiry", "expiring-now", "expired", "settled", "revoked"],
)
def test_a_card_that_is_not_active_and_valid_is_refused(creator, make, code) -> None:
    now = timezone.now()
    c, e = make(creator, now), entry(creator, task(guarantee=True))
    before = c.status

    with pytest.raises(ApplicationError) as error:
        card_attach(creator=creator, card_id=c.pk, entry=e, at=now)

    assert error.value.code == code
    c.refresh_from_db()
    assert c.status == before and c.entry is None


def test_another_creators_card_is_refused(creator, other) -> None:
    theirs, e = card(other), entry(creator, task(guarantee=True))

    with pytest.raises(ApplicationError) as error:
        card_attach(creator=creator, card_id=theirs.pk, entry=e, at=timezone.now())

    assert error.value.code == "card_not_found"
    theirs.refresh_from_db()
    assert theirs.status == CardStatus.ACTIVE


def test_the_same_card_twice_is_refused_the_second_time(creator) -> None:
    c, t = card(creator), task(guarantee=True)
    first, second = entry(creator, t), entry(creator, t)
    card_attach(creator=creator, card_id=c.pk, entry=first, at=timezone.now())

    with pytest.raises(ApplicationError) as error:
        card_attach(creator=creator, card_id=c.pk, entry=second, at=timezone.now())

    assert error.value.code == "card_used"
    c.refresh_from_db()
    assert c.entry == first


def test_an_entry_takes_one_card(creator) -> None:
    e = entry(creator, task(guarantee=True))
    card_attach(creator=creator, card_id=card(creator).pk, entry=e, at=timezone.now())
    spare = card(creator)

    with pytest.raises(ApplicationError) as error:
        card_attach(creator=creator, card_id=spare.pk, entry=e, at=timezone.now())

    assert error.value.code == "entry_has_card"
    spare.refresh_from_db()
    assert spare.status == CardStatus.ACTIVE


def test_a_card_on_a_task_without_guarantee_is_refused(creator) -> None:
    c = card(creator)
    with pytest.raises(ApplicationError) as error:
        card_attach(creator=creator, card_id=c.pk, entry=entry(creator, task()), at=timezone.now())
    assert error.value.code == "not_guarantee_task"


def test_a_malformed_card_id_is_refused(creator) -> None:
    with pytest.raises(ApplicationError):
        card_attach(
            creator=creator, card_id="not-a-uuid", entry=entry(creator, task(guarantee=True)), at=timezone.now()
        )


def test_join_with_a_refused_card_leaves_no_entry(creator, other) -> None:
    t = task(guarantee=True)
    with pytest.raises(ApplicationError):
        task_join_with_card(
            creator=creator, task=t, content=content(creator), card_id=card(other).pk, at=timezone.now()
        )
    assert not SubmissionEntry.objects.exists()


def test_join_with_a_card_uses_it(creator) -> None:
    c = card(creator)
    e = task_join_with_card(creator=creator, task=task(guarantee=True), content=content(creator), card_id=c.pk,
                            at=timezone.now())  # fmt: skip
    c.refresh_from_db()
    assert c.status == CardStatus.USED and c.entry == e


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_attaches_of_one_card_let_exactly_one_through() -> None:
    creator = Creator.objects.create(external_id="c-race", nickname="并发", fans=400_000)
    c, t = card(creator), task(guarantee=True)
    items = [content(creator), content(creator)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def join(item) -> None:
        try:
            barrier.wait()
            task_join_with_card(creator=creator, task=t, content=item, card_id=c.pk, at=timezone.now())
            results.append("ok")
        except ApplicationError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["card_used", "ok"]
    c.refresh_from_db()
    assert c.status == CardStatus.USED
    # The loser's entry was rolled back with its refused card: one entry, and it holds the card.
    assert list(SubmissionEntry.objects.values_list("pk", flat=True)) == [c.entry_id]


# --- settlement ----------------------------------------------------------------------------------------


def closed_entry(creator, *, plays: int, earnings: str | None, threshold: int = 10_000, attach: bool = True):
    """An entry of a guarantee task that closed yesterday, with a card used on it."""
    now = timezone.now()
    t = task(guarantee=True, threshold=threshold, opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1))
    e = entry(creator, t, effective_plays=plays, earnings=None if earnings is None else Decimal(earnings),
              submitted_at=now - timedelta(days=10))  # fmt: skip
    c = None
    if attach:
        c = card(creator, issued_at=now - timedelta(days=30))
        card_attach(creator=creator, card_id=c.pk, entry=e, at=now - timedelta(days=10))
    return e, c


def settled(e: SubmissionEntry) -> tuple[Decimal | None, str]:
    e.refresh_from_db()
    return e.payout, GuaranteeCard.objects.get(entry=e).status


def test_plays_reached_with_small_earnings_pays_the_guarantee(creator) -> None:
    e, _ = closed_entry(creator, plays=10_000, earnings="12.00")  # exactly at the threshold: reached

    assert entries_settle(at=timezone.now()) == 1

    assert settled(e) == (Decimal("50.00"), CardStatus.SETTLED)
    assert e.settled_at is not None


def test_plays_reached_with_larger_earnings_pays_the_earnings(creator) -> None:
    e, _ = closed_entry(creator, plays=30_000, earnings="86.50")
    entries_settle(at=timezone.now())
    assert settled(e) == (Decimal("86.50"), CardStatus.SETTLED)


def test_plays_below_the_threshold_pay_the_earnings_and_spend_the_card(creator) -> None:
    e, _ = closed_entry(creator, plays=9_999, earnings="12.00")
    entries_settle(at=timezone.now())
    assert settled(e) == (Decimal("12.00"), CardStatus.SETTLED)


def test_entry_plays_fall_back_to_the_content_item(creator) -> None:
    e, _ = closed_entry(creator, plays=0, earnings="5.00")
    SubmissionEntry.objects.filter(pk=e.pk).update(effective_plays=None, content=content(creator, plays=20_000))
    entries_settle(at=timezone.now())
    assert settled(e)[0] == Decimal("50.00")


def test_settlement_sends_one_card_message_with_the_payout(creator) -> None:
    closed_entry(creator, plays=12_000, earnings="12.00")
    closed_entry(creator, plays=500, earnings="3.00")

    entries_settle(at=timezone.now())

    messages = AssistantMessage.objects.filter(creator=creator, kind=AssistantMessage.Kind.CARD)
    texts = sorted(m.display_title + " | " + m.display_body for m in messages)
    assert len(texts) == 2
    assert any("实得 ¥50" in t and "保底 ¥50 · 实得 ¥50" in t for t in texts)
    assert any("实得 ¥3" in t and "未达播放要求，按实际收益 ¥3" in t for t in texts)


def test_running_settlement_again_adds_nothing(creator) -> None:
    e, _ = closed_entry(creator, plays=12_000, earnings="12.00")
    first_at = timezone.now()
    entries_settle(at=first_at)

    assert entries_settle(at=first_at + timedelta(days=1)) == 0

    e.refresh_from_db()
    assert (e.payout, e.settled_at) == (Decimal("50.00"), first_at)
    assert AssistantMessage.objects.filter(kind=AssistantMessage.Kind.CARD, creator=creator).count() == 1


def test_entries_not_yet_due_are_left_alone(creator) -> None:
    now = timezone.now()
    unknown, _ = closed_entry(creator, plays=12_000, earnings=None)  # earnings not reported yet
    no_card, _ = closed_entry(creator, plays=12_000, earnings="12.00", attach=False)
    still_open = entry(creator, task(guarantee=True), effective_plays=12_000, earnings=Decimal("1"))
    card_attach(creator=creator, card_id=card(creator).pk, entry=still_open, at=now)

    assert entries_settle(at=now) == 0

    for e in (unknown, no_card, still_open):
        e.refresh_from_db()
        assert e.settled_at is None and e.payout is None


def test_entry_settle_settles_one_and_explains_why_not(creator) -> None:
    now = timezone.now()
    e, _ = closed_entry(creator, plays=12_000, earnings="20.00")
    assert entry_settle(entry=e, at=now) is True
    e.refresh_from_db()
    assert entry_settle(entry=e, at=now) is False  # idempotent

    unknown, _ = closed_entry(creator, plays=12_000, earnings=None)
    with pytest.raises(ApplicationError) as error:
        entry_settle(entry=unknown, at=now)
    assert error.value.code == "earnings_unknown"

    bare, _ = closed_entry(creator, plays=12_000, earnings="1.00", attach=False)
    with pytest.raises(ApplicationError) as error:
        entry_settle(entry=bare, at=now)
    assert error.value.code == "no_card"


def test_settling_many_takes_no_more_statements_than_settling_one(creator, django_assert_max_num_queries) -> None:
    closed_entry(creator, plays=12_000, earnings="12.00")
    with CaptureQueriesContext(connection) as one:
        entries_settle(at=timezone.now())
    for i in range(12):
        closed_entry(creator, plays=5_000 * i, earnings=f"{i}.00")
    with django_assert_max_num_queries(len(one)):
        assert entries_settle(at=timezone.now()) == 12


# --- revocation ----------------------------------------------------------------------------------------


def revoke(c, *, reason: str = "误发", request_id: str = "revoke-1", at=None):
    return card_revoke(card_id=c.pk, reason=reason, actor=None, request_id=request_id, at=at or timezone.now())


def test_an_active_card_is_revoked_with_its_reason_audit_and_message(creator) -> None:
    now = timezone.now()
    c = card(creator)

    revoke(c, at=now)

    c.refresh_from_db()
    assert (c.status, c.revoked_at, c.revoked_reason) == (CardStatus.REVOKED, now, "误发")
    row = AuditLog.objects.get()
    assert (row.action, row.target_id, row.creator_id, row.reason) == ("card.revoke", str(c.pk), creator.pk, "误发")
    assert (row.before, row.after) == ({"status": "active"}, {"status": "revoked", "revoked_reason": "误发"})
    message = AssistantMessage.objects.get(creator=creator)
    assert message.template == "card_revoked" and "误发" in message.display_body


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (CardStatus.USED, "已用于投稿任务，不能撤销"),
        (CardStatus.SETTLED, "已经结算，不能撤销"),
        (CardStatus.EXPIRED, "已过期，不能撤销"),
        (CardStatus.REVOKED, "已经撤销过了"),
    ],
)
def test_a_card_that_is_not_active_cannot_be_revoked(creator, status, why) -> None:
    c = card(creator, status=status)

    with pytest.raises(ApplicationError) as error:
        revoke(c)

    assert error.value.code == "card_not_active" and why in error.value.message
    c.refresh_from_db()
    assert c.status == status
    assert not AuditLog.objects.exists() and not AssistantMessage.objects.exists()


def test_an_active_card_past_its_expiry_cannot_be_revoked(creator) -> None:
    now = timezone.now()
    c = card(creator, issued_at=now - timedelta(days=181), expires_at=now - timedelta(days=1))
    with pytest.raises(ApplicationError, match="已过期"):
        revoke(c, at=now)
    assert not AuditLog.objects.exists()


def test_revoking_needs_a_reason(creator) -> None:
    c = card(creator)
    with pytest.raises(ApplicationError) as error:
        revoke(c, reason=" ")
    assert error.value.code == "reason_required"
    c.refresh_from_db()
    assert c.status == CardStatus.ACTIVE


def test_the_same_revoke_posted_twice_acts_once(creator) -> None:
    c = card(creator)
    revoke(c)
    with pytest.raises(ApplicationError) as error:
        revoke(c)
    assert error.value.code == "duplicate_request"
    assert AuditLog.objects.count() == 1 and AssistantMessage.objects.count() == 1
