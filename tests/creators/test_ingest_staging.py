"""The ingest's write-behind (creators/ingest/staging.py): batches staged with COPY and merged while the next
batch is read, on PostgreSQL; SQLite writes at once. The rules of the feed are in test_ingest.py."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from academy.models import CourseProgress
from creators.ingest import IngestContext, ingest_lines, upsert_rows
from creators.models import Content, Creator, CreditDaily, FansDaily, Order, PortalEvent, SubmissionEntry

from .lines import (
    content_line,
    creator_line,
    credit_line,
    event_line,
    fans_line,
    jsonl,
    order_line,
    progress_line,
    submission_line,
)

pytestmark = pytest.mark.django_db
# Temporary tables named like the staging tables, in this session.
TEMPORARY_TABLES = {
    "postgresql": "SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relname LIKE 'ingest%'",
    "sqlite": "SELECT count(*) FROM sqlite_temp_master WHERE name LIKE 'ingest%'",
}


def batch_of_each(n: int) -> list[dict]:
    """One line of every type but creator: a batch of 7 with the same shape for each ``n``."""
    return [
        content_line(f"v-{n}", likes=n),
        fans_line(date=f"2026-01-{n + 1:02d}"),
        credit_line(date=f"2026-01-{n + 1:02d}"),
        order_line(f"o-{n}"),
        event_line(at=f"2026-01-05T09:{n:02d}:00+08:00"),
        submission_line(f"s-{n}", content=f"v-{n}"),
        progress_line(completion=n / 10),
    ]


def queries_for(batches: int) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        result = ingest_lines(jsonl(line for n in range(batches) for line in batch_of_each(n)), batch_size=7)
    assert (result.accepted, result.rejected) == (7 * batches, 0)
    return [query["sql"] for query in captured]


def test_every_batch_costs_the_same_queries_and_the_staging_is_set_up_once_per_ingest(creator):
    """The staging tables and the foreign keys' mode are set up once per ingest, not once per batch:
    each further batch adds exactly the same number of queries."""
    queries_for(1)  # the task and the course now exist: every ingest below finds them the same way
    one, two, three = (queries_for(batches) for batches in (1, 2, 3))

    per_batch = len(three) - len(two)
    assert len(two) - len(one) == per_batch
    # PostgreSQL: a COPY, a merge and a TRUNCATE per staged type, plus the progress read; SQLite: one
    # statement per type and the progress read.
    assert per_batch <= (3 * 7 + 2 if connection.vendor == "postgresql" else 9)
    creates = [sql for sql in three if sql.startswith("CREATE TEMPORARY TABLE")]
    assert len(creates) == (7 if connection.vendor == "postgresql" else 0)


def test_a_reload_of_several_batches_updates_every_row(creator):
    lines = [line for n in range(3) for line in batch_of_each(n)]
    ingest_lines(jsonl(lines), batch_size=7)

    changed = [{**line, "likes": 1000} if line["type"] == "content" else line for line in lines]
    changed = [{**line, "amount": 9.5} if line["type"] == "order" else line for line in changed]
    result = ingest_lines(jsonl(changed), batch_size=5)

    assert result.accepted == 21
    assert sorted(Content.objects.values_list("likes", flat=True)) == [1000, 1000, 1000]
    assert set(Order.objects.values_list("amount", flat=True)) == {Decimal("9.50")}
    counts = [m.objects.count() for m in (FansDaily, CreditDaily, PortalEvent, SubmissionEntry, CourseProgress)]
    assert counts == [3, 3, 3, 3, 1]
    assert SubmissionEntry.objects.filter(content__isnull=False).count() == 3


def test_a_submission_is_linked_to_content_of_its_own_batch(creator):
    """The submission's merge looks its content up after the batch's content is merged."""
    ingest_lines(jsonl([content_line("v-9"), submission_line("s-9", content="v-9")]), batch_size=10)

    assert SubmissionEntry.objects.get().content == Content.objects.get(external_id="v-9")


def test_rejects_of_a_later_batch_are_reported_and_undo_the_batches_already_merged(feed):
    lines = [creator_line("c-1"), *batch_of_each(0), content_line("v-x", creator="c-404"), *batch_of_each(1)]

    result = feed(lines, batch_size=4)

    assert [(reject.line, reject.reason[:26]) for reject in result.rejects_sample] == [
        (9, 'unknown creator "c-404" (n')
    ]
    assert not result.stored
    assert (Creator.objects.count(), Content.objects.count(), CourseProgress.objects.count()) == (0, 0, 0)


def test_skip_invalid_keeps_the_merged_batches_around_a_reject(feed):
    lines = [creator_line("c-1"), *batch_of_each(0), content_line("v-x", creator="c-404"), *batch_of_each(1)]

    result = feed(lines, skip_invalid=True, batch_size=4)

    assert (result.accepted, result.rejected) == (15, 1)
    assert sorted(Content.objects.values_list("external_id", flat=True)) == ["v-0", "v-1"]


def test_a_failing_merge_is_raised_as_djangos_error_when_the_batch_is_waited_for(creator):
    """On PostgreSQL a merge runs after ``upsert_rows`` returns and its error surfaces at the next wait,
    as Django's; SQLite writes, and fails, at once."""
    context = IngestContext(now=datetime(2026, 1, 10, tzinfo=UTC))
    row = ("v-1", creator.pk, "video", datetime(2026, 1, 5, tzinfo=UTC), -1)  # likes ≥ 0 is a CHECK
    with pytest.raises(IntegrityError, match="likes"), transaction.atomic(), context.writes:
        upsert_rows(
            Content,
            ("external_id", "creator", "kind", "published_at", "likes"),
            [row],
            unique_fields=("external_id",),
            ingest=context,
        )
        context.writes.send()
    assert not Content.objects.exists()


def test_the_foreign_keys_are_deferred_again_after_the_ingest(feed, creator):
    """The ingest checks its staged rows' foreign keys per statement, then gives them back their
    deferred mode: the caller's transaction may still write a row before the one it refers to."""
    feed([content_line()])

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        Content.objects.create(
            external_id="v-early", creator_id=creator.pk + 1000, kind="video", published_at=datetime.now(UTC)
        )
        Creator.objects.create(pk=creator.pk + 1000, external_id="c-late", nickname="后来")
        raise Undo  # nothing to commit: the check would run at commit


@pytest.mark.django_db(transaction=True)
def test_the_staging_tables_do_not_outlive_the_ingest():
    ingest_lines(jsonl([creator_line("c-1"), *batch_of_each(0)]), batch_size=4)

    with connection.cursor() as cursor:
        cursor.execute(TEMPORARY_TABLES[connection.vendor])
        assert cursor.fetchone() == (0,)
    assert Content.objects.count() == 1


def test_an_input_that_fails_while_a_batch_is_merging_stores_nothing_and_leaves_the_connection_usable(creator):
    """The input breaks (a client hanging up) while the previous batch's merges are still running: the
    error is the input's, the merges are abandoned with the transaction, and the next query works."""

    class HungUp(Exception):
        pass

    def lines():
        for n in range(3):
            yield from jsonl(batch_of_each(n))
        raise HungUp

    with pytest.raises(HungUp):
        ingest_lines(lines(), batch_size=7)

    assert (Content.objects.count(), SubmissionEntry.objects.count()) == (0, 0)
    assert ingest_lines(jsonl(batch_of_each(5)), batch_size=7).accepted == 7
