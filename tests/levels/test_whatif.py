"""What-if simulations: the same decisions as a real monthly run, and nothing written but their row."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benefits.models import Entitlement
from creators.models import AssistantMessage
from levels.models import Assessment, CreatorLevel, LevelChange, RuleSet, Simulation
from levels.tasks import simulation_enqueue
from levels.versions import Changes
from levels.whatif import simulation_start
from lib.errors import ApplicationError
from tests.builders import AT, SHAPES, creator_at_level

pytestmark = pytest.mark.django_db(transaction=True)  # the task runs on commit, as on a worker


def base() -> RuleSet:
    return RuleSet.objects.get(effective_month="2000-01")


def simulate(changes: Changes | None = None, sample: list[int] | None = None) -> Simulation:
    ops = User.objects.get_or_create(username="ops")[0]
    simulation = simulation_start(
        base=base(), changes=changes or Changes(), at=AT, actor=ops, enqueue=simulation_enqueue, sample=sample
    )
    simulation.refresh_from_db()
    assert simulation.status == Simulation.Status.DONE, simulation.error
    return simulation


def level_of(simulation: Simulation, key: str) -> int:
    """The one creator's level in a single-creator simulation."""
    (level,) = [row["level"] for row in simulation.result["levels"] if row[key] == 1]
    return level


def written() -> dict:
    return {
        "assessments": Assessment.objects.count(),
        "changes": LevelChange.objects.count(),
        "entitlements": Entitlement.objects.count(),
        "messages": AssistantMessage.objects.count(),
        "levels": sorted(CreatorLevel.objects.values_list("creator_id", "level")),
    }


# A creator: the level whose data shape it gets, the level it holds (above or below what the rules
# decide: the monthly semantics move both ways), and noise on its figures around the level bars.
random_creator = st.tuples(
    st.integers(0, 4), st.integers(0, 4), st.floats(0.5, 1.5), st.floats(0.5, 1.5), st.integers(-3, 3)
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(random_creator, min_size=1, max_size=4))
def test_an_unchanged_draft_decides_as_the_monthly_run_creator_by_creator_and_writes_nothing(shapes):
    creators = []
    for shape_level, held, fans_scale, plays_scale, posts in shapes:
        shape = dict(SHAPES[shape_level])
        shape["fans"], shape["plays"] = int(shape["fans"] * fans_scale), int(shape["plays"] * plays_scale)
        shape["likes"], shape["posts"] = int(shape["likes"] * plays_scale), max(0, shape["posts"] + posts)
        creator = creator_at_level(shape_level, **shape)
        CreatorLevel.objects.update_or_create(creator=creator, defaults={"level": held, "since": AT})
        creators.append(creator)
    ids = [c.pk for c in creators]  # each example's creators are new: the sample keeps examples apart
    before = written()

    whole = simulate(sample=ids)
    singles = {pk: simulate(sample=[pk]) for pk in ids}

    assert written() == before
    only = [arg for c in creators for arg in ("--creator", c.external_id)]
    call_command("assess_levels", "--at", AT.isoformat(), *only, stdout=StringIO(), stderr=StringIO())
    real = dict(Assessment.objects.filter(run__at=AT, creator_id__in=ids).values_list("creator_id", "level"))
    assert sorted(real) == sorted(ids)
    for pk in ids:
        assert level_of(singles[pk], "draft") == real[pk]
        assert level_of(singles[pk], "base") == real[pk]
    assert {row["level"]: row["draft"] for row in whole.result["levels"]} == {
        lv: list(real.values()).count(lv) for lv in range(5)
    }
    assert whole.result["sample"] == [] and whole.done == whole.total == len(ids)


def test_raising_lv3_fans_moves_exactly_the_lv3_and_lv4_creators_below_the_new_bar():
    stay3 = creator_at_level(3, fans=560_000)
    drop3 = creator_at_level(3, fans=400_000)
    drop4 = creator_at_level(4, fans=520_000)
    stay4 = creator_at_level(4, fans=600_000)
    creator_at_level(2)

    simulation = simulate(Changes(thresholds={(3, "fans"): 550_000}))

    result = simulation.result
    assert {m["creator_id"]: (m["base"], m["draft"]) for m in result["sample"]} == {drop3.pk: (3, 2), drop4.pk: (4, 2)}
    assert result["matrix"][3][2] == 1 and result["matrix"][4][2] == 1
    assert result["matrix"][3][3] == 1 and result["matrix"][4][4] == 1
    by_level = {row["level"]: row for row in result["levels"]}
    assert (by_level[2]["base"], by_level[2]["draft"], by_level[2]["up"]) == (1, 3, 0)
    assert (by_level[3]["down"], by_level[4]["down"]) == (1, 1)
    deciding = {m["creator_id"]: m["deciding"] for m in result["sample"]}
    assert deciding[drop3.pk] == [{"code": "fans", "value": 400_000, "comparison": "gt", "threshold": 550_000}]
    # An LV4 creator drops because of LV3's bar, which is the one they are read against (not LV4's).
    assert deciding[drop4.pk] == [{"code": "fans", "value": 520_000, "comparison": "gt", "threshold": 550_000}]
    assert {"level": 3, "code": "fans", "creators": 3} in result["blockers"]  # with the LV2 one
    assert {stay3.pk, stay4.pk}.isdisjoint(deciding)
    cost = result["cost"]
    assert cost["draft"]["cards"] < cost["base"]["cards"]


@pytest.mark.parametrize(
    "changes",
    [
        Changes(thresholds={(3, "fans"): -1}),
        Changes(thresholds={(3, "fans"): "1"}),
        Changes(thresholds={(9, "fans"): 1}),
        Changes(thresholds={(1, "douyin_bound"): 1}),
        Changes(rewards={(3, "bogus"): 1}),
    ],
)
def test_invalid_thresholds_are_refused_and_record_nothing(changes):
    ops = User.objects.get_or_create(username="ops")[0]
    with pytest.raises(ApplicationError):
        simulation_start(base=base(), changes=changes, at=AT, actor=ops, enqueue=simulation_enqueue)
    assert not Simulation.objects.exists()
