"""ingest_lines: the activity feed's rules (docs/interfaces.md §1), against the real database."""

import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.ingest import UNDATED, Progress, progress_merge
from academy.models import Course, CourseProgress
from creators.ingest import ingest_lines
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


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def one_of_each() -> list[dict]:
    return [
        creator_line(
            "c-1",
            fans=150_000,
            credit_score=90,
            douyin_bound=True,
            intro="美食探店",
            region="上海",
            industries=["美食", "旅行"],
            task_types=["submission", "spread"],
            quotes={"video_1_20s": 8000, "video_21_60s": 12000.5},
            joined_at="2025-03-01T10:00:00+08:00",
        ),
        content_line("v-1", likes=300, comments=20, shares=5, completion_rate=0.42, component_clicks=7, conversions=2),
        fans_line(),
        credit_line(),
        order_line(rating=4.5, plays=90_000),
        event_line(),
        submission_line(content="v-1", effective_plays=5000, earnings=66.6),
        progress_line(completion=0.9, at="2026-01-07T08:00:00+08:00"),
    ]


def snapshot() -> dict[str, list[tuple]]:
    """Every row the ingest writes, every column (ids included)."""
    models = [Creator, Quote, Content, FansDaily, CreditDaily, Order, PortalEvent, SubmissionTask, SubmissionEntry]
    rows = {model.__name__: sorted(model.objects.values_list()) for model in models}
    rows["Course"] = sorted(Course.objects.values_list())
    rows["CourseProgress"] = sorted(CourseProgress.objects.values_list())
    return rows


# --- Storing --------------------------------------------------------------------------------------


def test_a_valid_file_stores_every_type(feed):
    result = feed(one_of_each())

    assert result.stored
    assert result.summary() == {
        "accepted": 8,
        "rejected": 0,
        "by_type": {
            "creator": 1,
            "content": 1,
            "credit": 1,
            "event": 1,
            "fans": 1,
            "order": 1,
            "submission": 1,
            "course_progress": 1,
        },
        "valid": 8,
    }
    creator = Creator.objects.get(external_id="c-1")
    assert (creator.fans, creator.credit_score, creator.douyin_bound) == (150_000, 90, True)
    assert (creator.intro, creator.region, creator.industries) == ("美食探店", "上海", ["美食", "旅行"])
    assert (creator.submission_enabled, creator.spread_enabled) == (True, True)
    assert creator.joined_at == utc(2025, 3, 1, 2)
    assert dict(creator.quotes.values_list("kind", "amount")) == {
        "video_1_20s": Decimal("8000.00"),
        "video_21_60s": Decimal("12000.50"),
    }
    content = Content.objects.get(external_id="v-1")
    assert (content.creator, content.kind, content.effective_plays, content.likes) == (creator, "video", 12_000, 300)
    assert (content.comments, content.shares, content.component_clicks, content.conversions) == (20, 5, 7, 2)
    assert content.completion_rate == 0.42
    assert FansDaily.objects.get().fans == 150_000
    assert CreditDaily.objects.get().score == 88
    order = Order.objects.get()
    assert (order.status, order.amount, order.rating, order.plays) == ("completed", Decimal("8000.00"), 4.5, 90_000)
    assert PortalEvent.objects.get().name == "task_hall_viewed"
    entry = SubmissionEntry.objects.get()
    assert (entry.task.code, entry.content, entry.content_ref) == ("t-spring", content, "v-1")
    assert (entry.effective_plays, entry.earnings) == (5000, Decimal("66.60"))
    progress = CourseProgress.objects.get()
    assert (progress.course.code, progress.completion, progress.completed_at) == ("k-101", 0.9, utc(2026, 1, 7))


