"""我的权益: the level's benefits with the state a creator reads, the guarantee-card wallet, this period's
extra dispatches, and what the next level (or the next reward) would give. Built with a fixed number
of queries, whatever the number of benefits, cards or rows."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext, gettext_lazy

from benefits import selectors as benefit_selectors
from benefits.card_selectors import EXPIRING_SOON_DAYS
from benefits.models import (
    BenefitCode,
    BenefitKind,
    CardStatus,
    Delivery,
    Entitlement,
    EntitlementStatus,
    FeaturedCase,
    GuaranteeCard,
    LevelBenefit,
)
from creators.models import Creator
from lib.periods import Cycle, Month, days_left, days_left_change, local

from .levels import Standing, standing_of

# Every state word the page shows, for a benefit (docs/ui.md "State words") and for a guarantee card (its
# status): the ledger's own labels, plus 系统自动派发 for level benefits delivered without a claim.
STATE_WORDS = {
    "claimable": EntitlementStatus.AVAILABLE.label,
    "claimed": EntitlementStatus.CLAIMED.label,
    "pending": EntitlementStatus.PENDING.label,
    "auto": gettext_lazy("系统自动派发"),
    "issued": EntitlementStatus.DELIVERED.label,
    "lapsed": EntitlementStatus.LAPSED.label,
    **{status.value: status.label for status in CardStatus},
}
STATE_ORDER = {"claimable": 0, "pending": 1, "claimed": 2, "issued": 3, "auto": 4, "lapsed": 5}

# Where clients see a benefit delivered automatically (docs/program.md §5): the creator's own card on the
# square (tag and slot badges; ``?page=me`` opens the page that shows it) or the leaderboards.
_ON_SQUARE = ("square", "?page=me#me", gettext_lazy("在达人广场查看"))
SHOWN_AT = {
    **dict.fromkeys(
        (BenefitCode.IDENTITY_TAG, BenefitCode.SQUARE_DIAMOND_FIXED, BenefitCode.SQUARE_AD_SLOT,
         BenefitCode.SQUARE_AD_SLOT_FIXED, BenefitCode.DIAMOND_SLOT),
        _ON_SQUARE,
    ),
    BenefitCode.LEADERBOARD_PRIORITY: ("leaderboards", "", gettext_lazy("查看榜单")),
}  # fmt: skip


@lru_cache(maxsize=16)
def _url(url_name: str, prefix: str) -> str:
    """``reverse(url_name)`` once per process and URL prefix (a row's link; reversing costs more than drawing)."""
    return reverse(url_name)


def benefit_state(entitlement: Entitlement) -> str:
    """The state a creator reads (docs/ui.md "State words"): delivered auto benefits of the level are
    系统自动派发; delivered cards, dispatches and recommendations are 已发放."""
    status = entitlement.status
    if status == EntitlementStatus.AVAILABLE:
        return "claimable"
    if status == EntitlementStatus.CLAIMED:
        return "claimed"
    if status == EntitlementStatus.PENDING:
        return "pending"
    if status == EntitlementStatus.LAPSED:
        return "lapsed"
    if entitlement.benefit.delivery == Delivery.AUTO and entitlement.period == "":
        return "auto"
    return "issued"


@dataclass(frozen=True)
class BenefitRow:
    entitlement: Entitlement
    state: str
    value_note: str
    current_period: bool  # the month's or the reward cycle's; False for what is owed from earlier

    @property
    def id(self) -> int:
        return self.entitlement.pk

    @property
    def benefit(self):
        return self.entitlement.benefit

    @property
    def word(self) -> str:
        return str(STATE_WORDS[self.state])

    @property
    def period_tag(self) -> str:
        """The period a row belongs to, where the header's would mislead: a reward row names the cycle it
        was earned in ("2026Q3 达成"; the header shows the cycle in progress), and a row still owed from
        an earlier period says it is carried over ("2026-11 结转")."""
        period = self.entitlement.period
        if self.entitlement.kind == BenefitKind.REWARD:
            if self.current_period:
                return gettext("%(cycle)s 达成") % {"cycle": period}
            return gettext("%(cycle)s 达成 · 结转") % {"cycle": period}
        return "" if self.current_period else gettext("%(period)s 结转") % {"period": period}

    @property
    def counted(self) -> bool:
        """Owed units a person delivers one by one show as delivered/quantity ("0/3")."""
        benefit = self.entitlement.benefit
        return benefit.delivery == Delivery.OPERATOR or benefit.dou_plus_per_missing is not None

    @property
    def is_card(self) -> bool:
        return self.entitlement.benefit.unit_amount is not None

    @property
    def is_dispatch(self) -> bool:
        return self.entitlement.benefit.dou_plus_per_missing is not None

    @property
    def is_case(self) -> bool:
        return self.entitlement.benefit.code == BenefitCode.FEATURED_CASE

    @property
    def shown_at(self) -> tuple[str, str] | None:
        """(link, label) to where clients see this benefit, for one delivered automatically; else None."""
        where = SHOWN_AT.get(self.entitlement.benefit.code)
        if where is None or self.state != "auto":
            return None
        url_name, suffix, label = where
        return _url(url_name, get_script_prefix()) + suffix, str(label)

    @property
    def case(self) -> FeaturedCase | None:
        """The latest case submitted under this entitlement (read with it, ``benefits.selectors``)."""
        return self.entitlement.latest_case


def benefit_row(entitlement: Entitlement, *, notes: dict, current: set[str]) -> BenefitRow:
    return BenefitRow(
        entitlement=entitlement,
        state=benefit_state(entitlement),
        value_note=notes.get((entitlement.level, entitlement.benefit_id, entitlement.kind), ""),
        current_period=entitlement.period in current,
    )


def _notes(catalogue: list[LevelBenefit]) -> dict:
    return {(r.level, r.benefit_id, r.kind): r.display_value_note for r in catalogue if r.value_note}


def benefit_row_of(*, creator: Creator, entitlement_id: int, at: datetime) -> BenefitRow:
    """One row of 我的权益 after an action on it (DoesNotExist for another creator's id)."""
    entitlement = benefit_selectors.entitlement_of(creator=creator, entitlement_id=entitlement_id)
    notes = _notes(benefit_selectors.catalogue_rows())
    return benefit_row(entitlement, notes=notes, current=_current_keys(at))


def _current_keys(at: datetime) -> set[str]:
    return {"", Month.of(at).key, Cycle.of(at).previous().key}


@dataclass(frozen=True)
class Offered:
    """A catalogue line shown greyed: what the next level (or the next reward) would give."""

    name: str
    quantity: int
    value_note: str
    new: bool  # not part of the current level's set
    more: bool  # part of it, with a larger quantity or a higher value

    @property
    def highlight(self) -> bool:
        return self.new or self.more


@dataclass(frozen=True)
class Card:
    card: GuaranteeCard
    days_left: int | None  # active cards only

    @property
    def word(self) -> str:
        return str(STATE_WORDS[self.card.status])

    @property
    def soon(self) -> bool:
        return self.days_left is not None and self.days_left <= EXPIRING_SOON_DAYS

    @property
    def source_note(self) -> str:
        """Why an operator issued this card ("运营发放:活动补偿"); empty for a level or reward grant."""
        if self.card.issue_id is None:
            return ""
        return gettext("运营发放：%(reason)s") % {"reason": self.card.issue.reason}


@dataclass(frozen=True)
class CardGroup:
    cards: list[Card]

    @property
    def first(self) -> Card:
        return self.cards[0]

    @property
    def count(self) -> int:
        return len(self.cards)


@dataclass(frozen=True)
class Wallet:
    cards: list[Card]

    @property
    def active(self) -> list[Card]:
        return [c for c in self.cards if c.card.status == CardStatus.ACTIVE]

    @property
    def active_groups(self) -> list["CardGroup"]:
        """Active cards issued together expire together: one line per expiry day and amount (and manual
        issue, whose reason the line shows), with ×N."""
        groups: dict[tuple, list[Card]] = {}
        for card in self.active:
            key = (local(card.card.expires_at).date(), card.card.amount, card.card.issue_id)
            groups.setdefault(key, []).append(card)
        return [CardGroup(cards) for cards in groups.values()]

    @property
    def history(self) -> list[Card]:
        return [c for c in self.cards if c.card.status != CardStatus.ACTIVE]

    @property
    def nearest(self) -> datetime | None:
        active = self.active
        return local(active[0].card.expires_at) if active else None

    @property
    def active_value(self):
        return sum((c.card.amount for c in self.active), 0)


@dataclass(frozen=True)
class Dispatch:
    """This period's 优质投稿任务额外派发: quota, dispatched so far, DOU+ compensation so far."""

    row: BenefitRow | None
    dou_plus: int

    @property
    def quota(self) -> int:
        return self.row.entitlement.quantity if self.row else 0

    @property
    def dispatched(self) -> int:
        return self.row.entitlement.delivered if self.row else 0

    @property
    def missing(self) -> int:
        return max(0, self.quota - self.dispatched)

    @property
    def pct(self) -> int:
        return min(100, self.dispatched * 100 // self.quota) if self.quota else 0

    @property
    def per_missing(self) -> int:
        return (self.row.benefit.dou_plus_per_missing or 0) if self.row else 0


@dataclass(frozen=True)
class BenefitsPage:
    standing: Standing
    month: Month
    cycle: Cycle  # the reward cycle in progress
    basic: list[BenefitRow]
    reward: list[BenefitRow]
    reward_offers: list[Offered]  # what passing ``cycle`` would give, at the held level
    next_offers: list[Offered]
    wallet: Wallet
    card_terms: benefit_selectors.CardTerms | None
    dispatch: Dispatch | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def until(self) -> datetime:
        """Until when the page holds as drawn: the standing's moment, or the first card's "剩 N 天" to move."""
        moves = (days_left_change(self.standing.at, c.card.expires_at) for c in self.wallet.active)
        return min([self.standing.until, *(t for t in moves if t is not None)])

    @property
    def next_gains(self) -> list[Offered]:
        return [o for o in self.next_offers if o.highlight]

    @property
    def next_kept(self) -> list[Offered]:
        return [o for o in self.next_offers if not o.highlight]


def _sorted(rows: list[BenefitRow]) -> list[BenefitRow]:
    return sorted(rows, key=lambda r: (STATE_ORDER[r.state], r.benefit.position, r.entitlement.period))


def _offered(rows: list[LevelBenefit], have: dict[int, LevelBenefit]) -> list[Offered]:
    """Catalogue lines to show greyed: new ones first, then those that grow, then the rest."""
    offers = []
    for r in rows:
        mine = have.get(r.benefit_id)
        more = mine is not None and (r.quantity > mine.quantity or r.value_note != mine.value_note)
        offers.append(Offered(r.benefit.display_name, r.quantity, r.display_value_note, mine is None, more))
    return sorted(offers, key=lambda o: (not o.new, not o.more))


def benefits_page(*, creator: Creator, at: datetime) -> BenefitsPage:
    standing = standing_of(creator=creator, at=at)
    month, cycle = Month.of(at), Cycle.of(at)
    catalogue = benefit_selectors.catalogue_rows()
    notes = _notes(catalogue)
    current = _current_keys(at)
    entitlements = benefit_selectors.entitlements_current(
        creator=creator, month_key=month.key, reward_key=cycle.previous().key
    )
    rows = [benefit_row(e, notes=notes, current=current) for e in entitlements]
    basic = _sorted([r for r in rows if r.entitlement.kind == BenefitKind.BASIC])
    reward = _sorted([r for r in rows if r.entitlement.kind == BenefitKind.REWARD])

    level = standing.level
    held = {r.benefit_id: r for r in catalogue if r.level == level and r.kind == BenefitKind.BASIC}
    next_offers = []
    if standing.next_level:
        next_offers = _offered(
            [r for r in catalogue if r.level == standing.next_level and r.kind == BenefitKind.BASIC], held
        )
    reward_offers = _offered([r for r in catalogue if r.level == level and r.kind == BenefitKind.REWARD], {})

    held_cards, dou_plus = benefit_selectors.wallet_cards_and_dou_plus(creator=creator)
    cards = [Card(c, days_left(at, c.expires_at) if c.status == CardStatus.ACTIVE else None) for c in held_cards]
    this_month_dispatch = next((r for r in basic if r.is_dispatch and r.entitlement.period == month.key), None)
    dispatch = Dispatch(this_month_dispatch, dou_plus) if this_month_dispatch or dou_plus else None
    counts = {
        "claimable": sum(r.state == "claimable" for r in rows),
        "pending": sum(r.state == "pending" for r in rows),
    }
    return BenefitsPage(
        standing=standing,
        month=month,
        cycle=cycle,
        basic=basic,
        reward=reward,
        reward_offers=reward_offers,
        next_offers=next_offers,
        wallet=Wallet(cards),
        card_terms=benefit_selectors.card_terms(catalogue=catalogue),
        dispatch=dispatch,
        counts=counts,
    )
