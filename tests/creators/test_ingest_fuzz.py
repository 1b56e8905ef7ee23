"""Fuzzing the activity feed's parser (docs/interfaces.md §1): generated files mixing valid lines of every
type with broken ones (not JSON, wrong types, keys missing, huge numbers, odd unicode, bad or future
timestamps, unknown types, duplicates, bytes that are not UTF-8), fed in batches of every size.

Whatever the file, the ingest
- never raises;
- gives every rejected line its line number and a reason, once, and counts every other non-blank line
  as valid;
- stores nothing at all when it rejects something (all or nothing, across batches);
- with skip-invalid, stores exactly what ingesting the valid lines alone stores: a rejected line writes
  nothing.

The example count is bounded (``settings`` below) so the file runs in well under a minute in CI."""

import io
import json
from datetime import UTC, datetime

from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

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

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
# Every table the feed writes, in the order a snapshot lists them.
WRITTEN = (Creator, Quote, Content, FansDaily, CreditDaily, Order, PortalEvent, SubmissionTask, SubmissionEntry,
           Course, CourseProgress)  # fmt: skip
NATURAL_KEY = {Creator: "external_id", Content: "external_id", SubmissionTask: "code", Course: "code"}

creator_ids = st.sampled_from(["c-1", "c-2", "c-3", "c-é", "c-" + "9" * 62])
item_ids = st.sampled_from(["x-1", "x-2", "x-3"])
counts = st.one_of(st.integers(min_value=0, max_value=10**6), st.sampled_from([0, 2**63 - 1, 2**63, 10**30]))
rates = st.one_of(st.floats(min_value=0, max_value=1), st.sampled_from([0, 1, 1.0000001, -0.0]))
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
instants = st.datetimes(min_value=datetime(1969, 1, 1), max_value=datetime(2026, 3, 13)).map(
    lambda d: d.isoformat()
)  # naive: Asia/Shanghai; the last days straddle the limit of now + 1 day
offsets = st.sampled_from(["", "+08:00", "Z", "-05:00"])
stamps = st.builds(lambda at, tz: at + tz, instants, offsets)
days = st.dates(min_value=datetime(1969, 1, 1).date(), max_value=datetime(2026, 3, 13).date()).map(str)

valid_records = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("creator"), "id": creator_ids, "nickname": texts.filter(str.strip)},
        optional={
            "fans": counts, "credit_score": st.integers(0, 100), "douyin_bound": st.booleans(),
            "intro": texts, "region": texts, "industries": st.lists(texts, max_size=3),
            "task_types": st.lists(st.sampled_from(["submission", "spread"]), max_size=2, unique=True),
            "quotes": st.dictionaries(st.sampled_from(["video_1_20s", "live_1h"]), st.integers(0, 10**6)),
            "joined_at": stamps,
        },
    ),
    st.fixed_dictionaries(
        {"type": st.just("content"), "id": item_ids, "creator": creator_ids, "kind": st.sampled_from(["video", "live"]),
         "published_at": stamps, "effective_plays": counts},
        optional={"likes": counts, "comments": counts, "shares": counts, "completion_rate": rates,
                  "conversions": counts, "title": texts},
    ),
    st.fixed_dictionaries({"type": st.just("fans"), "creator": creator_ids, "date": days, "fans": counts}),
    st.fixed_dictionaries(
        {"type": st.just("credit"), "creator": creator_ids, "date": days, "score": st.integers(0, 100)}
    ),
    st.fixed_dictionaries(
        {"type": st.just("order"), "id": item_ids, "creator": creator_ids,
         "kind": st.sampled_from(["standard", "mass", "minigame"]),
         "status": st.sampled_from(["cancelled", "in_progress"]), "created_at": stamps},
        optional={"amount": st.integers(0, 10**6), "plays": counts, "rating": st.integers(1, 5)},
    ),
    st.fixed_dictionaries(
        {"type": st.just("order"), "id": item_ids, "creator": creator_ids, "kind": st.just("standard"),
         "status": st.just("completed"), "created_at": stamps, "completed_at": stamps},
    ),
    st.fixed_dictionaries(
        {"type": st.just("course_progress"), "creator": creator_ids, "course": st.sampled_from(["k-1", "k-2"]),
         "completion": rates},
        optional={"at": stamps},
    ),
    st.fixed_dictionaries(
        {"type": st.just("submission"), "id": item_ids, "creator": creator_ids, "task": st.sampled_from(["t-1", "t-2"]),
         "submitted_at": stamps},
        optional={"content": item_ids, "effective_plays": counts, "earnings": st.integers(0, 10**5),
                  "task_kind": st.sampled_from(["video", "live"])},
    ),
    st.fixed_dictionaries(
        {"type": st.just("event"), "creator": creator_ids,
         "name": st.sampled_from(["task_hall_viewed", "assistant_viewed"]), "at": stamps},
    ),
)  # fmt: skip