def test_loading_the_same_file_twice_changes_nothing(feed):
    lines = [
        *one_of_each(),
        content_line("v-2", effective_plays=10),
        content_line("v-2", effective_plays=20),  # the same item twice: the later line wins, both loads
        progress_line(course="k-102", completion=0.85),  # no "at": stamped with the ingest's time
        progress_line(course="k-103", completion=0.3, at="2026-01-01T00:00:00"),
        progress_line(course="k-103", completion=0.2, at="2026-01-01T00:00:00"),
    ]
    feed(lines, batch_size=4)
    first = snapshot()

    feed(lines, batch_size=4)

    assert snapshot() == first
    assert Content.objects.get(external_id="v-2").effective_plays == 20
    assert CourseProgress.objects.get(course__code="k-103").completion == 0.2


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(feed, creator):
    result = feed(["", content_line("v-1"), "   ", "\r\n", content_line("v-2", effective_plays=-1)], skip_invalid=True)

    assert (result.accepted, result.rejected) == (1, 1)
    assert result.rejects_sample[0].line == 5


def test_lines_with_windows_line_ends_and_a_byte_order_mark_are_read(feed, creator):
    lines = ["\ufeff" + json.dumps(content_line("v-1")) + "\r\n", json.dumps(content_line("v-2")).encode() + b"\r\n"]

    assert feed(lines).accepted == 2


def test_unknown_extra_keys_are_ignored(feed, creator):
    result = feed([content_line(title_from_the_future="x", tags=["a"])])

    assert result.accepted == 1


def test_batches_are_written_while_the_input_is_still_being_read(creator):
    """Streaming: the first batch is in the database before the rest of the input is even produced."""
    seen_before_line_7 = []

    def lines():
        for n in range(1, 11):
            if n == 7:
                seen_before_line_7.append(Content.objects.count())
            yield json.dumps(content_line(f"v-{n}"))

    ingest_lines(lines(), batch_size=3)

    assert seen_before_line_7 == [6]


# --- Creators: only the keys present change -------------------------------------------------------


def test_a_creator_line_changes_only_the_keys_it_has(feed, creator):
    feed([{"type": "creator", "id": "c-1", "nickname": "王老师"}])

    creator.refresh_from_db()
    assert (creator.nickname, creator.fans, creator.credit_score, creator.region) == ("王老师", 150_000, 90, "上海")


def test_a_new_creator_gets_defaults_for_the_keys_it_lacks(feed):
    feed([creator_line("c-9")])

    creator = Creator.objects.get(external_id="c-9")
    assert (creator.fans, creator.credit_score, creator.industries, creator.submission_enabled) == (0, 0, [], False)


def test_the_same_creator_twice_in_a_batch_merges_with_the_later_line_winning(feed):
    feed([creator_line("c-1", fans=10, region="北京"), creator_line("c-1", fans=20, intro="hi")])

    creator = Creator.objects.get(external_id="c-1")
    assert (creator.fans, creator.region, creator.intro) == (20, "北京", "hi")


def test_task_types_set_both_switches(feed, creator):
    creator.spread_enabled = True
    creator.save()

    feed([creator_line("c-1", task_types=["submission"])])

    creator.refresh_from_db()
    assert (creator.submission_enabled, creator.spread_enabled) == (True, False)


def test_quotes_replace_the_creator_quote_set_keeping_rows_that_stay(feed, creator):
    kept = Quote.objects.create(creator=creator, kind="video_1_20s", amount=5000)
    Quote.objects.create(creator=creator, kind="live_1h", amount=9000)

    feed([creator_line("c-1", quotes={"video_1_20s": 6000, "video_21_60s": 9000})])

    assert dict(creator.quotes.values_list("kind", "amount")) == {
        "video_1_20s": Decimal("6000.00"),
        "video_21_60s": Decimal("9000.00"),
    }
    assert creator.quotes.get(kind="video_1_20s").pk == kept.pk


def test_a_creator_line_without_quotes_keeps_them(feed, creator):
    Quote.objects.create(creator=creator, kind="video_1_20s", amount=5000)

    feed([creator_line("c-1", fans=1)])

    assert creator.quotes.count() == 1


# --- Creator references -----------------------------------------------------------------------------


def test_a_line_may_use_a_creator_defined_on_an_earlier_line_even_in_an_earlier_batch(feed):
    result = feed([creator_line("c-7"), fans_line("c-7"), content_line(creator="c-7")], batch_size=1)

    assert (result.accepted, result.rejected) == (3, 0)


