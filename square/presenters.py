"""What a card or a board row shows: labels and figures, in the reader's language. They decide nothing: the
order, the rank and the benefits held come from the selectors."""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from benefits.models import BenefitCode
from creators.models import Creator
from creators.vocabulary import industry_names
from lib.format import exact, figure

from .boards import Board
from .models import BoardEntry
from .selectors import held_codes

# The badge a card shows for each slot benefit the creator holds (the benefit's full name is its title).
BADGES = {
    BenefitCode.SQUARE_AD_SLOT_FIXED: _("固定广告位"),
    BenefitCode.SQUARE_AD_SLOT: _("广告位"),
    BenefitCode.SQUARE_DIAMOND_FIXED: _("固定钻展位"),
    BenefitCode.DIAMOND_SLOT: _("钻展位"),
}
IDENTITY_TAG = _("星图认证达人")  # the 达人专享身份标签 as clients read it
INTRO_MAX = 60  # characters of the intro's first line a card shows


@dataclass(frozen=True)
class CreatorCard:
    creator: Creator
    level: int
    identity: bool  # holds the identity tag
    badges: list[str]
    industries: str
    fans: str
    fans_exact: str
    posts_30d: int
    intro: str
    is_me: bool
    in_ad_slot: bool


def first_line(text: str, limit: int = INTRO_MAX) -> str:
    """The intro's first non-empty line, cut to ``limit`` characters with an ellipsis."""
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def creator_card(creator: Creator, *, me: int | None, in_ad_slot: bool = False) -> CreatorCard:
    """A card from a row of ``square.selectors.creators_scored``."""
    held = held_codes(creator)
    return CreatorCard(
        creator=creator,
        level=creator.level,
        identity=BenefitCode.IDENTITY_TAG in held,
        badges=[str(label) for code, label in BADGES.items() if code in held],
        industries=industry_names(creator.industries or []),
        fans=figure(creator.fans),
        fans_exact=exact(creator.fans),
        posts_30d=creator.posts_30d,
        intro=first_line(creator.intro),
        is_me=creator.pk == me,
        in_ad_slot=in_ad_slot,
    )


@dataclass(frozen=True)
class BoardRow:
    rank: int
    creator: Creator
    level: int
    priority: bool  # holds leaderboard_priority: the reason it comes first
    figure_label: str  # why it ranks: 综合指数 / 昨日播放
    figure: str  # 78.2 / +3.1万
    figure_title: str  # the exact figure
    posts_30d: int
    is_me: bool


def board_row(row: BoardEntry, *, me: int | None) -> BoardRow:
    """A kept board row (``square.boards.board_rows``) as the page shows it."""
    if row.board == Board.DAILY:
        growth = int(row.figure)
        label, text, title = gettext("昨日播放"), f"+{figure(growth)}", exact(growth)
    else:
        label, text, title = gettext("综合指数"), f"{row.figure:.1f}", f"{row.figure:.2f}"
    return BoardRow(
        rank=row.rank,
        creator=row.creator,
        level=row.level,
        priority=row.priority,
        figure_label=label,
        figure=text,
        figure_title=title,
        posts_30d=row.posts_30d,
        is_me=row.creator_id == me,
    )
