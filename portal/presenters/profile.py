"""资料与设置: the LV1 requirements this page satisfies (profile_complete, tasks_enabled, quote_set —
docs/program.md §1), judged by the engine on the saved profile."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from creators.models import Creator
from levels import selectors as level_selectors
from levels.rules import Rules
from lib.format import round_count

from .rows import Row, requirement_row

PAGE_CODES = ("profile_complete", "tasks_enabled", "quote_set")


def _notes(rules: Rules, large: bool) -> dict[str, str]:
    """What each requirement asks of this creator, by their follower line."""
    large_fans = round_count(rules.large_creator_fans)
    return {
        "profile_complete": _("达人介绍、所在地域、至少 1 个擅长行业"),
        "tasks_enabled": (
            _("粉丝 %(fans)s以上：须开通投稿与传播任务") % {"fans": large_fans}
            if large
            else _("粉丝 %(min)s以上开通投稿任务") % {"min": round_count(rules.tasks_min_fans)}
        ),
        "quote_set": (
            _("粉丝 %(fans)s以上须至少设置一项报价") % {"fans": large_fans}
            if large
            else _("粉丝 %(fans)s以下无需设置") % {"fans": large_fans}
        ),
    }


def profile_rows(*, creator: Creator, fans: int, has_quote: bool, rules: Rules) -> list[Row]:
    """The page's requirements in rule order, each at the lowest level that asks for it, measured on
    the saved profile; the note under each is its ``hint``."""
    profile = level_selectors.ProfileFacts.saved(creator, has_quote=has_quote)
    evaluation = level_selectors.profile_evaluation(profile=profile, fans=fans, rules=rules)
    notes = _notes(rules, rules.is_large(fans))
    rows: dict[str, Row] = {}
    for r in sorted(rules.requirements, key=lambda r: (r.level, r.position)):
        if r.code in PAGE_CODES and r.code not in rows:
            met = r.code not in evaluation.failed[r.level]
            rows[r.code] = requirement_row(requirement=r, value=evaluation.metrics[r.code], met=met, hint=notes[r.code])
    return list(rows.values())


@dataclass(frozen=True)
class LossNotice:
    """The confirm step of a save that would break requirements of the level held: which, what each
    asks, and the codes the 仍然保存 button sends back to confirm exactly these."""

    level: int
    items: list[tuple[str, str]]  # (requirement, what it asks)
    codes: str


def loss_notice(*, loss: level_selectors.ProfileLoss, fans: int, rules: Rules) -> LossNotice:
    notes = _notes(rules, rules.is_large(fans))
    return LossNotice(loss.level, [(r.label, notes.get(r.code, "")) for r in loss.requirements], loss.codes)
