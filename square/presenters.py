"""What a card or a board row shows: labels and figures, in the reader's language. They decide nothing: the
order, the rank and the benefits held come from the selectors."""

from dataclasses import dataclass
from functools import cache, lru_cache

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from benefits.models import BenefitCode
from creators.models import Creator
from creators.vocabulary import industry_names
from lib.format import exact, figure
from lib.markup import escaped

from .boards import Board
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
class Words:
    """The words every card or board row repeats, in one language, escaped."""

    no_level: str
    me: str
    identity_title: str
    identity: str
    slot: str
    fans: str
    posts: str
    priority: str
    composite: str
    growth: str
    badges: dict[str, str]  # not escaped: ``CreatorCard.badges`` holds text


@cache
def _words(language: str | None) -> Words:
    e = escaped
    return Words(
        no_level=e(gettext("暂无等级")),
        me=e(gettext("这是你")),
        identity_title=e(gettext("达人专享身份标签")),
        identity=e(IDENTITY_TAG),
        slot=e(pgettext("square position", "广告位")),
        fans=e(gettext("粉丝")),
        posts=e(gettext("近30天发布")),
        priority=e(gettext("榜单优先权益")),
        composite=gettext("综合指数"),
        growth=gettext("昨日播放"),
        badges={code: str(label) for code, label in BADGES.items()},
    )


def words() -> Words:
    """``Words`` in the active language, translated once per process: a first page of cards asked gettext
    for them some 150 times, a board 100 (a few µs each)."""
    return _words(get_language())


@lru_cache(maxsize=1024)
def _industries(language: str | None, values: tuple[str, ...]) -> str:
    return industry_names(values)


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
        badges=[label for code, label in words().badges.items() if code in held],
        industries=_industries(get_language(), tuple(creator.industries or ())),  # the same few lists, page after page
        fans=figure(creator.fans),
        fans_exact=exact(creator.fans),
        posts_30d=creator.posts_30d,
        intro=first_line(creator.intro),
        is_me=creator.pk == me,
        in_ad_slot=in_ad_slot,
    )


def card_item(c: CreatorCard) -> SafeString:
    """``c`` as the square draws it: one ``<li>`` (level, identity tag, slot badges, intro, fans, recent
    activity), written here rather than by a template partial per card (23 on a first page). Every value
    escaped as autoescape does; tests/square/test_card_item.py compares it with the partial it replaced."""
    e, w = escaped, words()
    level = c.level
    me = c.is_me
    classes = (" is-me" if me else "") + (" is-ad" if c.in_ad_slot else "")
    me_id = ' id="me"' if me else ""
    slot = f'<span class="cc-slot">{w.slot}</span>' if c.in_ad_slot else ""
    badge = (
        f'<span class="badge lv-{level}">LV{level}</span>' if level else f'<span class="badge lv-0">{w.no_level}</span>'
    )
    pill = f'<span class="pill pill-me">{w.me}</span>' if me else ""
    tags = ""
    if c.identity or c.badges:
        identity = (
            f'<span class="tag tag-identity" title="{w.identity_title}">✓ {w.identity}</span>' if c.identity else ""
        )
        slots = "".join(f'<span class="tag tag-slot">{e(b)}</span>' for b in c.badges)
        tags = f'\n  <p class="cc-tags">\n    {identity}\n    {slots}\n  </p>\n  '
    intro = f'<p class="cc-intro">{e(c.intro)}</p>' if c.intro else ""
    posts = ngettext("%(n)s 条", "%(n)s 条", c.posts_30d) % {"n": c.posts_30d}
    region = c.creator.region
    meta = ""
    if c.industries or region:
        between = " · " if c.industries and region else ""
        meta = f'<p class="cc-meta">{e(c.industries)}{between}{e(region)}</p>'
    return mark_safe(  # every value escaped above
        f'\n<li class="cc card lv-{level}{classes}"{me_id}>\n'
        f"  {slot}\n"
        f'  <div class="cc-head">\n    {badge}\n'
        f'    <h3 class="cc-name">{e(c.creator.nickname)}</h3>\n    {pill}\n  </div>\n'
        f"  {tags}\n  {intro}\n"
        f'  <dl class="cc-stats">\n'
        f'    <div><dt>{w.fans}</dt><dd class="num" title="{e(c.fans_exact)}">{e(c.fans)}</dd></div>\n'
        f'    <div><dt>{w.posts}</dt><dd class="num">{posts}</dd></div>\n'
        f"  </dl>\n  {meta}\n</li>\n"
    )


@dataclass(frozen=True)
class BoardRow:
    rank: int
    creator_id: int
    nickname: str
    level: int
    priority: bool  # holds leaderboard_priority: the reason it comes first
    figure_label: str  # why it ranks: 综合指数 / 昨日播放
    figure: str  # 78.2 / +3.1万
    figure_title: str  # the exact figure
    posts_30d: int
    is_me: bool


def board_row(row, *, me: int | None) -> BoardRow:
    """A kept board row (``square.boards.board_rows``) as the page shows it."""
    if row.board == Board.DAILY:
        growth = int(row.figure)
        label, text, title = words().growth, f"+{figure(growth)}", exact(growth)
    else:
        label, text, title = words().composite, f"{row.figure:.1f}", f"{row.figure:.2f}"
    return BoardRow(
        rank=row.rank,
        creator_id=row.creator_id,
        nickname=row.creator__nickname,
        level=row.level,
        priority=row.priority,
        figure_label=label,
        figure=text,
        figure_title=title,
        posts_30d=row.posts_30d,
        is_me=row.creator_id == me,
    )


def board_item(row: BoardRow) -> str:
    """``row`` as a board draws it: one ``<li>`` (rank, level, nickname, priority, recent activity, the
    figure it ranks by), written here rather than by the template per row (50 a board: most of the page's
    time). Every value escaped as autoescape does; tests/square/test_board_item.py compares it with the
    template's loop body it replaced."""
    e, w = escaped, words()
    me = row.is_me
    level = row.level
    badge = (
        f'<span class="badge lv-{level}">LV{level}</span>' if level else f'<span class="badge lv-0">{w.no_level}</span>'
    )
    pill = f'<span class="pill pill-me">{w.me}</span>' if me else ""
    classes, me_id = (" is-me", ' id="me"') if me else ("", "")
    top = " is-top" if row.rank <= 3 else ""
    priority = f'<span class="pill pill-auto">{w.priority}</span>' if row.priority else ""
    posts = ngettext("近30天发布 %(n)s 条", "近30天发布 %(n)s 条", row.posts_30d) % {"n": row.posts_30d}
    return (
        f'\n      <li class="board-row{classes}"{me_id}>\n'
        f'        <span class="board-rank num{top}">{row.rank}</span>\n'
        f'        <span class="board-main">\n'
        f'          <span class="board-name">\n'
        f"            {badge}\n"
        f'            <span class="board-nick">{e(row.nickname)}</span>\n'
        f"            {pill}\n"
        f"          </span>\n"
        f'          <span class="board-why">\n'
        f"            {priority}\n"
        f"            <span>{posts}</span>\n"
        f"          </span>\n"
        f"        </span>\n"
        f'        <span class="board-figure"><span class="board-figure-label">{e(row.figure_label)}</span> '
        f'<span class="num" title="{e(row.figure_title)}">{e(row.figure)}</span></span>\n'
        f"      </li>\n      "
    )


def board_items(rows: list[BoardRow]) -> SafeString:
    """A board's rows, drawn by ``board_item``, as one piece of HTML."""
    return mark_safe("".join(map(board_item, rows)))  # every value escaped by board_item
