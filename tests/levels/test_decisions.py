"""The level runs decided in SQL (levels/decisions.py), the monthly assessment and the daily upgrade check:
they report exactly what the Python path reported (interfaces §2), store means as ``to_json`` does, and
cost a fixed number of statements a chunk.
The randomized comparison with the single-creator path is in test_metrics_agree.py."""

import json
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from creators.models import Creator
from levels import jobs
from levels.decisions import chunk_decide, chunk_preview
from levels.evaluation import to_json
from levels.metrics import WHITESPACE, level_metrics, measure_creator
from levels.models import Assessment, CreatorLevel, JobRun, LevelOverride
from levels.rules import Requirement, Rules, load_rules
from levels.services import evaluate_levels_chunk
from lib.periods import Month
from tests.builders import AT, creator_at_level, post

pytestmark = pytest.mark.django_db
DAY = AT + timedelta(days=3, hours=2)  # the 04:00 check three days after the monthly assessment
WHEN = {"monthly": AT, "upgrade": DAY}  # each mode's run time
JOB = {"monthly": JobRun.Job.ASSESS_MONTHLY, "upgrade": JobRun.Job.ASSESS_UPGRADE}


def run(*args: str, mode: str = "upgrade") -> list[dict]:
    out = StringIO()
    call_command("assess_levels", "--at", WHEN[mode].isoformat(), "--mode", mode, "--json", *args, stdout=out,
                 stderr=StringIO())  # fmt: skip
    return [json.loads(line) for line in out.getvalue().splitlines()]


def hold(creator: Creator, level: int) -> None:
    CreatorLevel.objects.update_or_create(creator=creator, defaults={"level": level, "since": AT - timedelta(days=40)})


def python_lines(*, stored: bool, mode: str) -> list[dict]:
    """What the Python path (``evaluate_levels_chunk``) reported: ``failed`` above the level held after the
    run (``--dry-run``), or above the level the rules decide (a run's stored rows)."""
    creators = Creator.objects.order_by("pk")
    first, last, at = creators.first().pk, creators.last().pk, WHEN[mode]
    outcomes = evaluate_levels_chunk(
        first_id=first, last_id=last, at=at, rules=load_rules(at), upgrade_only=mode == "upgrade"
    )
    names = dict(creators.values_list("pk", "external_id"))
    lines = [
        {"creator": names[o.creator_id], "previous_level": o.previous_level, "level": o.level,
         "qualified_level": o.evaluation.qualified_level,
         "failed": o.evaluation.failed_above(o.ruled if stored else o.level)}
        for o in outcomes
    ]  # fmt: skip
    up, down = sum(o.level > o.previous_level for o in outcomes), sum(o.level < o.previous_level for o in outcomes)
    summary = {"assessed": len(outcomes), "up": up, "down": down, "same": len(outcomes) - up - down}
    return [*lines, {"summary": summary}]


@pytest.mark.parametrize("mode", ["upgrade", "monthly"])
def test_a_run_reports_what_the_python_path_reported(mode):
    for level in (0, 1, 2, 3, 4):
        creator_at_level(level, external_id=f"c-{level}")
    hold(Creator.objects.get(external_id="c-2"), 1)  # moves up
    hold(Creator.objects.get(external_id="c-4"), 0)  # moves up, from a level row at 0
    hold(Creator.objects.get(external_id="c-1"), 3)  # holds more than it qualifies for: stays
    held = creator_at_level(3, external_id="c-held")  # would move, but an override holds it at 2
    hold(held, 2)
    LevelOverride.objects.create(creator=held, level=2, previous_level=3, reason="测试", until=Month.of(DAY).key,
                                 set_at=AT - timedelta(days=2))  # fmt: skip
    dry = run("--dry-run", mode=mode)
    assert dry == python_lines(stored=False, mode=mode)
    moved = [line["creator"] for line in dry if line.get("level", 0) > line.get("previous_level", 0)]
    assert moved == ["c-2", "c-3", "c-4"]  # c-3: no level row, so from 0
    expected = python_lines(stored=True, mode=mode)
    assert run(mode=mode) == expected
    assert run(mode=mode) == expected  # the same run again prints its stored rows
    assert CreatorLevel.objects.get(creator__external_id="c-2").level == 2
    assert CreatorLevel.objects.get(creator=held).level == 2
    # Only the monthly assessment moves down: c-1 holds 3 and qualifies for 1.
    assert CreatorLevel.objects.get(creator__external_id="c-1").level == {"monthly": 1, "upgrade": 3}[mode]


def test_a_run_limited_to_some_creators_assesses_only_them():
    a, b = creator_at_level(2), creator_at_level(3)
    lines = run("--creator", b.external_id)
    assert [line.get("creator") for line in lines[:-1]] == [b.external_id]
    assert lines[-1] == {"summary": {"assessed": 1, "up": 1, "down": 0, "same": 0}}
    assert not CreatorLevel.objects.filter(creator=a).exists()


