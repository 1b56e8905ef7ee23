"""lib.sql's set-based writes and planner statistics: ``insert_for_each`` with variants (several rows a
creator, one statement), ``insert_select`` (a queryset's rows upserted without coming to Python) and
``analyze_stale`` (PostgreSQL's own autovacuum rule, applied now; nothing elsewhere)."""

from datetime import datetime

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext

from benefits.models import Benefit, Entitlement
from creators.models import Creator
from levels.models import CreatorLevel, LevelChange
from lib.periods import TZ
from lib.sql import analyze_stale, insert_for_each, insert_select

AT = datetime(2026, 12, 1, 2, 0, tzinfo=TZ)


def creators(n: int, *, prefix: str = "c-sql") -> list[Creator]:
    return Creator.objects.bulk_create(Creator(external_id=f"{prefix}-{i}", nickname=f"达人{i}") for i in range(n))


def grant(made: list[Creator], benefits: list[Benefit], quantity: int, **returning) -> int | list[tuple]:
    return insert_for_each(
        table=Entitlement._meta.db_table,
        columns=["kind", "level", "delivered", "status", "overdue", "granted_at", "lapsed_at"],
        values=["basic", 3, 0, "pending", False, AT, None],
        variants=[{"benefit_id": b.pk, "period": "2026-12", "quantity": quantity} for b in benefits],
        ids=Creator.objects.filter(pk__in=[c.pk for c in made]).values(creator_id=F("pk")),
        conflict=["creator_id", "benefit_id", "period"],
        update=["quantity"],
        update_when="old.quantity < new.quantity",
        **returning,
    )


@pytest.mark.django_db
def test_variants_give_each_creator_one_row_per_variant_in_one_statement() -> None:
    made, benefits = creators(3), list(Benefit.objects.order_by("pk")[:2])
    with CaptureQueriesContext(connection) as captured:
        grant(made, benefits, quantity=1)
    assert len(captured) == 1
    rows = set(Entitlement.objects.values_list("creator_id", "benefit_id", "quantity", "status"))
    assert rows == {(c.pk, b.pk, 1, "pending") for c in made for b in benefits}
    grant(made, benefits, quantity=4)  # a conflict updates where the condition holds…
    grant(made, benefits, quantity=2)  # …and not where it does not
    assert set(Entitlement.objects.values_list("quantity", flat=True)) == {4}
    assert Entitlement.objects.count() == 6


@pytest.mark.django_db
def test_returning_gives_the_rows_inserted_or_updated_as_they_stand_after() -> None:
    made, benefits = creators(2), list(Benefit.objects.order_by("pk")[:1])
    inserted = grant(made[:1], benefits, quantity=2, returning=["creator_id", "quantity"])
    assert inserted == [(made[0].pk, 2)]
    # made[0] topped up from 2 to 3, made[1] new; a grant that changes nothing returns nothing.
    assert sorted(grant(made, benefits, quantity=3, returning=["creator_id", "quantity"])) == [
        (made[0].pk, 3),
        (made[1].pk, 3),
    ]
    assert grant(made, benefits, quantity=3, returning=["creator_id"]) == []
    assert grant(made, benefits, quantity=3) == 0


@pytest.mark.django_db
def test_insert_select_upserts_a_querysets_rows() -> None:
    made = creators(4)
    CreatorLevel.objects.create(creator=made[0], level=1, since=AT.replace(month=11))
    LevelChange.objects.bulk_create(
        LevelChange(creator=c, at=AT, from_level=0, to_level=i + 1, reason="monthly") for i, c in enumerate(made)
    )
    written = insert_select(
        table=CreatorLevel._meta.db_table,
        columns=["creator_id", "level", "since"],
        rows=LevelChange.objects.annotate(since=Value(AT)).values_list("creator_id", "to_level", "since"),
        conflict=["creator_id"],
        update=["level", "since"],
    )
    assert written == 4
    assert set(CreatorLevel.objects.values_list("creator_id", "level", "since")) == {
        (c.pk, i + 1, AT) for i, c in enumerate(made)
    }


def flush_statistics() -> None:
    """Make this session's table counts visible in pg_stat_user_tables now, not within a second."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")


def last_analyze(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relid = CAST(%s AS regclass)", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # the counts PostgreSQL keeps are those of committed rows
def test_stale_statistics_are_gathered_once_and_only_on_postgresql() -> None:
    table = Creator._meta.db_table
    if connection.vendor != "postgresql":
        creators(60)
        with CaptureQueriesContext(connection) as captured:
            assert analyze_stale([table]) == []
        assert len(captured) == 0
        return
    with connection.cursor() as cursor:  # the other table fresh, whatever tests ran before wrote to it
        cursor.execute(f"ANALYZE {LevelChange._meta.db_table}")
    flush_statistics()
    before = last_analyze(table)
    with connection.cursor() as cursor:  # more rows than the rule tolerates since the last analyse
        cursor.execute(
            "SELECT current_setting('autovacuum_analyze_threshold')::float8"
            " + current_setting('autovacuum_analyze_scale_factor')::float8 * GREATEST(reltuples, 0)"
            " FROM pg_class WHERE oid = CAST(%s AS regclass)",
            [table],
        )
        tolerated = int(cursor.fetchone()[0])
    creators(tolerated + 1)
    flush_statistics()
    assert analyze_stale([table, LevelChange._meta.db_table]) == [table]
    assert before is None or last_analyze(table) > before
    flush_statistics()
    assert analyze_stale([table]) == []
