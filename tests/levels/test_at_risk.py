"""Pre-downgrade warning: creators who would lose their level if the month ended now are told what
fails and how many days are left, once per distinct set of failing requirements."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from creators.models import AssistantMessage
from levels.models import CreatorLevel
from levels.rules import load_rules
from levels.selectors import creator_progress
from lib.periods import TZ
from tests.builders import creator_at_level, post

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
    assert "粉丝量 300,000 (要求 > 300,000)" in note.display_body
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
        assert note.display_title == "Keep your level: 1 LV3 requirements not met, 12 days left"
        assert "Followers 300,000 (required > 300,000)" in note.display_body
