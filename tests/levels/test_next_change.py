"""``levels.metrics.next_change``: until the instant it names, measuring the same rows answers as it did
at ``at`` — what lets a page drawn from them be kept (``portal.kept``). Rows are drawn at random around
the edges that matter (``at`` itself, the window's start, midnight), and each case is measured again at
instants before the named one, the last microsecond included."""

import random
from datetime import date, timedelta

import pytest

from creators.models import ContentKind, Creator, OrderKind, OrderStatus, PortalEvent
from levels.creator_rows import CreatorRows
from levels.metrics import measure_creator, measure_creator_cycle, next_change
from levels.rules import load_rules
from lib.periods import Cycle, day_end, local_date
from tests.builders import AT

pytestmark = pytest.mark.django_db
CASES = 400


def _rows(rng: random.Random, at, span: timedelta) -> CreatorRows:
    def moment():  # near an edge, on either side of it, or anywhere in the last 60 days
        edge = rng.choice([at, at - span, day_end(local_date(at)), at - timedelta(days=rng.randint(0, 60))])
        return edge + timedelta(seconds=rng.choice([-1, 0, 1]) * rng.randint(0, 7_200))

    def some(make) -> list:
        return [make() for _ in range(rng.randint(0, 4))]

    def day() -> date:
        return local_date(at) + timedelta(days=rng.randint(-3, 2))

    names = [PortalEvent.Name.TASK_HALL_VIEWED, PortalEvent.Name.ASSISTANT_VIEWED]
    return CreatorRows(
        events=some(lambda: (rng.choice(names), moment())),
        contents=some(lambda: (rng.choice(list(ContentKind)), moment(), rng.randint(0, 9), rng.randint(0, 9))),
        fans=some(lambda: (day(), rng.randint(0, 200_000))),
        credit=some(lambda: (day(), rng.randint(0, 100))),
        has_quote=rng.random() < 0.5,
        courses=some(lambda: rng.choice([None, moment()])),
        submissions=some(moment),
        orders=some(lambda: (rng.choice(list(OrderStatus)), rng.choice(list(OrderKind)), rng.choice([None, moment()]))),
        held=0,
        level_values={},
    )


def test_measuring_the_same_rows_answers_the_same_until_the_next_change() -> None:
    rng = random.Random(20261130)
    rules = load_rules(AT)
    creator = Creator(fans=5, credit_score=90, douyin_bound=True)
    span = timedelta(days=rules.window_days)
    moved = 0
    for case in range(CASES):
        at = AT + timedelta(seconds=rng.randint(-86_400, 86_400))
        rows = _rows(rng, at, span)
        until = next_change(rows, at, rules)
        assert at <= until <= day_end(local_date(at)), case
        start = Cycle.of(at).start
        facts, cycle = measure_creator(creator, at, rules, rows), measure_creator_cycle(creator, start, at, rows)
        for later in {until - timedelta(microseconds=1), at + (until - at) * rng.random()}:
            if later < at:
                continue
            assert measure_creator(creator, later, rules, rows) == facts, case
            assert measure_creator_cycle(creator, start, later, rows) == cycle, case
        after = until + timedelta(microseconds=1)
        moved += measure_creator(creator, after, rules, rows) != facts
    assert moved > CASES // 4  # the named instants are where answers move, not just somewhere safe
