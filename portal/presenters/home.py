"""首页: the level card, answer first, with the few requirements to act on next."""

from dataclasses import dataclass
from datetime import datetime

from creators.models import Creator

from .levels import Standing, hold_rows, standing_of, upgrade_rows
from .rows import Row

GAPS_SHOWN = 3


@dataclass(frozen=True)
class LevelCard:
    standing: Standing
    gaps: list[Row]  # the first unmet requirements: the held level's if at risk, else the next level's


def top_gaps(standing: Standing, n: int = GAPS_SHOWN) -> list[Row]:
    """The first unmet rows to show on the home card: the held level's if at risk, else the next's."""
    rows = hold_rows(standing) if standing.at_risk else upgrade_rows(standing)
    return [row for row in rows if not row.met][:n]


def level_card(*, creator: Creator, at: datetime) -> LevelCard:
    standing = standing_of(creator=creator, at=at)
    return LevelCard(standing=standing, gaps=top_gaps(standing))
