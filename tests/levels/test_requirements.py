"""Every requirement of docs/program.md §1 at its boundary, through both evaluation paths (batch and
single-creator): each probe asserts they agree before asserting the rule."""

from datetime import UTC, date, datetime, timedelta

import pytest

from creators.models import PortalEvent, Quote
from levels.evaluation import LevelEvaluation, evaluate_level
from levels.metrics import level_metrics, measure_chunk, measure_creator
from levels.rules import load_rules
from tests.builders import (
    AT,
    complete_courses,
    creator_at_level,
    credit_on,
    fans_on,
    order,
    post,
    submit,
    view,
)

pytestmark = pytest.mark.django_db


def assess(creator, at=AT) -> LevelEvaluation:
    rules = load_rules()
    batch = evaluate_level(level_metrics(measure_chunk(creator.pk, creator.pk, at, rules)[creator.pk], rules), rules)
    single = evaluate_level(level_metrics(measure_creator(creator, at, rules), rules), rules)
    assert batch == single, "batch and single-creator paths disagree"
    return batch


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_shapes_qualify_for_their_level(level):
    assert assess(creator_at_level(level)).qualified_level == level


# --- windows ------------------------------------------------------------------------------------


def test_window_start_is_included_and_at_is_excluded():
    creator = creator_at_level(1, posts=4)
    post(creator, 1, at=AT, plays=2000, published_at=AT)  # at itself: outside [at − 30d, at)
    assert assess(creator).metrics["posts_30d"] == 4
    post(creator, 1, at=AT, plays=2000, published_at=AT - timedelta(days=30))  # window start: inside
    evaluation = assess(creator)
    assert evaluation.metrics["posts_30d"] == 5
    assert evaluation.qualified_level == 1


def test_item_one_second_before_the_window_does_not_count():
    creator = creator_at_level(1, posts=4)
    post(creator, 1, at=AT, plays=2000, published_at=AT - timedelta(days=30, seconds=1))
    assert assess(creator).qualified_level == 0


def test_offset_timestamps_compare_as_instants():
    creator = creator_at_level(1, posts=4)
    # 2026-11-30 18:00 UTC is 2026-12-01 02:00 in Shanghai: exactly `at`, so excluded.
    post(creator, 1, at=AT, plays=2000, published_at=datetime(2026, 11, 30, 18, 0, tzinfo=UTC))
    assert assess(creator).metrics["posts_30d"] == 4
    post(creator, 1, at=AT, plays=2000, published_at=datetime(2026, 11, 30, 17, 59, 59, tzinfo=UTC))
    assert assess(creator).metrics["posts_30d"] == 5


# --- strict and non-strict thresholds ------------------------------------------------------------


def test_posts_at_least_five_for_lv1():
    assert assess(creator_at_level(1, posts=5)).qualified_level == 1
    assert assess(creator_at_level(1, posts=4)).failed[1] == ["posts_30d"]


def test_courses_at_least_three_completed_at_80_percent():
    creator = creator_at_level(1, courses=2)
    complete_courses(creator, 1, at=AT - timedelta(days=1), completion=0.79)
    assert assess(creator).failed[1] == ["courses_completed"]
    complete_courses(creator, 1, at=AT - timedelta(days=1), completion=0.80)
    assert assess(creator).qualified_level == 1


def test_course_completed_at_at_does_not_count_yet():
    creator = creator_at_level(1, courses=2)
    complete_courses(creator, 1, at=AT)
    assert assess(creator).metrics["courses_completed"] == 2
    assert assess(creator, AT + timedelta(seconds=1)).metrics["courses_completed"] == 3


def test_average_plays_is_strictly_greater_than_10000_for_lv2():
    assert assess(creator_at_level(2, plays=10_000)).failed[2] == ["avg_plays_30d"]
    assert assess(creator_at_level(2, plays=10_001)).qualified_level == 2


def test_average_plays_uses_exact_mean():
    creator = creator_at_level(2, posts=0)
    post(creator, 8, at=AT, plays=10_000)
    post(creator, 1, at=AT, plays=10_001)  # mean 10,000.11… > 10,000
    assert assess(creator).qualified_level == 2


def test_no_items_means_average_zero():
    evaluation = assess(creator_at_level(2, posts=0))
    assert evaluation.metrics["avg_plays_30d"] == 0


def test_fans_strictly_above_300k_for_lv3():
    assert assess(creator_at_level(3, fans=300_000)).failed[3] == ["fans"]
    assert assess(creator_at_level(3, fans=300_001)).qualified_level == 3


def test_likes_strictly_above_10000_for_lv3():
    assert assess(creator_at_level(3, posts=20, likes=500)).failed[3] == ["likes_30d"]  # exactly 10,000
    assert assess(creator_at_level(3, posts=20, likes=501)).qualified_level == 3


def test_credit_at_least_50_for_lv3_and_75_for_lv4():
    assert assess(creator_at_level(3, credit=50)).qualified_level == 3
    assert assess(creator_at_level(3, credit=49)).failed[3] == ["credit_score"]
    assert assess(creator_at_level(4, credit=75)).qualified_level == 4
    assert assess(creator_at_level(4, credit=74)).failed[4] == ["credit_score"]


def test_lv4_needs_three_orders():
    assert assess(creator_at_level(4, orders=2)).failed[4] == ["orders_30d"]


