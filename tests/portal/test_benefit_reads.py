"""我的权益's reads written as SQL (``benefits.selectors``: the catalogue, the entitlements with their latest
case, the wallet's cards) give what the ORM querysets they replaced gave: the same rows in the same order,
every field and every related object alike."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, Sum

from benefits import selectors
from benefits.models import (
    CardStatus,
    CaseStatus,
    DouPlusCredit,
    Entitlement,
    EntitlementStatus,
    FeaturedCase,
    GuaranteeCard,
    LevelBenefit,
)
from benefits.services.card_issues import cards_issue_manual
from creators.models import SubmissionTask
from tests.builders import AT, submit
from tests.portal.support import assess, entitlement

pytestmark = pytest.mark.django_db


def fields(instance) -> dict | None:
    """Every field value an instance was loaded with (related objects apart), and its model."""
    if instance is None:
        return None
    loaded = {k: v for k, v in instance.__dict__.items() if not k.startswith("_") and k != "latest_case"}
    return {**loaded, "model": type(instance).__name__}


def test_the_catalogue_is_what_the_orm_read() -> None:
    before = LevelBenefit.objects.select_related("benefit").order_by("level", "kind", "benefit__position")
    assert [(fields(r), fields(r.benefit)) for r in selectors.catalogue_rows()] == [
        (fields(r), fields(r.benefit)) for r in before
    ]


def test_entitlements_and_cards_are_what_the_orm_read(creator, other_creator) -> None:
    assess()
    assert selectors.wallet_cards_and_dou_plus(creator=other_creator) == ([], 0)
    for credited, amount in zip(Entitlement.objects.filter(creator=creator)[:2], [20, 40], strict=True):
        DouPlusCredit.objects.create(creator=creator, entitlement=credited, missing=1, amount=amount, created_at=AT)
    featured = entitlement(creator, "featured_case")
    Entitlement.objects.filter(pk=featured.pk).update(status=EntitlementStatus.CLAIMED)
    # Cases of one entitlement: the latest submitted wins; at the same time, the latest id.
    for minutes, status in [(0, CaseStatus.REJECTED), (5, CaseStatus.REJECTED), (5, CaseStatus.PENDING)]:
        at = AT + timedelta(minutes=minutes)
        FeaturedCase.objects.create(creator=creator, entitlement=featured, title="t", link="https://x.test/",
                                    recommendation="r", status=status, submitted_at=at)  # fmt: skip
    owed = entitlement(creator, "client_recommendation")
    Entitlement.objects.filter(pk=owed.pk).update(period="2026-10", status=EntitlementStatus.PENDING)
    task = SubmissionTask.objects.create(code="g-1", title="春季美食保底任务", is_guarantee=True, guarantee_threshold=1)
    source = entitlement(creator, "guarantee_card")
    for serial, status, entry in [(20, CardStatus.USED, submit(creator, AT, task=task)),
                                  (21, CardStatus.SETTLED, submit(creator, AT, task=task, payout=80)),
                                  (22, CardStatus.ACTIVE, None)]:  # fmt: skip
        GuaranteeCard.objects.create(creator=creator, entitlement=source, serial=serial, amount=50, status=status,
                                     issued_at=AT, expires_at=AT + timedelta(days=180), entry=entry)  # fmt: skip
    cards_issue_manual(lines=[(1, creator.external_id)], count=2, reason="活动补偿",
                       actor=User.objects.create_user("ops-r"), request_id="r-1", at=AT)  # fmt: skip

    for month_key, reward_key in [("2026-12", "2026Q3"), ("2026-11", "2026Q2")]:
        before = (
            Entitlement.objects.filter(creator=creator)
            .filter(Q(period__in=["", month_key, reward_key]) | Q(status=EntitlementStatus.PENDING))
            .select_related("benefit")
            .prefetch_related(Prefetch("cases", queryset=FeaturedCase.objects.order_by("-submitted_at", "-pk")))
            .order_by("benefit__position", "period", "pk")
        )
        now = selectors.entitlements_current(creator=creator, month_key=month_key, reward_key=reward_key)
        expected = [(fields(e), fields(e.benefit), fields(next(iter(e.cases.all()), None))) for e in before]
        assert [(fields(e), fields(e.benefit), fields(e.latest_case)) for e in now] == expected
        assert any(case and case["status"] == CaseStatus.PENDING for _, _, case in expected)
        for e in before:
            one = selectors.entitlement_of(creator=creator, entitlement_id=e.pk)
            assert (fields(one), fields(one.benefit)) == (fields(e), fields(e.benefit))
    with pytest.raises(Entitlement.DoesNotExist):
        selectors.entitlement_of(creator=creator, entitlement_id=10**9)

    before = list(GuaranteeCard.objects.filter(creator=creator).select_related("entry__task", "issue"))
    by_id = {c.pk: c for c in before}
    now, dou_plus = selectors.wallet_cards_and_dou_plus(creator=creator)
    assert dou_plus == DouPlusCredit.objects.filter(creator=creator).aggregate(total=Sum("amount"))["total"] == 60
    assert sorted(c.pk for c in now) == sorted(by_id) and len(now) >= 5
    for card in now:
        old = by_id[card.pk]
        assert fields(card) == fields(old) and fields(card.issue) == fields(old.issue)
        assert fields(card.entry) == fields(old.entry)
        assert fields(card.entry and card.entry.task) == fields(old.entry and old.entry.task)
    assert {c.issue.reason for c in now if c.issue} == {"活动补偿"} and sum(bool(c.entry) for c in now) == 2
