"""One requirement as every page draws it (docs/ui.md "Numbers with their bar"): name, measured value,
threshold, bar, state, gap or margin, and where to act on it. Whether it is met comes from the
engine; the ≥/> arithmetic of the gap and the margin comes from ``levels.rules``."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from academy.models import Course
from levels import rules as level_rules
from levels.models import Comparison
from levels.rules import Requirement, Rules
from lib.format import exact, figures, round_count
from lib.markup import escaped

# Where a creator acts on each requirement: a URL name, or None for outside the portal (said in words).
ACTIONS: dict[str, tuple[str | None, object]] = {
    "profile_complete": ("profile", gettext_lazy("去完善")),
    "task_hall_viewed": ("tasks", gettext_lazy("去任务大厅")),
    "tasks_enabled": ("profile", gettext_lazy("去开通")),
    "quote_set": ("profile", gettext_lazy("去设置报价")),
    "assistant_viewed": ("assistant", gettext_lazy("去查看")),
    "douyin_bound": ("profile", gettext_lazy("去绑定")),
    "courses_completed": ("academy", gettext_lazy("去学习")),
    "posts_30d": (None, gettext_lazy("去抖音发布")),
    "avg_plays_30d": (None, gettext_lazy("去抖音发布")),
    "submissions_30d": ("tasks", gettext_lazy("去投稿")),
    "orders_30d": ("tasks", gettext_lazy("去接单")),
    "fans": (None, gettext_lazy("去抖音发布")),
    "likes_30d": (None, gettext_lazy("去抖音发布")),
    "credit_score": (None, gettext_lazy("按时履约")),
    "orders_cycle": ("tasks", gettext_lazy("去接单")),
    "video_avg_plays": (None, gettext_lazy("去抖音发布")),
    "live_avg_plays": (None, gettext_lazy("去抖音直播")),
}
UNITS = {
    "courses_completed": gettext_lazy("门"),
    "posts_30d": gettext_lazy("条"),
    "submissions_30d": gettext_lazy("次"),
    "orders_30d": gettext_lazy("单"),
    "orders_cycle": gettext_lazy("单"),
    "credit_score": gettext_lazy("分"),
}


def hints(rules: Rules) -> Mapping[str, str]:
    """One muted line under a requirement's name that says how it is counted (docs/program.md §1)."""
    return _hints(rules.window_days, rules.tasks_min_fans, rules.large_creator_fans, get_language())


@lru_cache(maxsize=64)
def _hints(days: int, tasks_min_fans: int, large_creator_fans: int, language: str) -> Mapping[str, str]:
    return MappingProxyType(
        {
            "tasks_enabled": _("粉丝 ≥ %(min)s 并开通投稿任务；%(large)s 粉以上还需开通传播任务")
            % {"min": round_count(tasks_min_fans), "large": round_count(large_creator_fans)},
            "quote_set": _("%(large)s 粉以上需要") % {"large": round_count(large_creator_fans)},
            "assistant_viewed": _("%(large)s 粉以上需要") % {"large": round_count(large_creator_fans)},
            "courses_completed": _("完成率 %(pct)s%% 以上计为完成") % {"pct": round(Course.COMPLETED_AT * 100)},
            "avg_plays_30d": _("近 %(days)s 天发布作品的平均值") % {"days": days},
            "submissions_30d": _("近 %(days)s 天内") % {"days": days},
            "orders_30d": _("近 %(days)s 天完成，不含全民任务和小游戏任务") % {"days": days},
            "likes_30d": _("近 %(days)s 天发布作品的点赞合计") % {"days": days},
        }
    )


@dataclass(frozen=True)
class Row:
    """One requirement as docs/ui.md draws it: name, measured value, threshold, bar, state, gap, action."""

    code: str
    label: str
    hint: str
    met: bool
    value: str  # "28.6万", or 已完成 / 未完成 for a yes/no requirement; in the threshold's and gap's unit
    target: str  # "> 30万"; empty for a yes/no requirement
    exact: str  # the exact figures, for the title attribute
    pct: int
    gap: str  # "还差 1.4万" when unmet
    margin: str  # "余 1" when met with a figure
    tight: bool  # met exactly at the bar: one less and it fails
    action_url: str | None
    action_text: str


# Rows and their HTML kept per process, by everything they are drawn from: most requirements take few
# values (yes/no, a handful of courses or orders), so most of a page's rows were drawn before. A row is
# immutable; the language and the URL prefix it was drawn in are part of its key.
DRAWN_KEPT = 4096


def requirement_row(
    *, requirement: Requirement, value: bool | int | Fraction, met: bool, label: str | None = None, hint: str = ""
) -> Row:
    """``requirement`` measured at ``value``; ``met`` is the engine's verdict on it. ``label`` names a
    requirement that is not a level metric (the reward cycle's)."""
    label = None if label is None else str(label)
    return _requirement_row(requirement, type(value), value, met, label, str(hint), get_language(), get_script_prefix())