def test_a_creator_defined_later_in_the_same_file_is_rejected_with_that_line(feed):
    result = feed([content_line(creator="c-9"), creator_line("c-9")], skip_invalid=True)

    assert result.by_type == {"creator": 1}
    [reject] = result.rejects_sample
    assert reject.line == 1
    assert reject.reason == (
        'creator "c-9" is defined later in this file (line 2); a creator line must come before the lines that use it'
    )
    assert not Content.objects.exists()


def test_a_creator_defined_in_a_later_batch_is_rejected_as_not_defined_earlier(feed):
    result = feed([content_line(creator="c-9"), creator_line("c-9")], skip_invalid=True, batch_size=1)

    [reject] = result.rejects_sample
    assert reject.reason == 'unknown creator "c-9" (not in the database and not defined on an earlier line)'


def test_a_creator_that_existed_before_may_be_updated_after_its_use(feed, creator):
    result = feed([content_line(creator="c-1"), creator_line("c-1", fans=5)])

    assert (result.accepted, result.rejected) == (2, 0)


def test_a_rejected_creator_line_makes_its_lines_unknown(feed):
    result = feed([creator_line("c-9", fans=-1), fans_line("c-9")], skip_invalid=True)

    assert [r.line for r in result.rejects_sample] == [1, 2]
    assert "unknown creator" in result.rejects_sample[1].reason


# --- Rejects --------------------------------------------------------------------------------------

