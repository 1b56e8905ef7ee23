"""What must hold in the data whatever failed on the way (a killed worker, a lost broker, a dropped
connection): checked by ``manage.py check_invariants`` and after each fault test (tests/faults).

Each check is a handful of set-based queries and answers with the count of offending rows and a few
examples, so it runs on production data too. The rules are docs/program.md §3's:

- ``entitlement_unique``: one entitlement per (creator, benefit, period) — what makes every grant idempotent.
- ``cards_per_entitlement``: a card entitlement (a benefit with an amount and a validity) has exactly
  ``delivered`` cards; ``cards_total``: cards issued = card entitlements delivered + manual cards.
- ``manual_card_issues``: a manual issue gave each of its creators ``per_creator`` cards (all or nothing).
- ``dou_plus_credits``: a closed extra-dispatch entitlement short of its quota has one DOU+ credit for
  exactly the shortfall (quota − dispatched), a full one none, and no open one any; a credit's amount is
  a whole rate per missing dispatch (the rate is the catalogue's at the close, which may have changed).
- ``audited_actions``: every operator action that leaves a row (a console run, an override and its early
  end, a manual issue, a revoked card, a recorded dispatch or recommendation, a reviewed case, a rule-set
  version, an ingest token) has its audit row — the action's own or the admin's ``admin.add``.
- ``audit_append_only``: on PostgreSQL, the trigger that refuses UPDATE and DELETE of audit rows
  (``creators.append_only``) is in place and enabled.
"""

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import Count, F, Q, Sum

from benefits.models import (
    CardIssue,
    CardStatus,
    ClientRecommendation,
    DouPlusCredit,
    Entitlement,
    ExtraDispatch,
    FeaturedCase,
    GuaranteeCard,
)
from creators import append_only
from creators.models import AuditLog, IngestToken

from .models import JobRun, LevelOverride, RuleSet

EXAMPLES = 10  # offending rows named per check


def _result(name: str, rows: Iterable) -> dict:
    rows = list(rows)
    return {"check": name, "violations": len(rows), "examples": [str(row) for row in rows[:EXAMPLES]]}


def _card_entitlements():
    return Entitlement.objects.filter(benefit__unit_amount__isnull=False, benefit__valid_days__isnull=False)


def entitlement_unique() -> dict:
    duplicates = (
        Entitlement.objects.values("creator_id", "benefit_id", "period")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("creator_id", "benefit_id", "period", "n")
    )
    return _result("entitlement_unique", duplicates)


def cards_per_entitlement() -> dict:
    wrong = (
        _card_entitlements()
        .annotate(card_count=Count("cards"))
        .exclude(card_count=F("delivered"))
        .values_list("pk", "delivered", "card_count")
    )
    return _result("cards_per_entitlement", (f"entitlement {pk}: delivered {d}, cards {c}" for pk, d, c in wrong))


def cards_total() -> dict:
    cards = GuaranteeCard.objects.count()
    delivered = _card_entitlements().aggregate(n=Sum("delivered"))["n"] or 0
    manual = GuaranteeCard.objects.filter(issue__isnull=False).count()
    rows = [] if cards == delivered + manual else [f"cards {cards} ≠ delivered {delivered} + manual {manual}"]
    return _result("cards_total", rows)


def manual_card_issues() -> dict:
    wrong = (
        CardIssue.objects.annotate(card_count=Count("cards"), creator_count=Count("cards__creator", distinct=True))
        .filter(Q(card_count=0) | ~Q(card_count=F("per_creator") * F("creator_count")))
        .values_list("pk", "per_creator", "creator_count", "card_count")
    )
    return _result(
        "manual_card_issues",
        (f"issue {pk}: {per} each to {creators} creators, {cards} cards" for pk, per, creators, cards in wrong),
    )


