"""The demo shapes its creators against the rule set the engine loads: the same bars, windows and fan
limits, and its "smallest passing value" agrees with the engine's comparison."""

import pytest

from demo import plan
from demo.clock import WINDOW
from demo.plan import BARS, METRIC_CODES, min_pass
from levels.models import Comparison
from levels.rules import compare, load_rules

pytestmark = pytest.mark.django_db


def test_the_demo_bars_are_the_active_rule_sets_requirements():
    rules = load_rules()
    loaded = {metric: {} for metric in METRIC_CODES}
    loaded["fans"][1] = (Comparison.GTE, rules.tasks_min_fans)  # the fans part of tasks_enabled
    metric_of = {code: metric for metric, code in METRIC_CODES.items()}
    for requirement in rules.requirements:
        if requirement.comparison != Comparison.REQUIRED:
            loaded[metric_of[requirement.code]][requirement.level] = (requirement.comparison, requirement.threshold)

    assert loaded == BARS


def test_the_demo_window_and_fan_limits_are_the_rule_sets():
    rules = load_rules()

    assert (WINDOW.days, plan.LARGE_CREATOR_FANS) == (rules.window_days, rules.large_creator_fans)


def test_the_smallest_passing_value_passes_and_the_one_below_fails():
    for metric, levels in BARS.items():
        for level, (comparison, threshold) in levels.items():
            value = min_pass(metric, level)
            assert compare(comparison, threshold, value), (metric, level)
            assert not compare(comparison, threshold, value - 1), (metric, level)
