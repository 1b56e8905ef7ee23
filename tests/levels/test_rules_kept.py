"""The rules of a version that has been in force are kept per process (its requirements can no longer
change): one query a page for the version in force, and a version published since, or one still open to
edits, is read from the database, never served from what the process kept."""

from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from levels.models import LevelRequirement, RuleSet
from levels.rules import load_rules, version_in_force
from levels.versions import Changes, rule_set_create_version
from lib.periods import TZ, Month

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 15, 12, 0, tzinfo=TZ)


@pytest.fixture
def now(monkeypatch) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def fans_bar(rules) -> int:
    return next(r.threshold for r in rules.requirements if r.code == "fans" and r.threshold)


def publish(month: Month, *, now: datetime, bar: int) -> RuleSet:
    base = version_in_force(now)
    level = next(r.level for r in load_rules(now).requirements if r.code == "fans" and r.threshold)
    return rule_set_create_version(
        base=base, changes=Changes(thresholds={(level, "fans"): bar}), effective_month=month.key,
        name=f"v {month.key}", note="raise the bar", actor=User.objects.get_or_create(username="ops")[0],
        request_id=f"r-{month.key}", now=now,
    )  # fmt: skip


def test_the_version_in_force_is_read_once_then_only_its_row(now, django_assert_num_queries):
    first = load_rules()
    with django_assert_num_queries(1):  # the version in force; its requirements are kept
        again = load_rules()
    assert again == first


def test_a_version_published_for_next_month_judges_that_month_and_this_one_keeps_its_own(now, monkeypatch):
    this_month = Month.of(now)
    before = fans_bar(load_rules())
    publish(this_month.next(), now=now, bar=before + 1)
    assert fans_bar(load_rules()) == before
    assert fans_bar(load_rules(this_month.next())) == before + 1
    later = datetime(2027, 4, 2, 9, 0, tzinfo=TZ)  # the new version's month has come
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert fans_bar(load_rules()) == before + 1
    assert fans_bar(load_rules()) == before + 1  # now kept, and still the new one's
    assert fans_bar(load_rules(this_month)) == before


def test_a_version_not_yet_in_force_is_read_afresh_while_it_may_still_change(now):
    month = Month.of(now).next()
    version = publish(month, now=now, bar=123)
    assert fans_bar(load_rules(month)) == 123
    LevelRequirement.objects.filter(rule_set=version, code="fans", threshold=123).update(threshold=456)
    assert fans_bar(load_rules(month)) == 456
