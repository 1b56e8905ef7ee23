"""The single-creator path reads the creator's rows in one query, and the reward cycle counts from the
same rows (tests/levels/test_metrics_agree.py checks what it counts)."""

import pytest

from benefits.models import LevelPackage
from benefits.selectors import level_values
from levels.creator_rows import creator_rows
from levels.metrics import measure_creator, measure_creator_cycle
from levels.models import CreatorLevel
from levels.rules import load_rules
from levels.selectors import level_of
from tests.builders import AT, creator_at_level

pytestmark = pytest.mark.django_db


def test_one_creator_is_measured_in_one_query(django_assert_num_queries):
    creator = creator_at_level(3)
    rules = load_rules(AT)
    with django_assert_num_queries(1):
        rows = creator_rows(creator)
    with django_assert_num_queries(0):
        facts = measure_creator(creator, AT, rules, rows)
        cycle = measure_creator_cycle(creator, AT.replace(month=10), AT, rows)
    assert facts == measure_creator(creator, AT, rules)
    assert cycle == measure_creator_cycle(creator, AT.replace(month=10), AT)
    assert facts.posts > 0 and facts.orders > 0 and cycle.orders > 0


def test_the_rows_carry_the_level_held():
    creator = creator_at_level(2)
    assert creator_rows(creator).held == level_of(creator=creator) == 0  # no row yet
    CreatorLevel.objects.create(creator=creator, level=2, since=AT)
    assert creator_rows(creator).held == level_of(creator=creator) == 2


def test_the_rows_carry_the_levels_values_as_the_catalogue_has_them():
    creator = creator_at_level(1)
    assert creator_rows(creator).level_values == level_values() != {}
    LevelPackage.objects.filter(level=4).delete()
    LevelPackage.objects.filter(level=2).update(value_yuan=12_345)
    assert creator_rows(creator).level_values == level_values()
    assert 4 not in level_values() and level_values()[2] == 12_345