REJECTS = [
    pytest.param('{"type": "content", "id": ', "not valid JSON (Expecting value at column 27)", id="not-json"),
    pytest.param('[{"type": "content"}]', 'expected a JSON object, got [{"type": "content"}]', id="not-an-object"),
    pytest.param('{"id": "c-1", "nickname": "A"}', 'missing required key "type"', id="missing-type"),
    pytest.param(
        {"type": "video"}, 'unknown "type" "video" (expected one of: content, course_progress', id="unknown-type"
    ),
    pytest.param({"type": 7}, 'unknown "type" 7', id="type-not-a-string"),
    pytest.param({"type": "creator", "id": "c-2"}, 'missing required key "nickname"', id="creator-no-nickname"),
    pytest.param(
        creator_line("c-2", fans="many"), '"fans" must be a non-negative integer, got "many"', id="fans-string"
    ),
    pytest.param(creator_line("x" * 65), '"id" must be at most 64 characters, got 65', id="id-too-long"),
    pytest.param(creator_line(""), '"id" must be a non-empty string, got ""', id="id-empty"),
    pytest.param(
        creator_line(credit_score=101), '"credit_score" must be an integer from 0 to 100, got 101', id="creator-credit"
    ),
    pytest.param(creator_line(douyin_bound="yes"), '"douyin_bound" must be true or false, got "yes"', id="bool"),
    pytest.param(
        creator_line(industries="美食"), '"industries" must be a list of strings, got "美食"', id="industries"
    ),
    pytest.param(
        creator_line(task_types=["submission", "tv"]),
        '"task_types" has an unknown value "tv" (expected "submission", "spread")',
        id="task-types",
    ),
    pytest.param(creator_line(quotes=[8000]), '"quotes" must be an object of quote kind → yuan', id="quotes-list"),
    pytest.param(
        creator_line(quotes={"video_1_20s": -1}),
        '"quotes.video_1_20s" must be a non-negative number (yuan), got -1',
        id="quote-negative",
    ),
    pytest.param(
        creator_line(joined_at="yesterday"),
        '"joined_at" must be an ISO 8601 timestamp such as "2026-01-31T20:00:00+08:00", got "yesterday"',
        id="bad-timestamp",
    ),
    pytest.param(
        {k: v for k, v in content_line().items() if k != "effective_plays"},
        'missing required key "effective_plays"',
        id="missing-key",
    ),
    pytest.param(
        content_line(effective_plays=-5), '"effective_plays" must be a non-negative integer, got -5', id="negative"
    ),
    pytest.param(content_line(likes=True), '"likes" must be a non-negative integer, got true', id="bool-is-not-int"),
    pytest.param(content_line(likes=3.0), '"likes" must be a non-negative integer, got 3.0', id="float-is-not-int"),
    pytest.param(
        content_line(effective_plays=None), '"effective_plays" must be a non-negative integer, got null', id="null"
    ),
    pytest.param(content_line(likes=2**63), '"likes" is too large', id="too-large"),
    pytest.param(content_line(kind="photo"), '"kind" must be one of "video", "live", got "photo"', id="content-kind"),
    pytest.param(
        content_line(completion_rate=1.2), '"completion_rate" must be a number from 0 to 1, got 1.2', id="rate-high"
    ),
    pytest.param(
        content_line(completion_rate="0.5"), '"completion_rate" must be a number from 0 to 1, got "0.5"', id="rate-str"
    ),
    pytest.param(
        '{"type": "fans", "creator": "c-1", "date": "2026-01-05", "fans": NaN}',
        "not valid JSON (NaN is not a number JSON allows)",
        id="nan",
    ),
    pytest.param(fans_line(date="2026-1-5"), '"date" must be a date written YYYY-MM-DD, got "2026-1-5"', id="date"),
    pytest.param(
        fans_line(date="2026-02-30"), '"date" must be a date written YYYY-MM-DD, got "2026-02-30"', id="no-day"
    ),
    pytest.param(
        fans_line(date="2026-01-05T00:00:00"), '"date" must be a date written YYYY-MM-DD', id="date-with-time"
    ),
    pytest.param(credit_line(score=101), '"score" must be an integer from 0 to 100, got 101', id="credit-high"),
    pytest.param(credit_line(score=-1), '"score" must be an integer from 0 to 100, got -1', id="credit-negative"),
    pytest.param(
        order_line(kind="vip"), '"kind" must be one of "standard", "mass", "minigame", got "vip"', id="order-kind"
    ),
    pytest.param(
        order_line(status="done"),
        '"status" must be one of "completed", "cancelled", "in_progress", got "done"',
        id="order-status",
    ),
    pytest.param(
        order_line(completed_at=None), '"completed_at" is required when "status" is "completed"', id="completed-no-time"
    ),
    pytest.param(order_line(rating=6), '"rating" must be a number from 1 to 5, got 6', id="rating-high"),
    pytest.param(order_line(rating=0.5), '"rating" must be a number from 1 to 5, got 0.5', id="rating-low"),
    pytest.param(
        order_line(amount=10**30), '"amount" is too large, got 1000000000000000000000000000000', id="amount-big"
    ),
    pytest.param(
        '{"type": "order", "id": "o-1", "creator": "c-1", "kind": "standard", "status": "cancelled", '
        '"created_at": "2026-01-02T09:00:00", "rating": 1e400}',
        '"rating" must be a number from 1 to 5, got Infinity',
        id="rating-inf",
    ),
    pytest.param(order_line(rating=10**400), '"rating" must be a number from 1 to 5, got 1000', id="rating-huge"),
    pytest.param(order_line(amount=-10), '"amount" must be a non-negative number (yuan), got -10', id="amount"),
    pytest.param(
        event_line(name="clicked"),
        '"name" must be one of "task_hall_viewed", "assistant_viewed", got "clicked"',
        id="event-name",
    ),
    pytest.param(event_line(at="2026-13-01T00:00:00"), '"at" must be an ISO 8601 timestamp', id="event-at"),
    pytest.param(
        submission_line(earnings="12"), '"earnings" must be a non-negative number (yuan), got "12"', id="earnings"
    ),
    pytest.param(
        progress_line(completion=1.5), '"completion" must be a number from 0 to 1, got 1.5', id="completion-high"
    ),
    pytest.param(
        progress_line(completion=-0.1), '"completion" must be a number from 0 to 1, got -0.1', id="completion-low"
    ),
    pytest.param(
        content_line(creator="c-404"),
        'unknown creator "c-404" (not in the database and not defined on an earlier line)',
        id="unknown-creator",
    ),
    pytest.param({"type": "fans", "date": "2026-01-05", "fans": 1}, 'missing required key "creator"', id="no-creator"),
    pytest.param(
        '{"type": "creator", "id": "c-2", "nickname": "a\\u0000b"}',
        '"nickname" contains \\u0000 or an unpaired surrogate',
        id="nul",
    ),
    pytest.param(
        '{"type": "creator", "id": "c-2", "nickname": "A", "industries": ["\\udc00"]}',
        '"industries" contains \\u0000 or an unpaired surrogate',
        id="lone-surrogate",
    ),
    pytest.param(
        b'{"type": "creator", "id": "c-2", "nickname": "\xff"}',
        "not valid UTF-8 text (byte 0xff at position 47)",
        id="utf8",
    ),
]