@lru_cache(maxsize=DRAWN_KEPT)
def _requirement_row(
    requirement: Requirement, kind: type, value: bool | int | Fraction, met: bool, label: str | None, hint: str,
    language: str, prefix: str,
) -> Row:  # fmt: skip
    code, comparison, threshold = requirement.code, requirement.comparison, requirement.threshold
    label = requirement.label if label is None else label
    url_name, action = ACTIONS.get(code, (None, ""))
    url = reverse(url_name) if url_name else None
    if comparison == Comparison.REQUIRED:
        return Row(code, label, hint, met, _("已完成") if met else _("未完成"), "", "", 100 if met else 0, "", "",
                   False, url, str(action))  # fmt: skip
    value = value if isinstance(value, Fraction) else Fraction(value)
    unit = str(UNITS.get(code, ""))
    distance = level_rules.margin(comparison, threshold, value)
    # Value, threshold and gap in one unit (docs/ui.md "Look"): exact digits near the bar.
    shown = figures(value, threshold, distance)
    amount = f"{shown.distance} {unit}" if unit else shown.distance
    gap = margin = ""
    tight = False
    if met:
        tight = distance == 0
        margin = _("刚好达标") if tight else _("余 %(n)s") % {"n": amount}
    else:
        gap = _("还差 %(n)s") % {"n": amount}
    pct = 100 if threshold <= 0 else min(100, math.floor(value * 100 / threshold))
    if not met:
        pct = min(pct, 99)
    symbol = level_rules.symbol(comparison)
    return Row(
        code=code,
        label=label,
        hint=hint,
        met=met,
        value=shown.value,
        target=f"{symbol} {shown.threshold}",
        exact=f"{exact(value)} / {symbol} {exact(threshold)}",
        pct=pct,
        gap=gap,
        margin=margin,
        tight=tight,
        action_url=url,
        action_text=str(action),
    )


def rows_for(requirements: Iterable[Requirement], metrics: dict, failed: Iterable[str], rules: Rules) -> list[Row]:
    """Rows for ``requirements``, met unless their code is in the engine's ``failed``: unmet first (what
    to do next), then those met exactly at the bar (one less and they fail), then the rest, each group
    in rule order."""
    failing = set(failed)
    notes = hints(rules)
    rows = [
        requirement_row(requirement=r, value=metrics[r.code], met=r.code not in failing, hint=notes.get(r.code, ""))
        for r in requirements
    ]
    return sorted(rows, key=lambda row: (row.met, not row.tight))


def row_item(row: Row) -> SafeString:
    """``row`` as 权益中心 draws it (docs/ui.md "Numbers with their bar"): one ``<li>``, written here rather
    than by a template partial per row (about 20 rows a page). Every value escaped as autoescape does;
    tests/portal/test_row_item.py compares it with the partial it replaced."""
    return _row_item(row, get_language())


@lru_cache(maxsize=DRAWN_KEPT)
def _row_item(row: Row, language: str) -> SafeString:
    e = escaped
    classes = f"req-row {'is-met' if row.met else 'is-unmet'}{' is-tight' if row.tight else ''}"
    hint = f'<span class="req-hint">{e(row.hint)}</span>' if row.hint else ""
    title = f' title="{e(row.exact)}"' if row.exact else ""
    target = f" / {e(row.target)}" if row.target else ""
    if row.met:
        margin = f' <span class="req-margin">{e(row.margin)}</span>' if row.margin else ""
        state = f'<span class="state-word">{e(_("达成"))} ✓</span>{margin}'
    else:
        state = f'<span class="state-word">{e(_("未达成"))}</span>' + (f" {e(row.gap)}" if row.gap else "")
    action = ""
    if not row.met and row.action_text:
        if row.action_url:
            action = f'<a class="req-action" href="{e(row.action_url)}">{e(row.action_text)} ›</a>'
        else:
            action = f'<span class="req-action req-action-text">{e(row.action_text)}</span>'
    return mark_safe(  # every value escaped above
        f'\n<li class="{classes}">\n'
        f'  <span class="req-name">{e(row.label)}{hint}</span>\n'
        f'  <span class="req-value"{title}><b>{e(row.value)}</b>{target}</span>\n'
        f'  <span class="progress" role="progressbar" aria-label="{e(row.label)}" aria-valuemin="0"'
        f' aria-valuemax="100" aria-valuenow="{row.pct}"><span class="pct-{row.pct}"></span></span>\n'
        f'  <span class="req-state">{state}</span>\n'
        f"  {action}\n</li>\n"
    )
