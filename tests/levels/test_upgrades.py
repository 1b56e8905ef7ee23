"""The daily upgrade check decided in SQL (levels/upgrades.py): it reports exactly what the Python path
reported (interfaces §2), stores means as ``to_json`` does, and costs a fixed number of statements a chunk.
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
from levels.evaluation import to_json
from levels.metrics import WHITESPACE, level_metrics, measure_creator
from levels.models import Assessment, CreatorLevel, JobRun, LevelOverride
from levels.rules import Requirement, Rules, load_rules
from levels.services import evaluate_levels_chunk
from levels.upgrades import upgrade_check_chunk, upgrade_check_preview
from lib.periods import Month
from tests.builders import AT, creator_at_level, post

pytestmark = pytest.mark.django_db
DAY = AT + timedelta(days=3, hours=2)  # the 04:00 check three days after the monthly assessment


def run(*args: str) -> list[dict]:
    out = StringIO()
    call_command("assess_levels", "--at", DAY.isoformat(), "--mode", "upgrade", "--json", *args, stdout=out,
                 stderr=StringIO())  # fmt: skip
    return [json.loads(line) for line in out.getvalue().splitlines()]


def hold(creator: Creator, level: int) -> None:
    CreatorLevel.objects.update_or_create(creator=creator, defaults={"level": level, "since": AT - timedelta(days=40)})


def python_lines(*, stored: bool) -> list[dict]:
    """What the Python path (``evaluate_levels_chunk`` with ``upgrade_only``) reported: ``failed`` above
    the level held after the run (``--dry-run``), or above the level the rules decide (a run's stored rows)."""
    creators = Creator.objects.order_by("pk")
    first, last = creators.first().pk, creators.last().pk
    outcomes = evaluate_levels_chunk(first_id=first, last_id=last, at=DAY, rules=load_rules(DAY), upgrade_only=True)
    names = dict(creators.values_list("pk", "external_id"))
    lines = [
        {"creator": names[o.creator_id], "previous_level": o.previous_level, "level": o.level,
         "qualified_level": o.evaluation.qualified_level,
         "failed": o.evaluation.failed_above(o.ruled if stored else o.level)}
        for o in outcomes
    ]  # fmt: skip
    up = sum(o.level > o.previous_level for o in outcomes)
    return [*lines, {"summary": {"assessed": len(outcomes), "up": up, "down": 0, "same": len(outcomes) - up}}]


def test_the_check_reports_what_the_python_path_reported():
    for level in (0, 1, 2, 3, 4):
        creator_at_level(level, external_id=f"c-{level}")
    hold(Creator.objects.get(external_id="c-2"), 1)  # moves up
    hold(Creator.objects.get(external_id="c-4"), 0)  # moves up, from a level row at 0
    hold(Creator.objects.get(external_id="c-1"), 3)  # holds more than it qualifies for: stays
    held = creator_at_level(3, external_id="c-held")  # would move, but an override holds it at 2
    hold(held, 2)
    LevelOverride.objects.create(creator=held, level=2, previous_level=3, reason="测试", until=Month.of(DAY).key,
                                 set_at=AT - timedelta(days=2))  # fmt: skip
    dry = run("--dry-run")
    assert dry == python_lines(stored=False)
    moved = [line["creator"] for line in dry if line.get("level", 0) > line.get("previous_level", 0)]
    assert moved == ["c-2", "c-3", "c-4"]  # c-3: no level row, so from 0
    expected = python_lines(stored=True)
    assert run() == expected
    assert run() == expected  # the same run again prints its stored rows
    assert CreatorLevel.objects.get(creator__external_id="c-2").level == 2
    assert CreatorLevel.objects.get(creator=held).level == 2


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
        upgrade_check_preview(first_id=creator.pk, last_id=creator.pk, at=DAY, rules=_rules_with(requirement),
                              with_failed=True)  # fmt: skip


def _movers(n: int) -> list[int]:
    """``n`` more creators, each one level short of what they qualify for."""
    ids = []
    for i in range(n):
        creator = creator_at_level(1 + i % 4)
        hold(creator, i % 4)
        ids.append(creator.pk)
    return ids


def test_deciding_a_chunk_takes_two_statements_whatever_its_size():
    settings_statements = 2 if connection.vendor == "postgresql" else 0  # sort memory, no JIT
    rules = load_rules(DAY)
    for n in (3, 30):
        ids = _movers(n)
        job_run = JobRun.objects.create(job=JobRun.Job.ASSESS_UPGRADE, key=f"k{n}", period="p", at=DAY,
                                        started_at=timezone.now())  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assessed, movers = upgrade_check_chunk(run=job_run, first_id=ids[0], last_id=ids[-1], rules=rules)
        assert (assessed, len(movers)) == (n, n)
        assert len(captured) == settings_statements + 2  # store every row; read the movers
        with CaptureQueriesContext(connection) as captured:
            upgrade_check_preview(first_id=ids[0], last_id=ids[-1], at=DAY, rules=rules, with_failed=True)
        assert len([q for q in captured if q["sql"].startswith("SELECT")]) == 1


def _statements_for_one_chunk(n: int) -> int:
    _movers(n)
    job_run, _ = jobs.run_claim(job=JobRun.Job.ASSESS_UPGRADE, key=f"q{n}", period="p", at=DAY)
    with CaptureQueriesContext(connection) as captured:
        jobs.chunk_process(job_run.chunks.get().pk)
    assert job_run.chunks.get().stats["up"] == n
    return len(captured)


def test_a_check_chunk_takes_the_same_number_of_statements_for_4_or_40_movers(settings):
    settings.ASSESS_CHUNK_SIZE = 1000
    assert _statements_for_one_chunk(4) == _statements_for_one_chunk(40)