@pytest.mark.parametrize(("line", "reason"), REJECTS)
def test_a_bad_line_is_rejected_with_a_reason_naming_key_and_value(feed, creator, line, reason):
    result = feed([line])

    [reject] = result.rejects_sample
    assert reject.line == 1
    assert reject.reason.startswith(reason)
    assert (result.accepted, result.rejected, result.stored) == (0, 1, False)


def test_a_naive_timestamp_is_shanghai_time_and_an_offset_is_kept(feed, creator):
    feed(
        [
            content_line("v-naive", published_at="2026-01-05T20:00:00"),
            content_line("v-utc", published_at="2026-01-05T20:00:00Z"),
            content_line("v-tokyo", published_at="2026-01-05T20:00:00+09:00"),
        ]
    )

    published = dict(Content.objects.values_list("external_id", "published_at"))
    assert published == {
        "v-naive": utc(2026, 1, 5, 12),
        "v-utc": utc(2026, 1, 5, 20),
        "v-tokyo": utc(2026, 1, 5, 11),
    }


def test_amounts_are_stored_to_the_fen(feed, creator):
    feed([order_line(amount=0.1 + 0.2), submission_line(earnings=12.345)])

    assert Order.objects.get().amount == Decimal("0.30")
    assert SubmissionEntry.objects.get().earnings == Decimal("12.35")


# --- All or nothing ---------------------------------------------------------------------------------


def test_one_bad_line_stores_nothing(feed):
    result = feed([creator_line("c-1"), content_line(), fans_line(fans=-1), order_line()])

    assert not result.stored
    # Nothing was stored, so nothing was accepted; ``valid`` says how many lines would be once the
    # reject is fixed (the issue: a refused file reported its valid lines as "accepted").
    assert result.summary() == {"accepted": 0, "rejected": 1, "by_type": {}, "valid": 3}
    assert not Creator.objects.exists()
    assert not Content.objects.exists()
    assert not Order.objects.exists()


def test_every_bad_line_is_reported_not_just_the_first(feed, creator):
    result = feed([content_line(kind="x"), content_line(), content_line(effective_plays=-1), "nope"])

    assert [(r.line, r.reason.split(" ")[0]) for r in result.rejects_sample] == [
        (1, '"kind"'),
        (3, '"effective_plays"'),
        (4, "not"),
    ]


def test_skip_invalid_stores_the_valid_lines_and_streams_every_reject(feed, creator):
    bad = json.dumps(content_line("v-2", effective_plays=-5), ensure_ascii=False)
    rejects = io.StringIO()

    result = feed([content_line("v-1"), bad, "", "{oops"], skip_invalid=True, rejects=rejects)

    assert result.stored
    assert (result.accepted, result.rejected) == (1, 2)
    assert list(Content.objects.values_list("external_id", flat=True)) == ["v-1"]
    assert [json.loads(line) for line in rejects.getvalue().splitlines()] == [
        {"line": 2, "reason": '"effective_plays" must be a non-negative integer, got -5', "raw": bad},
        {
            "line": 4,
            "reason": "not valid JSON (Expecting property name enclosed in double quotes at column 2)",
            "raw": "{oops",
        },
    ]


def test_rejects_are_reported_in_line_order_across_kinds_of_problem(feed):
    # Line 1 fails on its creator (found when the batch is written), line 2 on its shape (found on read).
    result = feed([content_line(creator="c-404"), content_line(kind="x")], skip_invalid=True)

    assert [r.line for r in result.rejects_sample] == [1, 2]


def test_only_the_first_hundred_rejects_are_kept_but_all_are_streamed(feed):
    rejects = io.StringIO()

    result = feed(["nope"] * 150, rejects=rejects, batch_size=40)

    assert result.rejected == 150
    assert [r.line for r in result.rejects_sample] == list(range(1, 101))
    assert len(rejects.getvalue().splitlines()) == 150


# --- Per-type rules ----------------------------------------------------------------------------------


