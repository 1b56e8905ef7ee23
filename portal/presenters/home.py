"""首页: the level card, answer first, with the few requirements to act on next."""

from dataclasses import dataclass
from datetime import datetime

from creators.models import Creator

from .levels import Standing, hold_requirements, standing_of, upgrade_requirements
from .rows import Row, rows_for

GAPS_SHOWN = 3


@dataclass(frozen=True)
class LevelCard:
    standing: Standing
    gaps: list[Row]  # the first unmet requirements: the held level's if at risk, else the next level's


def top_gaps(standing: Standing, n: int = GAPS_SHOWN) -> list[Row]:
    """The first unmet rows to show on the home card: the held level's if at risk, else the next's. Rows
    list the unmet first in rule order (``rows_for``), so only the first ``n`` unmet are drawn."""
    level, requirements = hold_requirements(standing) if standing.at_risk else upgrade_requirements(standing)
    if level is None:
        return []
    failing = standing.failed[level]
    unmet = [r for r in requirements if r.code in failing][:n]
    return rows_for(unmet, standing.metrics, failing, standing.rules)


def level_card(*, creator: Creator, at: datetime) -> LevelCard:
    standing = standing_of(creator=creator, at=at)
    return LevelCard(standing=standing, gaps=top_gaps(standing))
