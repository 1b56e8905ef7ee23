"""Property: the set-based path (SQL aggregates per chunk) and the single-creator path (Python over one
creator's rows) measure the same facts, so the jobs and the portal never disagree on a level."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from academy.models import Course, CourseProgress
from creators.models import (
    Content,
    Creator,
    CreditDaily,
    FansDaily,
    Order,
    PortalEvent,
    Quote,
    SubmissionEntry,
    SubmissionTask,
)
from levels.evaluation import evaluate_level
from levels.metrics import (
    CycleFacts,
    level_metrics,
    measure_chunk,
    measure_creator,
    measure_creator_cycle,
    measure_cycle_chunk,
)
from levels.rules import load_rules
from lib.periods import Cycle
from tests.builders import AT

# Offsets around the edges that matter: the window start (−30 d), `at` itself, the day boundary.
EDGE = timedelta(days=30)
offsets = st.one_of(
    st.sampled_from([-EDGE, -EDGE - timedelta(seconds=1), -EDGE + timedelta(seconds=1), timedelta(0),
                     timedelta(seconds=-1), timedelta(seconds=1), timedelta(hours=-2), timedelta(days=-95)]),
    st.timedeltas(min_value=timedelta(days=-100), max_value=timedelta(days=5)),
)  # fmt: skip
counts = st.integers(min_value=0, max_value=400_000)

content = st.tuples(st.sampled_from(["video", "live"]), offsets, counts, counts)
orders = st.tuples(st.sampled_from(["standard", "mass", "minigame"]),
                   st.sampled_from(["completed", "cancelled", "in_progress"]), offsets)  # fmt: skip
dated = st.tuples(st.integers(min_value=-40, max_value=3), st.integers(min_value=0, max_value=800_000))
creator = st.fixed_dictionaries(
    {
        "fans": st.integers(min_value=0, max_value=800_000),
        "credit": st.integers(min_value=0, max_value=100),
        "bound": st.booleans(),
        "intro": st.sampled_from(["", " ", "美食"]),
        "industries": st.sampled_from([[], ["美食"]]),
        "submission": st.booleans(),
        "spread": st.booleans(),
        "quote": st.booleans(),
        "events": st.lists(st.tuples(st.sampled_from(["task_hall_viewed", "assistant_viewed"]), offsets), max_size=3),
        "content": st.lists(content, max_size=12),
        "orders": st.lists(orders, max_size=5),
        "fans_daily": st.lists(dated, max_size=4, unique_by=lambda d: d[0]),
        "credit_daily": st.lists(dated.map(lambda d: (d[0], d[1] % 101)), max_size=3, unique_by=lambda d: d[0]),
        "courses": st.lists(st.tuples(st.floats(min_value=0, max_value=1), offsets), max_size=12),
        "submissions": st.lists(offsets, max_size=3),
    }
)


class MetricsAgree(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(creator, min_size=1, max_size=4))
    def test_batch_and_single_paths_agree(self, shapes):
        created = [self._build(i, shape) for i, shape in enumerate(shapes)]
        rules = load_rules()
        first, last = min(c.pk for c in created), max(c.pk for c in created)
        batch = measure_chunk(first, last, AT, rules)
        cycle = Cycle.of(AT - timedelta(days=1))
        batch_cycle = measure_cycle_chunk(first, last, cycle.start, cycle.end)
        singles = {c.pk: measure_creator(c, AT, rules) for c in created}
        assert batch == singles  # same creators, same facts: a creator the batch drops fails here
        for pk, single in singles.items():
            assert evaluate_level(level_metrics(batch[pk], rules), rules) == evaluate_level(
                level_metrics(single, rules), rules
            )
        # The cycle batch is sparse by contract: a creator with nothing in the cycle has no row and its
        # reader defaults to zero facts. So it must hold exactly the creators with something to count.
        single_cycles = {c.pk: measure_creator_cycle(c, cycle.start, cycle.end) for c in created}
        assert dict(batch_cycle) == {pk: f for pk, f in single_cycles.items() if f != CycleFacts()}

    def _build(self, i: int, s: dict) -> Creator:
        c = Creator.objects.create(
            external_id=f"p-{i}", nickname="p", fans=s["fans"], credit_score=s["credit"], douyin_bound=s["bound"],
            intro=s["intro"], region="北京", industries=s["industries"], submission_enabled=s["submission"],
            spread_enabled=s["spread"],
        )  # fmt: skip
        if s["quote"]:
            Quote.objects.create(creator=c, kind="video", amount=1)
        PortalEvent.objects.bulk_create(
            [PortalEvent(creator=c, name=n, at=AT + off) for n, off in s["events"]], ignore_conflicts=True
        )
        Content.objects.bulk_create(
            Content(external_id=f"p-{i}-{j}", creator=c, kind=k, published_at=AT + off, effective_plays=p, likes=lk)
            for j, (k, off, p, lk) in enumerate(s["content"])
        )
        Order.objects.bulk_create(
            Order(external_id=f"o-{i}-{j}", creator=c, kind=k, status=st_, created_at=AT + off - timedelta(days=1),
                  completed_at=AT + off if st_ == "completed" else None)
            for j, (k, st_, off) in enumerate(s["orders"])
        )  # fmt: skip
        day = AT.date()
        FansDaily.objects.bulk_create(FansDaily(creator=c, date=day + timedelta(d), fans=f) for d, f in s["fans_daily"])
        CreditDaily.objects.bulk_create(
            CreditDaily(creator=c, date=day + timedelta(d), score=v) for d, v in s["credit_daily"]
        )
        for j, (completion, off) in enumerate(s["courses"]):
            course, _ = Course.objects.get_or_create(code=f"k-{j}")
            done = AT + off if completion >= Course.COMPLETED_AT else None
            CourseProgress.objects.create(creator=c, course=course, completion=completion, updated_at=AT + off,
                                          completed_at=done)  # fmt: skip
        task, _ = SubmissionTask.objects.get_or_create(code="prop")
        SubmissionEntry.objects.bulk_create(
            SubmissionEntry(external_id=f"s-{i}-{j}", creator=c, task=task, submitted_at=AT + off)
            for j, off in enumerate(s["submissions"])
        )
        return c
