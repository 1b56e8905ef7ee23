"""What-if simulations: the same decisions as a real monthly run, and nothing written but their row."""

import random
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

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


def test_an_unchanged_draft_decides_as_the_monthly_run_creator_by_creator_and_writes_nothing():
    rng = random.Random(20261201)
    creators = []
    for _ in range(8):  # random shapes around the level bars: each level's shape with noise
        shape = dict(SHAPES[rng.randint(0, 4)])
        for key in ("fans", "plays", "likes"):
            shape[key] = int(shape[key] * rng.uniform(0.5, 1.5))
        shape["posts"] = max(0, shape["posts"] + rng.randint(-3, 3))
        creators.append(creator_at_level(rng.randint(0, 4), **shape))
    # Held levels at random, above and below what the rules decide: the monthly semantics move both ways.
    CreatorLevel.objects.bulk_create(CreatorLevel(creator=c, level=rng.randint(0, 4), since=AT) for c in creators)
    before = written()

    whole = simulate()
    singles = {c.pk: simulate(sample=[c.pk]) for c in creators}

    assert written() == before
    call_command("assess_levels", "--at", AT.isoformat(), stdout=StringIO(), stderr=StringIO())
    real = dict(Assessment.objects.filter(run__at=AT).values_list("creator_id", "level"))
    for creator in creators:
        assert level_of(singles[creator.pk], "draft") == real[creator.pk]
        assert level_of(singles[creator.pk], "base") == real[creator.pk]
    assert {row["level"]: row["draft"] for row in whole.result["levels"]} == {
        lv: list(real.values()).count(lv) for lv in range(5)
    }
    assert whole.result["sample"] == [] and whole.done == whole.total == len(creators)


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
