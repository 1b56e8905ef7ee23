"""The period's close at scale (``recommendations.period_close``): the short entitlements are credited a
batch at a time, each batch in the same statements whatever its rows, with the same credits and messages
as one pass would write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benefits.models import Benefit, DouPlusCredit, Entitlement, EntitlementStatus
from benefits.selectors import catalogue_load
from benefits.services import recommendations
from creators.models import AssistantMessage, Creator
from lib.periods import Month
from tests.builders import AT, uid

pytestmark = pytest.mark.django_db
DECEMBER = Month(2026, 12)


def short_quotas(n: int) -> list[Entitlement]:
    """``n`` creators with December's extra dispatches, each 1–3 of 4 short; and one quota used up."""
    benefit = Benefit.objects.get(code="extra_dispatch")

    def quota(delivered: int) -> Entitlement:
        creator = Creator.objects.create(external_id=uid("c"), nickname="达人")
        return Entitlement.objects.create(creator=creator, benefit=benefit, kind="basic", level=1, period="2026-12",
                                          quantity=4, delivered=delivered, status=EntitlementStatus.PENDING,
                                          granted_at=AT)  # fmt: skip

    quota(4)
    return [quota(1 + i % 3) for i in range(n)]


def close() -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        summary = recommendations.period_close(month=DECEMBER, at=DECEMBER.end, catalogue=catalogue_load())
    return summary, len(queries)


def test_every_short_quota_is_credited_and_told_once_across_batches(monkeypatch):
    monkeypatch.setattr(recommendations, "CLOSE_BATCH", 2)
    quotas = short_quotas(5)
    summary, _ = close()
    missing = {q.pk: 4 - q.delivered for q in quotas}
    assert summary == {"dispatch_closed": 6, "dou_plus_credits": 5, "dou_plus": 20 * sum(missing.values()),
                       "overdue_recommendations": 0}  # fmt: skip
    assert dict(DouPlusCredit.objects.values_list("entitlement_id", "missing")) == missing
    told = AssistantMessage.objects.filter(template="dou_plus").values_list("creator_id", "params")
    assert sorted((c, p["entitlement"], p["amount"]) for c, p in told) == sorted(
        (q.creator_id, q.pk, 20 * missing[q.pk]) for q in quotas
    )
    assert close()[0]["dou_plus_credits"] == 0  # closed: a second close credits nothing


def test_the_statements_per_batch_are_fixed(monkeypatch):
    """As many statements for 3 short quotas as for 12 in one batch; each further batch costs the same."""
    assert close()[1] == close()[1]  # nothing to close: the fixed part

    def statements(n: int, batch: int) -> int:
        monkeypatch.setattr(recommendations, "CLOSE_BATCH", batch)
        DouPlusCredit.objects.all().delete()
        Entitlement.objects.all().delete()
        short_quotas(n)
        summary, count = close()
        assert summary["dou_plus_credits"] == n
        return count

    assert statements(3, 1000) == statements(12, 1000)
    per_batch = statements(4, 2) - statements(2, 2)
    assert 1 <= per_batch <= 4
    assert statements(8, 2) - statements(4, 2) == 2 * per_batch
