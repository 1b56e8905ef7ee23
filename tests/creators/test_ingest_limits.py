"""The ingest's limits (docs/interfaces.md §1): an empty body, what a refused file reports, dates ahead
of now, text longer than the portal's forms take, lines over 64 KB — and the submission line's
``task_kind``, which the task hall's entry rule reads (docs/program.md §3)."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from academy.models import CourseProgress
from creators.ingest import ingest_lines
from creators.ingest.fields import FUTURE_TOLERANCE
from creators.ingest.service import MAX_LINE_BYTES
from creators.models import Content, Creator, FansDaily, SubmissionEntry, SubmissionTask
from portal.forms_profile import ProfileForm

from .lines import (
    content_line,
    creator_line,
    credit_line,
    event_line,
    fans_line,
    jsonl,
    jsonl_text,
    order_line,
    progress_line,
    submission_line,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/ingest"
# 2026-03-10 12:00 in Shanghai: "now" of the ingests below.
NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)


def post(client, body: bytes, raw_token: str, *, query: str = ""):
    return client.post(
        URL + query, data=body, content_type="application/x-ndjson", headers={"Authorization": f"Bearer {raw_token}"}
    )


def reasons(result) -> list[str]:
    return [reject.reason for reject in result.rejects_sample]


# --- an empty body -----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"\n\n  \n", b"\r\n"], ids=["nothing", "blank-lines", "crlf"])
def test_an_empty_body_is_refused_with_400_saying_so(client, token, body):
    response = post(client, body, token[1])

    assert response.status_code == 400
    assert response.json()["error"] == "the body is empty: send JSON Lines, one object per line"
    assert response.json()["accepted"] == 0


def test_an_empty_file_to_the_command_says_so_on_stderr(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("ingest", str(path), stdout=stdout, stderr=stderr)

    assert "the input is empty" in stderr.getvalue()
    assert json.loads(stdout.getvalue().splitlines()[-1]) == {"accepted": 0, "rejected": 0, "by_type": {}, "valid": 0}


# --- what a refused file reports -----------------------------------------------------------------------


def test_a_refused_file_reports_nothing_stored_and_how_many_lines_were_valid(client, token):
    body = jsonl_text([creator_line("c-1"), content_line(), fans_line(fans=-1)]).encode()

    refused = post(client, body, token[1])
    skipped = post(client, body, token[1], query="?skip_invalid=1")

    assert refused.status_code == 400
    assert {k: refused.json()[k] for k in ("accepted", "valid", "rejected", "by_type")} == {
        "accepted": 0, "valid": 2, "rejected": 1, "by_type": {},
    }  # fmt: skip
    assert skipped.status_code == 200
    assert {k: skipped.json()[k] for k in ("accepted", "valid", "rejected")} == {
        "accepted": 2,
        "valid": 2,
        "rejected": 1,
    }
    assert Content.objects.count() == 1  # only the skip-invalid post stored


# --- dates ahead of now ------------------------------------------------------------------------------


def test_the_issues_fans_line_dated_2099_is_rejected(client, token, creator):
    response = post(client, jsonl_text([fans_line(date="2099-01-01")]).encode(), token[1])

    assert response.status_code == 400
    assert response.json()["rejects"][0]["reason"].startswith(
        '"date" is more than a day ahead of now, got "2099-01-01"'
    )
    assert not FansDaily.objects.exists()


def _at(moment: datetime) -> str:
    return moment.isoformat()


# Every timestamp of the format, on the line that carries it.
TIMESTAMPS = {
    "joined_at": lambda t: creator_line("c-1", joined_at=t),
    "published_at": lambda t: content_line(published_at=t),
    "created_at": lambda t: order_line(status="in_progress", created_at=t, completed_at=None),
    "completed_at": lambda t: order_line(completed_at=t),
    "submitted_at": lambda t: submission_line(submitted_at=t),
    "at": lambda t: event_line(at=t),
    "course_progress.at": lambda t: progress_line(at=t),
}


@pytest.mark.parametrize("key", TIMESTAMPS)
def test_a_timestamp_exactly_a_day_ahead_is_taken_and_one_second_more_is_not(creator, key):
    latest = NOW + FUTURE_TOLERANCE

    taken = ingest_lines(jsonl([TIMESTAMPS[key](_at(latest))]), now=NOW)
    refused = ingest_lines(jsonl([TIMESTAMPS[key](_at(latest + timedelta(seconds=1)))]), now=NOW)

    assert (taken.accepted, taken.rejected) == (1, 0)
    assert refused.rejected == 1
    assert "is more than a day ahead of now" in reasons(refused)[0]
    assert "2026-03-11T12:00:00+08:00" in reasons(refused)[0]  # the latest accepted, in Shanghai time


def test_a_timestamp_without_offset_is_read_in_shanghai_for_the_limit_too(creator):
    taken = ingest_lines(jsonl([event_line(at="2026-03-11T12:00:00")]), now=NOW)
    refused = ingest_lines(jsonl([event_line(at="2026-03-11T12:00:01")]), now=NOW)

    assert (taken.accepted, refused.rejected) == (1, 1)


@pytest.mark.parametrize("line", [fans_line, credit_line], ids=["fans", "credit"])
def test_a_date_up_to_tomorrow_is_taken_and_the_day_after_is_not(creator, line):
    # [decision] a date may be at most the Shanghai date of now + 1 day: NOW is 03-10 12:00 there.
    taken = ingest_lines(jsonl([line(date="2026-03-11")]), now=NOW)
    refused = ingest_lines(jsonl([line(date="2026-03-12")]), now=NOW)

    assert (taken.accepted, taken.rejected) == (1, 0)
    assert reasons(refused) == [
        '"date" is more than a day ahead of now, got "2026-03-12" (the latest accepted is 2026-03-11)'
    ]


def test_just_before_midnight_tomorrow_is_still_the_limit_day(creator):
    # now 23:59 on 03-10 in Shanghai: now + 1 day is 03-11 23:59, so 03-11 is taken and 03-12 is not.
    late = datetime(2026, 3, 10, 15, 59, tzinfo=UTC)

    assert ingest_lines(jsonl([fans_line(date="2026-03-11")]), now=late).accepted == 1
    assert ingest_lines(jsonl([fans_line(date="2026-03-12")]), now=late).rejected == 1


# --- text longer than the portal's forms take --------------------------------------------------------


def _form_limit(field: str) -> int:
    return ProfileForm.base_fields[field].max_length


@pytest.mark.parametrize(
    ("key", "limit"),
    [("intro", _form_limit("intro")), ("region", _form_limit("region")), ("nickname", 100)],
)
def test_text_up_to_the_forms_limit_is_taken_and_one_more_character_is_not(key, limit):
    taken = ingest_lines(jsonl([creator_line("c-1", **{key: "字" * limit})]))
    refused = ingest_lines(jsonl([creator_line("c-2", **{key: "字" * (limit + 1)})]))

    assert (taken.accepted, taken.rejected) == (1, 0)
    assert getattr(Creator.objects.get(external_id="c-1"), key) == "字" * limit
    assert reasons(refused) == [f'"{key}" must be at most {limit} characters, got {limit + 1}']
    assert not Creator.objects.filter(external_id="c-2").exists()


def test_the_profile_form_and_the_ingest_share_the_intro_limit():
    assert _form_limit("intro") == Creator._meta.get_field("intro").max_length == 500


def test_industries_are_capped_in_length_and_number():
    ok = ingest_lines(
        jsonl([creator_line("c-1", industries=["字" * Creator.INDUSTRY_MAX_LENGTH] * Creator.INDUSTRIES_MAX)])
    )
    too_long = ingest_lines(jsonl([creator_line("c-2", industries=["字" * (Creator.INDUSTRY_MAX_LENGTH + 1)])]))
    too_many = ingest_lines(jsonl([creator_line("c-3", industries=["美食"] * (Creator.INDUSTRIES_MAX + 1))]))

    assert (ok.accepted, ok.rejected) == (1, 0)
    assert reasons(too_long)[0].startswith(
        f'"industries" items must be at most {Creator.INDUSTRY_MAX_LENGTH} characters'
    )
    assert reasons(too_many) == [f'"industries" may have at most {Creator.INDUSTRIES_MAX} items, got 21']


def test_the_issues_50_mb_intro_is_rejected_and_nothing_is_stored(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_text(jsonl_text([creator_line("c-1", intro="x" * 50_000_000)]), encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):  # exit status 1: nothing stored
        call_command("ingest", str(path), "--rejects", str(rejects), stdout=stdout, stderr=stderr)

    assert "over the limit of 65,536 bytes (64 KB)" in stderr.getvalue()
    kept = json.loads(rejects.read_text(encoding="utf-8"))["raw"]
    assert len(kept.encode()) <= MAX_LINE_BYTES + len("…".encode())  # the report keeps only the start
    assert not Creator.objects.exists()


# --- a line over 64 KB ---------------------------------------------------------------------------------


def _line_of(size: int, *, char: str = "x") -> str:
    """A valid creator line of exactly ``size`` bytes of UTF-8 (padding in a key the format ignores)."""
    bare = json.dumps(creator_line("c-1", note=""), ensure_ascii=False)
    pad = size - len(bare.encode())
    assert pad % len(char.encode()) == 0
    line = json.dumps(creator_line("c-1", note=char * (pad // len(char.encode()))), ensure_ascii=False)
    assert len(line.encode()) == size
    return line


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_a_line_of_exactly_64_kb_is_taken_and_one_byte_more_is_not(as_bytes):
    def send(line: str):
        return ingest_lines([(line + "\n").encode() if as_bytes else line + "\n"])

    taken = send(_line_of(MAX_LINE_BYTES))
    refused = send(_line_of(MAX_LINE_BYTES + 1))

    assert (taken.accepted, taken.rejected) == (1, 0)
    assert reasons(refused) == [
        "the line is 65,537 bytes, over the limit of 65,536 bytes (64 KB); shorten its text fields"
    ]


def test_the_limit_counts_bytes_not_characters():
    # 3 bytes a character: under 64 K characters, over 64 KB.
    line = _line_of(MAX_LINE_BYTES - 65_536 % 3 + 3, char="字")

    assert len(line) < MAX_LINE_BYTES
    assert ingest_lines([line]).rejected == 1


def test_an_oversized_line_is_rejected_over_the_api(client, token):
    response = post(client, (_line_of(MAX_LINE_BYTES + 1) + "\n").encode(), token[1])

    assert response.status_code == 400
    assert "over the limit of 65,536 bytes" in response.json()["rejects"][0]["reason"]


# --- a submission line's task_kind --------------------------------------------------------------------


def test_task_kind_gives_a_new_task_its_kind(creator):
    result = ingest_lines(jsonl([submission_line(task="t-video", task_kind="video")]))

    assert result.accepted == 1
    assert SubmissionTask.objects.get(code="t-video").content_kind == "video"


def test_the_first_line_naming_a_kind_wins_and_a_kind_once_set_stays(creator):
    ingest_lines(jsonl([
        submission_line("s-1", task="t-1"),
        submission_line("s-2", task="t-1", task_kind="live"),
        submission_line("s-3", task="t-1", task_kind="video"),
    ]))  # fmt: skip
    ingest_lines(jsonl([submission_line("s-4", task="t-1", task_kind="video")]))

    assert SubmissionTask.objects.get(code="t-1").content_kind == "live"
    assert SubmissionEntry.objects.filter(task__code="t-1").count() == 4


def test_an_unknown_task_kind_is_rejected(creator):
    result = ingest_lines(jsonl([submission_line(task_kind="image")]))

    assert reasons(result) == ['"task_kind" must be one of "video", "live", got "image"']
    assert not SubmissionTask.objects.exists()


def test_an_ingested_entry_is_stored_as_sent_even_outside_the_portals_rule(creator):
    # docs/program.md §3: the platform's word. A live item from before a video task opened still enters.
    task = SubmissionTask.objects.create(code="t-v", content_kind="video", opens_at=datetime(2026, 1, 10, tzinfo=UTC))
    lines = [
        content_line("v-old", kind="live", published_at="2026-01-01T10:00:00+08:00"),
        submission_line(task="t-v", content="v-old", submitted_at="2026-01-11T10:00:00+08:00"),
    ]

    assert ingest_lines(jsonl(lines)).accepted == 2
    assert SubmissionEntry.objects.get(task=task).content.external_id == "v-old"


def test_course_progress_dates_are_checked_too(creator):
    refused = ingest_lines(jsonl([progress_line(at="2099-01-01T00:00:00+08:00")]), now=NOW)

    assert refused.rejected == 1 and not CourseProgress.objects.exists()


# --- a content item's title ----------------------------------------------------------------------------


def test_a_content_title_up_to_200_characters_is_stored_and_one_more_is_not(creator):
    taken = ingest_lines(jsonl([content_line("v-1", title="字" * 200)]))
    refused = ingest_lines(jsonl([content_line("v-2", title="字" * 201)]))

    assert (taken.accepted, taken.rejected) == (1, 0)
    assert Content.objects.get(external_id="v-1").title == "字" * 200
    assert reasons(refused) == ['"title" must be at most 200 characters, got 201']


def test_a_content_line_without_a_title_leaves_the_item_untitled(creator):
    # A line is the platform's whole record of its row: re-sent without a title, the item has none.
    ingest_lines(jsonl([content_line("v-1", title="周末两天怎么玩")]))
    ingest_lines(jsonl([content_line("v-1")]))

    assert Content.objects.get(external_id="v-1").title == ""