# --- dated figures ---------------------------------------------------------------------------------


def test_fans_figure_dated_on_the_day_of_at_counts_and_later_ones_do_not():
    creator = creator_at_level(3, fans=100)  # current figure would fail LV3
    fans_on(creator, date(2026, 11, 20), 350_000)
    fans_on(creator, date(2026, 12, 2), 1)  # after the day of `at`: ignored
    assert assess(creator).metrics["fans"] == 350_000
    fans_on(creator, date(2026, 12, 1), 300_000)  # on the day of `at` (Shanghai): the latest one
    assert assess(creator).metrics["fans"] == 300_000


def test_day_of_at_is_the_shanghai_day():
    creator = creator_at_level(3)
    fans_on(creator, date(2026, 12, 1), 123)
    # 2026-11-30 17:00 UTC is already 2026-12-01 01:00 in Shanghai.
    at = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert assess(creator, at).metrics["fans"] == 123


def test_credit_figure_applies_from_its_day_on():
    creator = creator_at_level(3, credit=90)
    credit_on(creator, date(2026, 11, 1), 49)
    assert assess(creator).failed[3] == ["credit_score"]


# --- orders ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "counts"),
    [
        ("standard", "completed", True),
        ("mass", "completed", False),
        ("minigame", "completed", False),
        ("standard", "cancelled", False),
        ("standard", "in_progress", False),
    ],
)
def test_only_completed_standard_orders_count(kind, status, counts):
    creator = creator_at_level(3, orders=0)
    order(creator, completed_at=AT - timedelta(days=1), kind=kind, status=status)
    assert assess(creator).metrics["orders_30d"] == (1 if counts else 0)


def test_order_completed_before_the_window_does_not_count():
    creator = creator_at_level(3, orders=0)
    order(creator, completed_at=AT - timedelta(days=31))
    assert assess(creator).failed[3] == ["orders_30d"]


# --- cumulative levels -----------------------------------------------------------------------------


def test_lv3_numbers_without_an_lv2_submission_stay_lv1():
    evaluation = assess(creator_at_level(3, submissions=0))
    assert evaluation.qualified_level == 1
    assert evaluation.failed[2] == ["submissions_30d"]
    assert "submissions_30d" in evaluation.failed[3]  # LV3 includes LV2's requirement


def test_submission_outside_window_does_not_count():
    creator = creator_at_level(2, submissions=0)
    submit(creator, AT - timedelta(days=30, seconds=1))
    submit(creator, AT)
    assert assess(creator).failed[2] == ["submissions_30d"]


def test_higher_threshold_replaces_lower_one():
    evaluation = assess(creator_at_level(2))
    # LV3 lists posts_30d once, with LV3's threshold (≥ 20), not also LV1's and LV2's.
    assert evaluation.failed[3].count("posts_30d") == 1


# --- LV1 yes/no requirements -------------------------------------------------------------------------


def test_task_hall_view_must_happen_before_at():
    creator = creator_at_level(1)
    creator.events.filter(name=PortalEvent.Name.TASK_HALL_VIEWED).delete()
    view(creator, PortalEvent.Name.TASK_HALL_VIEWED, AT)
    assert assess(creator).failed[1] == ["task_hall_viewed"]
    view(creator, PortalEvent.Name.TASK_HALL_VIEWED, AT - timedelta(seconds=1))
    assert assess(creator).qualified_level == 1


@pytest.mark.parametrize(("fans", "required"), [(99_999, False), (100_000, True)])
def test_quote_and_assistant_required_from_100k_fans(fans, required):
    creator = creator_at_level(1, fans=fans)
    Quote.objects.filter(creator=creator).delete()
    creator.events.filter(name=PortalEvent.Name.ASSISTANT_VIEWED).delete()
    failed = assess(creator).failed[1]
    assert ("quote_set" in failed) is required
    assert ("assistant_viewed" in failed) is required


@pytest.mark.parametrize(
    ("fans", "submission", "spread", "met"),
    [
        (9_999, True, True, False),
        (10_000, True, False, True),
        (10_000, False, True, False),
        (99_999, True, False, True),
        (100_000, True, False, False),
        (100_000, True, True, True),
    ],
)
def test_tasks_enabled(fans, submission, spread, met):
    creator = creator_at_level(1, fans=fans)
    creator.submission_enabled, creator.spread_enabled = submission, spread
    creator.save()
    assert ("tasks_enabled" not in assess(creator).failed[1]) is met


@pytest.mark.parametrize("field", ["intro", "region", "industries"])
def test_profile_needs_intro_region_and_an_industry(field):
    creator = creator_at_level(1)
    setattr(creator, field, [] if field == "industries" else "  ")
    creator.save()
    assert assess(creator).failed[1] == ["profile_complete"]


def test_douyin_binding_required():
    creator = creator_at_level(1)
    creator.douyin_bound = False
    creator.save()
    assert assess(creator).failed[1] == ["douyin_bound"]


def test_fans_figure_decides_large_creator_requirements():
    creator = creator_at_level(1, fans=50_000)
    Quote.objects.filter(creator=creator).delete()
    fans_on(creator, date(2026, 11, 30), 120_000)  # the dated figure, not the current one, decides
    assert "quote_set" in assess(creator).failed[1]
