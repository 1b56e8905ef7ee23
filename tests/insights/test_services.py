"""Computing a day's index end to end (stage each chunk's figures, then rank and publish the day): a day's
rows appear or change only when it is published, a re-run replaces them with the same results, a run
limited to some creators ranks them among the whole day, and a chunk costs the same queries at any size."""

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators.models import Content, Creator, FansDaily, Order
from insights.models import DailyIndex, IndexStage
from insights.services import index_compute_chunk, index_publish_day
from lib.periods import TZ, local_date

from .support import creator

pytestmark = pytest.mark.django_db

T = datetime(2026, 12, 1, 5, 0, tzinfo=TZ)
D = local_date(T)


def active(n: int) -> Creator:
    """A creator with some of everything the index reads, scaled by ``n``."""
    who = creator(fans=1000 * n, credit_score=50 + n % 40)
    for k in range(3):
        Content.objects.create(
            external_id=f"{who.external_id}-v{k}", creator=who, kind="video",
            published_at=T - timedelta(days=5 + 7 * k), effective_plays=1000 * n + 37 * k, likes=n * (k + 1),
            completion_rate=0.1 * (n % 9), component_clicks=n % 5, conversions=n % 3,
        )  # fmt: skip
    if n % 2:
        Order.objects.create(
            external_id=f"{who.external_id}-o", creator=who, kind="standard", status="completed",
            created_at=T - timedelta(days=20), completed_at=T - timedelta(days=10), amount=100 * n, plays=5000 + n,
            rating=1 + n % 5,
        )  # fmt: skip
    for days_back, value in ((15, 1000 * n), (7, 1000 * n + n * n), (0, 1000 * n + 3 * n)):
        FansDaily.objects.create(creator=who, date=D - timedelta(days=days_back), fans=value)
    return who


def compute(at: datetime = T, only: set[int] | None = None, batch: int = 1) -> dict:
    ids = sorted(only) if only else list(Creator.objects.order_by("pk").values_list("pk", flat=True))
    summary = index_compute_chunk(at=at, first_id=ids[0], last_id=ids[-1], batch=batch, only=only)
    return summary | index_publish_day(day=local_date(at), batch=batch)


def day_rows() -> list[tuple]:
    fields = [f.attname for f in DailyIndex._meta.concrete_fields if f.name != "id"]
    return list(DailyIndex.objects.filter(date=D).order_by("creator_id").values_list(*fields))


def test_a_day_gets_one_ranked_row_per_creator():
    made = [active(n) for n in range(1, 8)]
    assert compute() == {"assessed": 7, "indexed": 7}
    rows = DailyIndex.objects.filter(date=D)
    assert rows.count() == 7
    assert not rows.filter(reach__isnull=True).exists()
    assert rows.get(creator=made[-1]).reach > rows.get(creator=made[0]).reach  # more plays and interactions


def test_deleting_a_creator_deletes_their_index_rows():
    """The index rows have no database-level foreign key (``DailyIndex.creator``): the ORM's cascade is
    what keeps them from outliving their creator."""
    gone, kept = active(1), active(2)
    compute()
    gone.delete()
    assert list(DailyIndex.objects.values_list("creator_id", flat=True)) == [kept.pk]


def test_running_a_day_again_replaces_its_rows_with_the_same_results():
    for n in range(1, 10):
        active(n)
    compute()
    first = day_rows()
    compute()
    assert day_rows() == first


def test_a_day_changes_only_when_its_computation_publishes_it():
    low, high = active(1), active(9)
    compute()
    before = day_rows()
    Content.objects.filter(creator=low).update(effective_plays=10**9)

    index_compute_chunk(at=T, first_id=low.pk, last_id=high.pk, batch=2)
    assert day_rows() == before  # staged, not published
    index_compute_chunk(at=T, first_id=low.pk, last_id=high.pk, batch=2)  # a chunk done twice stages once
    assert IndexStage.objects.filter(batch=2).count() == 2

    index_publish_day(day=D, batch=2)
    assert DailyIndex.objects.get(creator=low).reach > DailyIndex.objects.get(creator=high).reach
    assert not IndexStage.objects.exists()


def test_a_new_day_has_no_rows_until_it_is_published():
    who = active(3)
    index_compute_chunk(at=T, first_id=who.pk, last_id=who.pk, batch=1)
    assert not DailyIndex.objects.exists()


def test_a_run_limited_to_some_creators_ranks_them_among_the_whole_day():
    made = [active(n) for n in range(1, 6)]
    compute()
    before = dict(DailyIndex.objects.values_list("creator_id", "reach"))
    Content.objects.filter(creator=made[0]).update(effective_plays=10**9)

    summary = compute(only={made[0].pk}, batch=2)

    assert summary == {"assessed": 1, "indexed": 5}  # one creator measured, the whole day ranked
    assert DailyIndex.objects.filter(date=D).count() == 5
    after = dict(DailyIndex.objects.values_list("creator_id", "reach"))
    assert DailyIndex.objects.get(creator=made[0]).plays_30d == 3 * 10**9
    assert after[made[0].pk] > before[made[0].pk]
    assert after[made[1].pk] < before[made[1].pk]  # passed by the creator measured again


def test_days_are_kept_apart():
    who = active(2)
    compute(T - timedelta(days=1), batch=1)
    compute(batch=2)
    assert list(DailyIndex.objects.filter(creator=who).order_by("date").values_list("date", flat=True)) == [
        D - timedelta(days=1),
        D,
    ]


def _queries(n: int) -> int:
    made = [active(k) for k in range(1, n + 1)]
    with CaptureQueriesContext(connection) as captured:
        index_compute_chunk(at=T, first_id=made[0].pk, last_id=made[-1].pk, batch=1)
    return len(captured)


def test_a_chunk_takes_the_same_number_of_queries_for_3_or_30_creators():
    assert _queries(3) == _queries(30)


@pytest.mark.django_db(transaction=True)
def test_two_computations_publishing_the_same_day_at_once_leave_one_whole_day():
    """Both publications meet at the barrier: one waits for the other's transaction, then replaces its
    rows, so the day is one computation's, whole, and neither fails."""
    made = [active(n) for n in range(1, 5)]
    first, last = made[0].pk, made[-1].pk
    index_compute_chunk(at=T, first_id=first, last_id=last, batch=1)
    Content.objects.filter(creator=made[0]).update(effective_plays=10**9)
    index_compute_chunk(at=T, first_id=first, last_id=last, batch=2)
    barrier = threading.Barrier(2)
    errors: list = []

    def publish(batch: int) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            index_publish_day(day=D, batch=batch)
        except Exception as exc:  # pragma: no cover - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(batch,)) for batch in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(DailyIndex.objects.filter(date=D).values_list("creator_id", flat=True)) == [c.pk for c in made]
    assert DailyIndex.objects.get(creator=made[0]).plays_30d in {3 * 10**9, sum(1000 + 37 * k for k in range(3))}
    assert not IndexStage.objects.exists()
