"""assess_levels (interfaces §2): level moves, history, messages, JSON Lines, idempotence."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from benefits.models import Entitlement, GuaranteeCard
from creators.models import AssistantMessage
from levels.models import Assessment, CreatorLevel, JobRun, LevelChange
from tests.builders import AT, creator_at_level, post

pytestmark = pytest.mark.django_db
LV3_PLUS = ["courses_completed", "orders_30d", "posts_30d", "avg_plays_30d", "fans", "likes_30d", "credit_score"]


def run(*args: str) -> list[dict]:
    out = StringIO()
    call_command("assess_levels", *args, "--json", stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def level(creator) -> int:
    return CreatorLevel.objects.filter(creator=creator).values_list("level", flat=True).first() or 0


def set_level(creator, value: int) -> None:
    CreatorLevel.objects.update_or_create(creator=creator, defaults={"level": value, "since": AT - timedelta(days=60)})


def test_json_lines_one_per_creator_then_summary():
    a = creator_at_level(2, external_id="c-a")
    creator_at_level(0, external_id="c-b")
    lines = run("--at", AT.isoformat(), "--mode", "monthly")
    assert lines[-1] == {"summary": {"assessed": 2, "up": 1, "down": 0, "same": 1}}
    by_id = {line["creator"]: line for line in lines[:-1]}
    assert by_id["c-a"] == {
        "creator": "c-a",
        "previous_level": 0,
        "level": 2,
        "qualified_level": 2,
        "failed": {"3": [*LV3_PLUS], "4": [*LV3_PLUS]},
    }  # fmt: skip
    assert set(by_id["c-b"]["failed"]) == {"1", "2", "3", "4"}
    assert level(a) == 2


def test_monthly_moves_down_several_steps_and_explains_why():
    creator = creator_at_level(1)
    set_level(creator, 4)
    [line, _] = run("--at", AT.isoformat())
    assert (line["previous_level"], line["level"]) == (4, 1)
    change = LevelChange.objects.get(creator=creator)
    assert (change.from_level, change.to_level, change.reason) == (4, 1, "monthly")
    assert "fans" in change.failed
    note = AssistantMessage.objects.get(creator=creator, kind="level_down")
    assert "LV4" in note.display_body and "粉丝量" in note.display_body


def test_monthly_moves_up_several_steps():
    creator = creator_at_level(4)
    run("--at", AT.isoformat())
    assert level(creator) == 4
    assert AssistantMessage.objects.filter(creator=creator, kind="level_up").count() == 1


def test_upgrade_mode_never_downgrades():
    creator = creator_at_level(1)
    set_level(creator, 3)
    [line, summary] = run("--at", AT.isoformat(), "--mode", "upgrade")
    assert (line["level"], line["qualified_level"]) == (3, 1)
    assert summary["summary"]["down"] == 0
    assert level(creator) == 3


def test_upgrade_mode_moves_up():
    creator = creator_at_level(3)
    set_level(creator, 1)
    run("--at", (AT + timedelta(days=5)).isoformat(), "--mode", "upgrade")
    assert level(creator) == 3
    assert LevelChange.objects.get(creator=creator).reason == "upgrade"


def test_same_run_twice_changes_nothing_and_prints_the_same():
    creator_at_level(3)
    creator_at_level(1)
    first = run("--at", AT.isoformat())
    counts = [m.objects.count() for m in (Entitlement, GuaranteeCard, LevelChange, AssistantMessage, Assessment)]
    again = run("--at", AT.isoformat())
    assert again == first
    assert [
        m.objects.count() for m in (Entitlement, GuaranteeCard, LevelChange, AssistantMessage, Assessment)
    ] == counts
    assert JobRun.objects.count() == 1


def test_a_second_run_in_the_same_period_grants_nothing_more():
    creator_at_level(4)
    run("--at", AT.isoformat())
    cards = GuaranteeCard.objects.count()
    run("--at", (AT + timedelta(hours=5)).isoformat())  # a different run of the same benefit period
    assert GuaranteeCard.objects.count() == cards == 4


def test_dry_run_writes_nothing():
    creator = creator_at_level(2)
    lines = run("--at", AT.isoformat(), "--dry-run")
    assert lines[0]["level"] == 2
    assert level(creator) == 0
    assert not JobRun.objects.exists() and not Entitlement.objects.exists()


def test_creator_option_limits_the_run():
    a = creator_at_level(2, external_id="c-only")
    b = creator_at_level(2)
    lines = run("--at", AT.isoformat(), "--creator", "c-only")
    assert [line["creator"] for line in lines[:-1]] == ["c-only"]
    assert (level(a), level(b)) == (2, 0)
    # The full run of the same instant is still to do.
    run("--at", AT.isoformat())
    assert level(b) == 2


def test_unknown_creator_option_is_an_error():
    with pytest.raises(Exception, match="unknown creator"):
        run("--at", AT.isoformat(), "--creator", "c-nobody")


def test_naive_at_is_shanghai_time():
    creator = creator_at_level(1, posts=4)
    post(creator, 1, at=AT, plays=2000, published_at=AT - timedelta(seconds=1))
    assert run("--at", "2026-12-01T02:00:00", "--dry-run")[0]["level"] == 1
    # One second earlier the item is published exactly at `at` and is excluded.
    assert run("--at", "2026-12-01T01:59:59", "--dry-run")[0]["level"] == 0


def test_results_are_stored_per_requirement():
    creator = creator_at_level(2)
    run("--at", AT.isoformat())
    assessment = Assessment.objects.get(creator=creator)
    assert assessment.metrics["posts_30d"] == 9
    assert assessment.metrics["avg_plays_30d"] == 20_000
    run_row = assessment.run
    assert ["3", "fans", "gt", 300_000] in [
        [str(r[0]), r[1], r[2], r[3]] for r in run_row.rules_snapshot["requirements"]
    ]


def test_chunks_split_the_creators(settings):
    settings.ASSESS_CHUNK_SIZE = 2
    for _ in range(5):
        creator_at_level(1)
    lines = run("--at", AT.isoformat())
    assert lines[-1]["summary"]["assessed"] == 5
    run_row = JobRun.objects.get()
    assert run_row.chunks.count() == 3
    assert set(run_row.chunks.values_list("status", flat=True)) == {"done"}
    assert run_row.status == "done"