def dou_plus_credits() -> dict:
    closed = Entitlement.objects.filter(benefit__dou_plus_per_missing__isnull=False, closed_at__isnull=False)
    short = Q(delivered__lt=F("quantity"))
    wrong_closed = (
        closed.annotate(credited=F("dou_plus_credit__missing"))
        .filter(
            (short & (Q(credited__isnull=True) | ~Q(credited=F("quantity") - F("delivered"))))
            | (~short & Q(credited__isnull=False))
        )
        .values_list("pk", "quantity", "delivered", "credited")
    )
    rows = [f"entitlement {pk}: quota {q}, dispatched {d}, credited {c}" for pk, q, d, c in wrong_closed]
    rows += [
        f"credit {pk} on open entitlement {e}"
        for pk, e in DouPlusCredit.objects.filter(entitlement__closed_at__isnull=True).values_list(
            "pk", "entitlement_id"
        )
    ]
    rows += [
        f"credit {pk}: {amount} for {missing} missing"
        for pk, missing, amount in DouPlusCredit.objects.values_list("pk", "missing", "amount")
        if missing == 0 or amount % missing
    ]
    return _result("dou_plus_credits", rows)


# What operators do that leaves a row, and the audit action(s) that record it: (label, rows, actions).
# A recorded recommendation is audited against its entitlement, so it is counted per entitlement below.
AUDITED: list[tuple[str, Callable, tuple[str, ...]]] = [
    ("levels.JobRun", lambda: JobRun.objects.filter(started_by__startswith="console:"), ("run.start",)),
    ("levels.LevelOverride", lambda: LevelOverride.objects.all(), ("level.override",)),
    ("levels.LevelOverride", lambda: LevelOverride.objects.filter(ended_by__isnull=False), ("level.override_end",)),
    ("levels.RuleSet", lambda: RuleSet.objects.filter(created_by__isnull=False), ("rules.version",)),
    ("benefits.CardIssue", lambda: CardIssue.objects.all(), ("card.issue",)),
    ("benefits.GuaranteeCard", lambda: GuaranteeCard.objects.filter(status=CardStatus.REVOKED), ("card.revoke",)),
    ("benefits.ExtraDispatch", lambda: ExtraDispatch.objects.filter(operator__isnull=False), ("dispatch.record",)),
    ("benefits.FeaturedCase", lambda: FeaturedCase.objects.filter(reviewed_by__isnull=False),
     ("case.approve", "case.reject")),
    ("creators.IngestToken", lambda: IngestToken.objects.filter(created_by__isnull=False), ("token.create",)),
    ("creators.IngestToken", lambda: IngestToken.objects.filter(revoked_at__isnull=False),
     ("token.revoke", "admin.change")),
]  # fmt: skip


def _audited_ids(label: str, actions: tuple[str, ...]) -> set[str]:
    rows = AuditLog.objects.filter(target_type=label, action__in=(*actions, "admin.add"))
    return set(rows.values_list("target_id", flat=True))


def audited_actions() -> dict:
    rows = []
    for label, made, actions in AUDITED:
        audited = _audited_ids(label, actions)
        rows += [f"{label} {pk}: no {'/'.join(actions)}" for pk in made().values_list("pk", flat=True).iterator()
                 if str(pk) not in audited]  # fmt: skip
    # Recommendations: each recorded one is a ``recommendation.fulfil`` on its entitlement (or an admin add).
    by_admin = _audited_ids("benefits.ClientRecommendation", ())
    recorded = Counter(
        entitlement
        for pk, entitlement in ClientRecommendation.objects.values_list("pk", "entitlement_id").iterator()
        if str(pk) not in by_admin
    )
    fulfilled = Counter(
        AuditLog.objects.filter(action="recommendation.fulfil", target_type="benefits.Entitlement").values_list(
            "target_id", flat=True
        )
    )
    rows += [
        f"benefits.Entitlement {e}: {n} recommendations, {fulfilled[str(e)]} audited"
        for e, n in sorted(recorded.items())
        if fulfilled[str(e)] < n
    ]
    return _result("audited_actions", rows)


def audit_append_only() -> dict:
    missing = connection.vendor == "postgresql" and not append_only.trigger_installed()
    return _result("audit_append_only", [f"no enabled trigger {append_only.TRIGGER}"] if missing else [])


CHECKS = (entitlement_unique, cards_per_entitlement, cards_total, manual_card_issues, dou_plus_credits,
          audited_actions, audit_append_only)  # fmt: skip


def invariants_check() -> list[dict]:
    """Every check's result: ``{"check", "violations", "examples"}``; all hold when every count is 0."""
    return [check() for check in CHECKS]


def invariants_violated(results: list[dict]) -> list[dict]:
    return [result for result in results if result["violations"]]