@pytest.mark.parametrize(
    "posts, plays, stored",
    [
        (8, 80_001, 10_000.12),  # 10,000.125: a tie, to the even hundredth
        (8, 80_003, 10_000.38),  # 10,000.375
        (16, 10, 0.62),  # 0.625
        (40, 107, 2.68),  # 2.675, which as a float lies below the tie
        (3, 2, 0.67),
        (0, 0, 0.0),
    ],
)
def test_a_mean_is_stored_as_the_python_path_stores_it(posts, plays, stored):
    creator = Creator.objects.create(external_id="c-mean", nickname="m")
    if posts:
        post(creator, posts - 1, at=DAY, plays=plays // posts)
        post(creator, 1, at=DAY, plays=plays - (posts - 1) * (plays // posts))
    rules = load_rules(DAY)
    python = to_json(level_metrics(measure_creator(creator, DAY, rules), rules))["avg_plays_30d"]
    run()
    sql = Assessment.objects.get(creator=creator).metrics["avg_plays_30d"]
    assert sql == python == stored


def test_blank_means_what_str_strip_removes():
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == WHITESPACE


def _rules_with(requirement: Requirement) -> Rules:
    seeded = load_rules(DAY)
    return Rules(seeded.rule_set_id, seeded.window_days, seeded.tasks_min_fans, seeded.large_creator_fans,
                 (requirement,))  # fmt: skip


@pytest.mark.parametrize(
    "requirement, message",
    [
        (Requirement(1, "posts_30d", "gte", None), "compares with 'gte' against None"),
        (Requirement(1, "posts_30d", "about", 3), "compares with 'about' against 3"),
        (Requirement(1, "posts_30d'; --", "gte", 3), "is not a code"),
        (Requirement(1, "views_30d", "gte", 3), "no metric for requirement codes ['views_30d']"),
    ],
)
def test_a_rule_the_sql_cannot_state_is_refused_by_name(requirement, message):
    creator = creator_at_level(1)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        chunk_preview(first_id=creator.pk, last_id=creator.pk, at=DAY, rules=_rules_with(requirement),
                      upward_only=True, with_failed=True)  # fmt: skip


def _movers(n: int) -> list[int]:
    """``n`` more creators, each one level short of what they qualify for."""
    ids = []
    for i in range(n):
        creator = creator_at_level(1 + i % 4)
        hold(creator, i % 4)
        ids.append(creator.pk)
    return ids


@pytest.mark.parametrize("mode", ["upgrade", "monthly"])
def test_deciding_a_chunk_takes_two_statements_whatever_its_size(mode):
    settings_statements = 2 if connection.vendor == "postgresql" else 0  # sort memory, no JIT
    rules = load_rules(WHEN[mode])
    for n in (3, 30):
        ids = _movers(n)
        job_run = JobRun.objects.create(job=JOB[mode], key=f"k{n}", period="p", at=WHEN[mode],
                                        started_at=timezone.now())  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assessed, movers = chunk_decide(run=job_run, first_id=ids[0], last_id=ids[-1], rules=rules)
        assert (assessed, len(movers)) == (n, n)
        assert len(captured) == settings_statements + 2  # store every row; read the movers
        with CaptureQueriesContext(connection) as captured:
            chunk_preview(first_id=ids[0], last_id=ids[-1], at=WHEN[mode], rules=rules,
                          upward_only=mode == "upgrade", with_failed=True)  # fmt: skip
        assert len([q for q in captured if q["sql"].startswith("SELECT")]) == 1


def _statements_for_one_chunk(n: int, mode: str) -> int:
    _movers(n)
    job_run, _ = jobs.run_claim(job=JOB[mode], key=f"q{n}", period="p", at=WHEN[mode])
    with CaptureQueriesContext(connection) as captured:
        jobs.chunk_process(job_run.chunks.get().pk)
    assert job_run.chunks.get().stats["up"] == n
    return len(captured)


@pytest.mark.parametrize("mode", ["upgrade", "monthly"])
def test_a_chunk_takes_the_same_number_of_statements_for_4_or_40_movers(settings, mode):
    settings.ASSESS_CHUNK_SIZE = 1000
    assert _statements_for_one_chunk(4, mode) == _statements_for_one_chunk(40, mode)


def test_deleting_a_run_or_a_creator_deletes_their_result_rows():
    """Result rows have no database-level foreign keys (``Assessment``): the ORM's cascade is what keeps them
    from outliving their run or their creator."""
    gone, kept = (Creator.objects.create(external_id=f"c-{n}", nickname=n) for n in ("gone", "kept"))
    runs = [
        JobRun.objects.create(job=JobRun.Job.ASSESS_UPGRADE, key=f"d{day}", period=f"d{day}", at=DAY,
                              started_at=timezone.now())
        for day in (1, 2)
    ]  # fmt: skip
    for job_run in runs:
        for creator in (gone, kept):
            Assessment.objects.create(run=job_run, creator=creator, previous_level=0, level=0)
    gone.delete()
    runs[0].delete()
    assert list(Assessment.objects.values_list("run_id", "creator_id")) == [(runs[1].pk, kept.pk)]
