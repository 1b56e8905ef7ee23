"""Grant rules of docs/program.md §3, driven through the job commands like the scheduler drives them."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from benefits.models import DouPlusCredit, Entitlement, ExtraDispatch, GuaranteeCard
from benefits.selectors import catalogue_load
from benefits.services.grants import entitlement_claim, entitlements_grant_level
from creators.models import Creator, SubmissionTask
from lib.errors import ApplicationError
from lib.periods import Month
from tests.builders import AT, creator_at_level, order, post

pytestmark = pytest.mark.django_db


def call(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def assess(at=AT, mode="monthly") -> None:
    call("assess_levels", "--at", at.isoformat(), "--mode", mode)


def held(creator) -> dict[str, tuple]:
    return {
        e.benefit.code: (e.period, e.quantity, e.delivered, e.status)
        for e in Entitlement.objects.filter(creator=creator, kind="basic").select_related("benefit")
    }


def test_lv3_monthly_grants_the_lv3_basic_set():
    creator = creator_at_level(3)
    assess()
    assert held(creator) == {
        "identity_tag": ("", 1, 1, "delivered"),
        "square_ad_slot_fixed": ("", 1, 1, "delivered"),
        "diamond_slot": ("", 1, 1, "delivered"),
        "featured_case": ("", 1, 0, "available"),
        "leaderboard_priority": ("", 1, 1, "delivered"),
        "case_promotion": ("", 1, 1, "delivered"),
        "client_recommendation": ("2026-12", 1, 0, "pending"),
        "guarantee_card": ("2026-12", 3, 3, "delivered"),
    }


def test_cards_expire_180_days_after_issue_to_the_second():
    creator = creator_at_level(3)
    assess()
    cards = list(GuaranteeCard.objects.filter(creator=creator))
    assert len(cards) == 3
    assert {(c.amount, c.issued_at, c.expires_at - c.issued_at) for c in cards} == {(50, AT, timedelta(days=180))}
    expiry = cards[0].expires_at
    call("expire_cards", "--at", (expiry - timedelta(seconds=1)).isoformat())
    assert GuaranteeCard.objects.filter(status="active").count() == 3
    call("expire_cards", "--at", expiry.isoformat())
    assert GuaranteeCard.objects.filter(status="expired").count() == 3
    assert creator.messages.filter(template="card_expired").count() == 3


def test_upgrade_mid_month_tops_the_period_up():
    creator = creator_at_level(4, orders=2)  # LV3 on the 1st
    assess()
    assert held(creator)["guarantee_card"] == ("2026-12", 3, 3, "delivered")
    order(creator, completed_at=AT + timedelta(days=9))
    assess(AT + timedelta(days=10, hours=2), mode="upgrade")
    assert held(creator)["guarantee_card"] == ("2026-12", 4, 4, "delivered")
    assert held(creator)["client_recommendation"] == ("2026-12", 3, 0, "pending")
    assert GuaranteeCard.objects.filter(creator=creator).count() == 4
    assert set(held(creator)) >= {"ops_community", "annual_gala_guest", "academy_lecturer"}


def test_downgrade_lapses_unclaimed_and_level_benefits_but_keeps_cards_and_debts():
    creator = creator_at_level(3)
    assess()
    featured = Entitlement.objects.get(creator=creator, benefit__code="featured_case")
    # Next month the creator only meets LV1.
    creator.contents.all().delete()
    post(creator, 6, at=AT + timedelta(days=31), plays=2000)
    assess(AT + timedelta(days=31))
    state = held(creator)
    assert state["featured_case"][3] == "lapsed"
    assert state["diamond_slot"][3] == "lapsed"
    assert state["identity_tag"][3] == "delivered"  # LV1 still has it
    assert state["client_recommendation"] == ("2026-12", 1, 0, "pending")  # still owed
    assert GuaranteeCard.objects.filter(creator=creator, status="active").count() == 3
    with pytest.raises(ApplicationError) as refused:
        entitlement_claim(creator=creator, entitlement_id=featured.pk)
    assert refused.value.code == "lapsed"


def test_regaining_the_level_revives_lapsed_benefits_but_not_claimed_ones():
    creator = creator_at_level(3)
    assess()
    featured = Entitlement.objects.get(creator=creator, benefit__code="featured_case")
    entitlement_claim(creator=creator, entitlement_id=featured.pk)
    Entitlement.objects.filter(creator=creator, benefit__code="diamond_slot").update(status="lapsed")
    assess(AT + timedelta(days=1), mode="monthly")
    state = held(creator)
    assert state["diamond_slot"][3] == "delivered"
    assert state["featured_case"][3] == "claimed"


def test_claim_is_exactly_once():
    creator = creator_at_level(2)
    assess()
    featured = Entitlement.objects.get(creator=creator, benefit__code="featured_case")
    claimed = entitlement_claim(creator=creator, entitlement_id=featured.pk)
    assert (claimed.status, claimed.delivered) == ("claimed", 1)
    with pytest.raises(ApplicationError, match="已领取"):
        entitlement_claim(creator=creator, entitlement_id=featured.pk)


def test_claim_of_another_creators_entitlement_does_not_exist():
    owner, other = creator_at_level(2), creator_at_level(2)
    assess()
    featured = Entitlement.objects.get(creator=owner, benefit__code="featured_case")
    with pytest.raises(Entitlement.DoesNotExist):
        entitlement_claim(creator=other, entitlement_id=featured.pk)
    assert Entitlement.objects.get(pk=featured.pk).status == "available"


def test_auto_benefits_are_not_claimable():
    creator = creator_at_level(2)
    assess()
    tag = Entitlement.objects.get(creator=creator, benefit__code="identity_tag")
    with pytest.raises(ApplicationError) as refused:
        entitlement_claim(creator=creator, entitlement_id=tag.pk)
    assert refused.value.code == "not_claimable"


@pytest.mark.parametrize(("dispatched", "dou_plus"), [(0, 160), (3, 100), (8, 0)])
def test_close_period_credits_20_dou_plus_per_missing_dispatch(dispatched, dou_plus):
    creator = creator_at_level(2)
    assess()
    entitlement = Entitlement.objects.get(creator=creator, benefit__code="extra_dispatch")
    assert (entitlement.period, entitlement.quantity) == ("2026-12", 8)
    for i in range(dispatched):
        task = SubmissionTask.objects.create(code=f"t-{i}")
        ExtraDispatch.objects.create(entitlement=entitlement, creator=creator, task=task, dispatched_at=AT)
    Entitlement.objects.filter(pk=entitlement.pk).update(delivered=dispatched)
    result = json.loads(call("close_period", "--period", "2026-12"))
    assert result["dou_plus"] == dou_plus
    call("close_period", "--period", "2026-12")  # again: nothing more
    assert sum(DouPlusCredit.objects.values_list("amount", flat=True)) == dou_plus
    assert json.loads(call("creator_report", creator.external_id))["dou_plus"] == dou_plus


def test_close_period_flags_owed_recommendations_overdue_and_keeps_them_owed():
    creator = creator_at_level(3)
    assess()
    call("close_period", "--period", "2026-12")
    rec = Entitlement.objects.get(creator=creator, benefit__code="client_recommendation")
    assert (rec.overdue, rec.status) == (True, "pending")


def test_creator_report_shape():
    creator = creator_at_level(3, external_id="c-report")
    assess()
    report = json.loads(call("creator_report", "c-report"))
    assert report["creator"] == "c-report" and report["level"] == 3
    assert report["level_history"] == [{"at": "2026-12-01T02:00:00+08:00", "from": 0, "to": 3, "reason": "monthly"}]
    cards = [e for e in report["entitlements"] if e["benefit"] == "guarantee_card"]
    assert cards[0] | {"id": 0} == {
        "id": 0, "benefit": "guarantee_card", "kind": "basic", "period": "2026-12",
        "quantity": 3, "delivered": 3, "status": "delivered",
    }  # fmt: skip
    assert next(e for e in report["entitlements"] if e["benefit"] == "featured_case")["period"] is None
    assert {c["status"] for c in report["guarantee_cards"]} == {"active"}
    assert report["guarantee_cards"][0]["amount"] == 50
    assert report["guarantee_cards"][0]["expires_at"] == "2027-05-30T02:00:00+08:00"
    assert report["dou_plus"] == 0
    assert report["level"] == creator.level_held.level
    assert [r["status"] for r in report["recommendations"]] == ["owed"]  # rows: tests/benefits/test_recommendations.py
    assert (report["override"], report["index"]) == (None, None)


def test_creator_report_by_login():
    creator = creator_at_level(1)
    creator.user = User.objects.create_user("someone", password="x")
    creator.save()
    assert json.loads(call("creator_report", "--user", "someone"))["creator"] == creator.external_id


def _statements_to_grant_lv3(n: int) -> int:
    """Statements of one LV3 grant (entitlements, cards, messages) to ``n`` new creators."""
    made = [creator_at_level(3) for _ in range(n)]
    with CaptureQueriesContext(connection) as captured:
        entitlements_grant_level(
            creators=Creator.objects.filter(pk__in=[c.pk for c in made]).values(creator_id=F("pk")),
            level=3,
            month=Month(2026, 12),
            at=AT,
            catalogue=catalogue_load(),
        )
    assert GuaranteeCard.objects.filter(creator__in=made).count() == 3 * n
    return len(captured)


def test_a_grant_with_cards_takes_the_same_statements_for_one_creator_or_many():
    assert _statements_to_grant_lv3(1) == _statements_to_grant_lv3(12)