# Values that are wrong for most keys: wrong JSON types, out of range, unstorable, malformed.
bad_values = st.one_of(
    st.sampled_from([None, True, -1, 1.5, 2**64, -(10**40), "", "   ", [], {}, [1, "a"], {"a": 1},
                     "2026-02-30", "2026-03-20", "9999-12-31T23:59:59", "not a date", "\x00", "a" * 600,
                     "2026-03-11T13:00:00+08:00", "NaN"]),
    texts,
    st.integers(),
    st.floats(allow_nan=False),
)  # fmt: skip


@st.composite
def records(draw) -> dict:
    """A valid record, left alone or spoiled: a key dropped, a key given a bad value, the type made unknown,
    or a key the format does not know added (which is still valid)."""
    record = dict(draw(valid_records))
    spoil = draw(st.sampled_from(["none", "none", "drop", "bad", "type", "extra"]))
    keys = sorted(record)
    if spoil == "drop":
        record.pop(draw(st.sampled_from(keys)))
    elif spoil == "bad":
        record[draw(st.sampled_from(keys))] = draw(bad_values)
    elif spoil == "type":
        record["type"] = draw(st.sampled_from(["creators", "", "CONTENT", "video", 7]))
    elif spoil == "extra":
        record[draw(texts)] = draw(bad_values)
    return record


def encoded(record: dict, ascii_only: bool) -> str:
    return json.dumps(record, ensure_ascii=ascii_only)


garbage = st.one_of(
    texts.filter(lambda t: "\n" not in t and "\r" not in t),
    st.sampled_from(['{"type": "creator", "id": "c-1"', "[]", "null", "1e400", '{"type": NaN}', "{'a': 1}",
                     '{"type": "fans", "creator": "c-1", "date": "2026-03-01", "fans": 1e400}', "\ufeff{}"]),
    st.binary(max_size=20).filter(lambda b: b"\n" not in b and b"\r" not in b),
)  # fmt: skip

lines_of_a_file = st.lists(
    st.one_of(st.builds(encoded, records(), st.booleans()), st.builds(encoded, records(), st.booleans()), garbage),
    min_size=1,
    max_size=12,
)


@st.composite
def files(draw) -> list[str | bytes]:
    """Lines with some of them sent again (duplicates), in any order."""
    lines = draw(lines_of_a_file)
    lines += draw(st.lists(st.sampled_from(lines), max_size=3))
    return draw(st.permutations(lines))


def snapshot() -> dict[str, list]:
    """Every row the feed writes, without surrogate keys or clock columns: two ingests that store the same
    thing have the same snapshot, whatever ids their rows were given."""
    tables = {}
    for model in WRITTEN:
        names = []
        for f in model._meta.concrete_fields:
            if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            if isinstance(f, models.ForeignKey | models.OneToOneField):
                key = NATURAL_KEY.get(f.related_model)
                if key is not None:
                    names.append(f"{f.name}__{key}")
                continue
            names.append(f.name)
        rows = model.objects.values_list(*names)
        tables[model._meta.label] = sorted(repr(row) for row in rows)
    return tables


def nothing_stored() -> bool:
    return not any(model.objects.exists() for model in WRITTEN)


def rejects_of(lines, **options) -> tuple[object, list[dict]]:
    out = io.StringIO()
    result = ingest_lines(lines, rejects=out, now=NOW, **options)
    return result, [json.loads(row) for row in out.getvalue().split("\n") if row]


def non_blank(lines) -> set[int]:
    def blank(line) -> bool:
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        return not text.removeprefix("\ufeff").strip()

    return {number for number, line in enumerate(lines, start=1) if not blank(line)}


class IngestFuzzTests(TestCase):
    @settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(files(), st.sampled_from([1, 2, 5, 5000]))
    def test_all_or_nothing_and_every_reject_has_a_reason(self, lines, batch_size):
        result, rejects = rejects_of(lines, batch_size=batch_size)

        numbers = [reject["line"] for reject in rejects]
        assert len(numbers) == len(set(numbers)) == result.rejected
        assert set(numbers) <= non_blank(lines)
        assert all(isinstance(r["reason"], str) and len(r["reason"].strip()) > 10 for r in rejects), rejects
        assert result.valid + result.rejected == len(non_blank(lines))
        if result.rejected:
            assert not result.stored and result.accepted == 0 and result.by_type == {}
            assert nothing_stored()
        else:
            assert result.stored and result.accepted == result.valid

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(files(), st.sampled_from([1, 3, 5000]))
    def test_skip_invalid_stores_exactly_the_valid_lines(self, lines, batch_size):
        result, rejects = rejects_of(lines, skip_invalid=True, batch_size=batch_size)
        assert result.accepted == result.valid
        stored = snapshot()

        for model in reversed(WRITTEN):
            model.objects.all().delete()
        rejected = {reject["line"] for reject in rejects}
        kept = [line for number, line in enumerate(lines, start=1) if number not in rejected]
        again, again_rejects = rejects_of(kept, batch_size=batch_size)

        assert again_rejects == []
        assert again.accepted == result.accepted
        assert snapshot() == stored
