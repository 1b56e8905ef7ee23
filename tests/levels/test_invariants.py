"""``levels.invariants`` and ``manage.py check_invariants``: they hold after a monthly run, a close
with a dispatch recorded, a manual issue and a console run; each check names the rows once the data
breaks it (rows changed behind the services' back, as a bug or a half-done write would)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from benefits.models import DouPlusCredit, GuaranteeCard
from benefits.services.card_issues import cards_issue_manual
from benefits.services.dispatches import dispatch_record
from creators.models import SubmissionTask
from levels import jobs
from levels.invariants import invariants_check, invariants_violated
from tests.builders import AT, creator_at_level, uid

pytestmark = pytest.mark.django_db
WHEN = AT + timedelta(days=1)


def run(*args: str) -> None:
    call_command(*args, stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def program(db) -> dict:
    """Three creators assessed for 2026-12, one dispatch recorded, a manual card issued, 2026-12 closed."""
    operator = User.objects.create_user("ops", password="pw")
    creators = {level: creator_at_level(level) for level in (1, 2, 3)}
    run("assess_levels", "--at", AT.isoformat(), "--mode", "monthly")
    task = SubmissionTask.objects.create(
        code=uid("task"), title="优质投稿任务", opens_at=WHEN - timedelta(days=7), closes_at=WHEN + timedelta(days=7)
    )
    dispatch_record(creator_external_id=creators[2].external_id, task_code=task.code, actor=operator,
                    request_id=uid("req"), at=WHEN)  # fmt: skip
    cards_issue_manual(lines=[(1, creators[1].external_id)], count=2, reason="补偿", actor=operator,
                       request_id=uid("req"), at=WHEN)  # fmt: skip
    run("close_period", "--period", "2026-12")
    return {"creators": creators, "operator": operator}


def violations() -> dict[str, int]:
    return {r["check"]: r["violations"] for r in invariants_violated(invariants_check())}


def test_they_hold_after_the_program_ran(program):
    assert GuaranteeCard.objects.filter(issue__isnull=False).count() == 2
    assert GuaranteeCard.objects.filter(entitlement__isnull=False).exists()
    assert DouPlusCredit.objects.exists()
    out = StringIO()

    call_command("check_invariants", "--json", stdout=out)

    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["check"] for r in results} >= {"entitlement_unique", "cards_total", "dou_plus_credits", "audited_actions"}
    assert all(r["violations"] == 0 for r in results), results


def test_a_card_missing_from_its_entitlement_is_named(program):
    card = GuaranteeCard.objects.filter(entitlement__isnull=False).first()
    GuaranteeCard.objects.filter(pk=card.pk).delete()

    assert violations() == {"cards_per_entitlement": 1, "cards_total": 1}
    with pytest.raises(CommandError, match="cards_per_entitlement, cards_total"):
        run("check_invariants")


def test_a_manual_issue_short_of_a_card_is_named(program):
    GuaranteeCard.objects.filter(pk=GuaranteeCard.objects.filter(issue__isnull=False).first().pk).delete()

    assert violations() == {"manual_card_issues": 1}  # the total counts manual cards as they are


def test_a_dou_plus_credit_other_than_the_shortfall_is_named(program):
    credit = DouPlusCredit.objects.first()
    DouPlusCredit.objects.filter(pk=credit.pk).update(missing=credit.missing + 1)

    assert violations() == {"dou_plus_credits": 1}


def test_a_dou_plus_amount_that_is_no_whole_rate_is_named(program):
    credit = DouPlusCredit.objects.first()
    DouPlusCredit.objects.filter(pk=credit.pk).update(amount=credit.amount * credit.missing + 1, missing=2)

    assert violations() == {"dou_plus_credits": 2}  # not the shortfall either


def test_a_closed_shortfall_without_its_credit_is_named(program):
    DouPlusCredit.objects.filter(pk=DouPlusCredit.objects.first().pk).delete()

    assert violations() == {"dou_plus_credits": 1}


def test_an_operator_action_without_its_audit_row_is_named(program):
    jobs.run_claim(job="close_period", key="x", period="2026-11", at=AT, started_by="console:ops")

    result = next(r for r in invariants_check() if r["check"] == "audited_actions")

    assert result["violations"] == 1 and "levels.JobRun" in result["examples"][0]