def test_a_content_line_replaces_the_counters_left_out_ones_becoming_zero(feed, creator):
    feed([content_line(likes=300, completion_rate=0.5)])

    feed([content_line(effective_plays=20_000)])

    content = Content.objects.get()
    assert (content.effective_plays, content.likes, content.completion_rate) == (20_000, 0, None)


def test_fans_and_credit_are_one_row_per_creator_and_day(feed, creator):
    feed([fans_line(fans=1), fans_line(fans=2), credit_line(score=50), fans_line(date="2026-01-06", fans=3)])
    feed([credit_line(score=60)])

    assert sorted(FansDaily.objects.values_list("date", "fans")) == [(date(2026, 1, 5), 2), (date(2026, 1, 6), 3)]
    assert list(CreditDaily.objects.values_list("score", flat=True)) == [60]


def test_an_order_is_updated_by_its_id(feed, creator):
    feed([order_line(status="in_progress", completed_at=None)])

    feed([order_line(status="cancelled", completed_at=None, amount=None)])

    order = Order.objects.get()
    assert (order.status, order.amount) == ("cancelled", None)


def test_the_same_event_is_stored_once(feed, creator):
    feed([event_line(), event_line(at="2026-01-05T01:30:00Z"), event_line(name="assistant_viewed")])

    assert PortalEvent.objects.count() == 2  # 09:30+08:00 and 01:30Z are the same instant


def test_a_submission_creates_its_task_and_keeps_an_unknown_content_id(feed, creator):
    feed([submission_line(content="v-later")])

    entry = SubmissionEntry.objects.get()
    assert SubmissionTask.objects.get().code == "t-spring"
    assert (entry.content, entry.content_ref) == (None, "v-later")


def test_a_submission_is_linked_to_its_content_when_the_content_arrives_later(feed, creator):
    feed([submission_line(content="v-9"), content_line("v-9")], batch_size=1)

    assert SubmissionEntry.objects.get().content == Content.objects.get(external_id="v-9")


def test_a_submission_update_keeps_the_portal_settlement(feed, creator):
    feed([submission_line(earnings=10)])
    SubmissionEntry.objects.update(settled_at=utc(2026, 2, 1), payout=Decimal("50"))

    feed([submission_line(earnings=12)])

    entry = SubmissionEntry.objects.get()
    assert (entry.earnings, entry.payout, entry.settled_at) == (Decimal("12.00"), Decimal("50.00"), utc(2026, 2, 1))


def test_a_submission_uses_an_existing_task(feed, creator):
    task = SubmissionTask.objects.create(code="t-spring", title="春季投稿")

    feed([submission_line(), submission_line("s-2")])

    assert list(SubmissionEntry.objects.values_list("task", flat=True)) == [task.pk, task.pk]


# --- Course progress ------------------------------------------------------------------------------


def progress() -> tuple:
    row = CourseProgress.objects.get()
    return row.completion, row.updated_at, row.completed_at


def test_course_progress_creates_the_course_and_follows_the_latest_report(feed, creator):
    feed(
        [
            progress_line(completion=0.6, at="2026-01-03T00:00:00Z"),
            progress_line(completion=0.4, at="2026-01-02T00:00:00Z"),  # older: arrives late, changes nothing
        ]
    )

    assert Course.objects.get().code == "k-101"
    assert progress() == (0.6, utc(2026, 1, 3), None)


def test_course_completion_is_the_earliest_report_that_reached_it_and_is_never_cleared(feed, creator):
    feed([progress_line(completion=0.9, at="2026-01-05T00:00:00Z")])
    feed(
        [
            progress_line(completion=0.5, at="2026-01-06T00:00:00Z"),  # lower and later: completion drops
            progress_line(completion=0.8, at="2026-01-04T00:00:00Z"),  # earlier, at the threshold
        ]
    )

    assert progress() == (0.5, utc(2026, 1, 6), utc(2026, 1, 4))


def test_course_progress_reports_at_the_same_moment_take_the_later_line(feed, creator):
    feed(
        [
            progress_line(completion=0.3, at="2026-01-05T00:00:00Z"),
            progress_line(completion=0.7, at="2026-01-05T08:00:00+08:00"),
        ]
    )

    assert progress()[0] == 0.7


