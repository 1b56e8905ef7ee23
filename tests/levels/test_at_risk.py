"""Pre-downgrade warning: creators who would lose their level if the month ended now are told what
fails and how many days are left, once per distinct set of failing requirements and at most once a
local day, measured and dated when the warning is sent."""

import json
from datetime import datetime, timedelta
from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from creators.models import AssistantMessage
from levels import jobs, schedule, tasks
from levels.models import CreatorLevel, JobRun
from levels.rules import load_rules
from levels.selectors import creator_progress
from lib.periods import TZ, local_date
from tests.builders import creator_at_level, post

Job = JobRun.Job

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 20, 9, 0, tzinfo=TZ)  # 11 days and 15 hours before 2027-01-01


def holding(level: int, *, shape_level: int, **shape):
    creator = creator_at_level(shape_level, at=NOW, **shape)
    CreatorLevel.objects.create(creator=creator, level=level, since=NOW - timedelta(days=19))
    return creator


def warn(at=NOW) -> dict:
    out = StringIO()
    call_command("warn_at_risk", "--at", at.isoformat(), stdout=out, stderr=StringIO())
    return json.loads(out.getvalue().splitlines()[-1])


def test_warns_with_failing_requirements_and_days_left():
    creator = holding(3, shape_level=3, fans=300_000)
    safe = holding(2, shape_level=2)
    summary = warn()
    assert (summary["assessed"], summary["at_risk"]) == (2, 1)
    note = AssistantMessage.objects.get(creator=creator, kind="at_risk")
    assert "剩 12 天" in note.display_title
    # On the bar itself (> is strict), so the figures are exact: "30万 (要求 > 30万)" would hide why it fails.
    assert "粉丝量 300,000 （要求 > 300,000）" in note.display_body
    assert not AssistantMessage.objects.filter(creator=safe).exists()


def test_same_failures_warn_once_a_month_and_new_failures_warn_again():
    creator = holding(3, shape_level=3, fans=300_000)
    warn()
    warn(NOW + timedelta(days=1))
    assert AssistantMessage.objects.filter(creator=creator, kind="at_risk").count() == 1
    creator.contents.update(likes=0)  # now likes fail too
    warn(NOW + timedelta(days=2))
    assert AssistantMessage.objects.filter(creator=creator, kind="at_risk").count() == 2


def test_warning_changes_no_level():
    creator = holding(3, shape_level=1)
    warn()
    assert CreatorLevel.objects.get(creator=creator).level == 3


def test_progress_shows_the_same_at_risk_state():
    rules = load_rules()
    at_risk = holding(3, shape_level=3, fans=300_000)
    progress = creator_progress(creator=at_risk, at=NOW, rules=rules)
    assert (progress.level, progress.evaluation.qualified_level, progress.at_risk) == (3, 2, True)
    assert progress.days_left == 12
    fine = holding(2, shape_level=2)
    post(fine, 1, at=NOW, plays=50_000)
    assert creator_progress(creator=fine, at=NOW, rules=rules).at_risk is False


def test_an_english_reader_reads_the_warning_in_english():
    creator = holding(3, shape_level=3, fans=300_000)
    warn()
    note = AssistantMessage.objects.get(creator=creator, kind="at_risk")
    with translation.override("en"):
        assert note.display_title == "Keep your level: 1 LV3 requirement not met · 12 d left"
        assert "Followers 300,000 (required > 300,000)" in note.display_body


# --- one truth: sent when computed, dated then, at most once a local day ------------------------------

TICK = datetime(2026, 12, 29, 9, 0, tzinfo=TZ)  # the 09:00 run beat missed
LATE = datetime(2026, 12, 30, 0, 30, tzinfo=TZ)  # the reconciler's next round, past midnight
WARNINGS = {"kind": "at_risk"}


def slipping(at: datetime = LATE):
    """Holds LV3 with 18 posts in the window at ``LATE`` (LV3 needs ≥ 20), and a 19th that is still in
    the window at 09:00 on the 29th but has left it by ``LATE``: a warning measured at the missed tick
    would say 19 and 3 days, the pages at ``LATE`` say 18 and 2 days."""
    creator = holding(3, shape_level=3, posts=18)
    post(creator, 1, at=at, plays=60_000, likes=1_000, published_at=TICK - timedelta(days=30) + timedelta(hours=3))
    return creator