def test_course_progress_in_separate_batches_gives_the_same_row(feed, creator):
    lines = [
        progress_line(completion=0.9, at="2026-01-05T00:00:00Z"),
        progress_line(completion=0.2, at="2026-01-01T00:00:00Z"),
        progress_line(completion=0.5, at="2026-01-06T00:00:00Z"),
    ]
    feed(lines, batch_size=1)

    assert progress() == (0.5, utc(2026, 1, 6), utc(2026, 1, 5))


def test_course_progress_without_at_counts_as_completed_for_any_assessment_and_reloads_unchanged(feed, creator):
    before = datetime.now(UTC)
    feed([progress_line(completion=0.8)])
    first = progress()

    feed([progress_line(completion=0.8)])

    assert first[0] == 0.8
    assert before <= first[1] <= datetime.now(UTC)  # the figure is as of the ingest
    assert first[2] == UNDATED  # the completion counts for a back-filled assessment too
    assert progress() == first


def test_progress_merge_rules():
    now = utc(2026, 2, 1)
    t1, t2 = utc(2026, 1, 1), utc(2026, 1, 2)
    current = Progress(0.5, t2, None)

    assert progress_merge(None, completion=0.9, at=None, now=now) == Progress(0.9, now, UNDATED)
    assert progress_merge(current, completion=0.9, at=t1, now=now) == Progress(0.5, t2, t1)
    assert progress_merge(current, completion=0.1, at=t2, now=now) == Progress(0.1, t2, None)
    assert progress_merge(current, completion=0.5, at=None, now=now) == current
    assert progress_merge(current, completion=0.6, at=None, now=now) == Progress(0.6, now, None)
    assert progress_merge(Progress(0.9, t2, t2), completion=0.8, at=t2 + timedelta(days=1), now=now).completed_at == t2


# --- Cost -----------------------------------------------------------------------------------------

BY_TYPE = {
    "creator": lambda n: creator_line(f"c-{n}", fans=n, quotes={"video_1_20s": n}),
    "content": lambda n: content_line(f"v-{n}", creator=f"c-{n % 7}"),
    "fans": lambda n: fans_line(f"c-{n % 7}", date=str(date(2018, 1, 1) + timedelta(days=n))),
    "credit": lambda n: credit_line(f"c-{n % 7}", date=str(date(2018, 1, 1) + timedelta(days=n))),
    "order": lambda n: order_line(f"o-{n}", creator=f"c-{n % 7}"),
    "event": lambda n: event_line(f"c-{n % 7}", at=f"2026-01-01T00:00:{n % 60:02d}+0{n // 60 % 10}:00"),
    "submission": lambda n: submission_line(f"s-{n}", creator=f"c-{n % 7}", task=f"t-{n % 3}", content=f"v-{n % 5}"),
    "course_progress": lambda n: progress_line(f"c-{n % 7}", course=f"k-{n}", completion=(n % 10) / 10),
}


@pytest.mark.parametrize("type_", BY_TYPE)
def test_a_batch_costs_the_same_number_of_queries_whatever_its_size(type_, django_assert_max_num_queries):
    """Set-based writes: 500 lines of a type take no more queries than 50 (never one per line)."""
    Creator.objects.bulk_create([Creator(external_id=f"c-{n}", nickname=str(n)) for n in range(7)])
    Content.objects.bulk_create(
        [
            Content(external_id=f"v-{n}", creator=Creator.objects.first(), kind="video", published_at=utc(2026, 1, 1))
            for n in range(5)
        ]
    )
    SubmissionTask.objects.bulk_create([SubmissionTask(code=f"t-{n}") for n in range(3)])

    def queries(offset: int, n: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            result = ingest_lines(jsonl(BY_TYPE[type_](offset + i) for i in range(n)), batch_size=1000)
        assert (result.accepted, result.rejected) == (n, 0)
        return len(captured)

    small = queries(1000, 50)
    with django_assert_max_num_queries(small):
        result = ingest_lines(jsonl(BY_TYPE[type_](2000 + i) for i in range(500)), batch_size=1000)
    assert (result.accepted, result.rejected) == (500, 0)  # refusing lines would be cheaper
    assert small <= 14  # PostgreSQL, a staged write: its staging table and foreign keys once; COPY, merge, TRUNCATE