def warnings_of(creator) -> list[AssistantMessage]:
    return list(AssistantMessage.objects.filter(creator=creator, **WARNINGS).order_by("created_at", "id"))


def test_a_warning_the_reconciler_catches_up_is_measured_and_dated_when_it_is_sent():
    creator = slipping()
    actions = jobs.reconcile(now=LATE)
    assert {"job": Job.WARN_AT_RISK, "period": "2026-12-29", "action": "started"} in actions
    [note] = warnings_of(creator)
    assert note.created_at == LATE  # not backdated to the missed 09:00
    progress = creator_progress(creator=creator, at=LATE, rules=load_rules())
    assert (progress.days_left, progress.risk.count) == (2, 1)
    assert note.params["days_left"] == progress.days_left
    assert note.params["failures"] == list(progress.risk.failures)
    assert note.params["failures"][0]["value"] == 18
    assert "剩 2 天" in note.display_title
    # Measured at the missed tick, the same creator reads otherwise: the catch-up must not be.
    at_tick = creator_progress(creator=creator, at=TICK, rules=load_rules())
    assert (at_tick.days_left, at_tick.risk.failures[0]["value"]) == (3, 19)


def test_beat_measures_the_warning_when_it_fires(django_capture_on_commit_callbacks):
    creator = holding(3, shape_level=3, fans=300_000)
    fired = NOW + timedelta(seconds=7)
    with patch.object(timezone, "now", lambda: fired), django_capture_on_commit_callbacks(execute=True):
        tasks.job_due.apply(args=[Job.WARN_AT_RISK])
    run = JobRun.objects.get(job=Job.WARN_AT_RISK)
    assert (run.period, run.at) == ("2026-12-20", fired)
    assert warnings_of(creator)[0].created_at == fired


def test_a_second_warning_the_same_local_day_is_not_sent():
    creator = slipping()
    jobs.reconcile(now=LATE)  # the 29th's missed run, sent at 00:30 on the 30th
    creator.contents.update(likes=0)  # now likes fail too: a new set of failures
    # Beat's own run of the 30th, and an operator's run later that day: the day already had its warning.
    jobs.trigger(Job.WARN_AT_RISK, due=schedule.due_now(Job.WARN_AT_RISK, LATE.replace(hour=9)))
    warn(LATE.replace(hour=20))
    assert Job.WARN_AT_RISK not in {a["job"] for a in jobs.reconcile(now=LATE.replace(hour=21))}
    assert len(warnings_of(creator)) == 1
    warn(LATE + timedelta(days=1))  # the 31st: the changed failures are news
    assert [local_date(n.created_at).day for n in warnings_of(creator)] == [30, 31]
    assert warnings_of(creator)[1].params["count"] == 2


@pytest.mark.parametrize(
    ("first", "second", "sent"),
    [
        # 23:59:59 and 00:00 local are two days, although both fall on the same UTC date (the 20th).
        (datetime(2026, 12, 20, 23, 59, 59, tzinfo=TZ), datetime(2026, 12, 21, 0, 0, tzinfo=TZ), 2),
        # 00:00 and 23:59 local are one day, although they fall on two UTC dates (the 19th and 20th).
        (datetime(2026, 12, 20, 0, 0, tzinfo=TZ), datetime(2026, 12, 20, 23, 59, tzinfo=TZ), 1),
    ],
)
def test_the_day_of_the_cap_is_the_local_day(first, second, sent):
    creator = holding(3, shape_level=3, fans=300_000)
    warn(first)
    creator.contents.update(likes=0)  # a new set of failures, so only the day can hold it back
    warn(second)
    assert len(warnings_of(creator)) == sent


def test_a_run_limited_to_some_creators_does_not_stand_in_for_the_days_run():
    creator = holding(3, shape_level=3, fans=300_000)
    other = holding(3, shape_level=3, fans=300_000)
    call_command("warn_at_risk", "--at", NOW.isoformat(), "--creator", other.external_id,
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip
    jobs.reconcile(now=NOW + timedelta(hours=1, minutes=30))  # beat missed 09:00
    assert len(warnings_of(creator)) == 1 and len(warnings_of(other)) == 1
