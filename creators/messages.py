"""What 星图小助手 says, in one place: each message text by name, rendered in the reader's language.

A message row stores the name of its text, the parameters (figures, names, ids) and a link by URL
name; the words are chosen when the message is shown, so an English reader reads English and a
figure reads 28.6万 or 286k. Figures come from the sender (the catalogue, the engine), never from
the texts here. Rows without a text name (operator notices, older rows) show their stored title and
body.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _

from lib.format import figures, money, round_count

Params = Mapping[str, Any]


class MessageKind(models.TextChoices):
    """The category a message is listed under (the pill in the inbox)."""

    LEVEL_UP = "level_up", _("升级")
    LEVEL_DOWN = "level_down", _("降级")
    AT_RISK = "at_risk", _("保级提醒")
    GRANT = "grant", _("权益发放")
    CARD = "card", _("保底卡")
    CASE = "case", _("精选案例")
    DOU_PLUS = "dou_plus", _("DOU+ 补偿")
    RECOMMENDATION = "recommendation", _("客户推荐")
    DISPATCH = "dispatch", _("额外派发")
    INFO = "info", _("通知")


@dataclass(frozen=True)
class Link:
    """Where a message leads: a portal URL name, its arguments and an optional ``#anchor``.

    An argument may name a parameter as ``"{name}"``; it is filled per message when it is sent."""

    name: str
    args: Sequence[str | int] = ()
    anchor: str = ""

    def resolve_args(self, params: Params) -> list[str | int]:
        return [a.format(**params) if isinstance(a, str) else a for a in self.args]


def url(name: str, args: Sequence[str | int], anchor: str) -> str:
    """The path of a stored link; empty when the name no longer resolves (a renamed page)."""
    try:
        path = reverse(name, args=list(args))
    except NoReverseMatch:
        return ""
    return f"{path}#{anchor}" if anchor else path


# --- how parameters read -----------------------------------------------------------------------------


def settlement_text(*, amount: Decimal | str, payout: Decimal | str, reached: bool) -> str:
    """How a settled guarantee entry reads (docs/program.md §3): plays reached → the guarantee and what was
    paid; not reached → paid the earnings (the card is spent either way). The task hall shows the
    same sentence."""
    if reached:
        return gettext("保底 %(amount)s · 实得 %(payout)s") % {
            "amount": money(Decimal(amount)),
            "payout": money(Decimal(payout)),
        }
    return gettext("未达播放要求，按实际收益 %(payout)s") % {"payout": money(Decimal(payout))}


def failure_text(failure: Params) -> str:
    """One failing requirement: "粉丝量 28.6万 (要求 > 30万)", or "…: 未完成" for a yes/no one. The
    label is stored as its source text and translated here."""
    label = gettext(failure["label"])
    if "threshold" not in failure:
        return gettext("%(label)s：未完成") % {"label": label}
    value, threshold = failure["value"], failure["threshold"]
    if value is None:
        shown_value, shown_threshold = "—", round_count(threshold)
    else:  # one unit for both (docs/ui.md "Look")
        shown = figures(value, threshold)
        shown_value, shown_threshold = shown.value, shown.threshold
    return gettext("%(label)s %(value)s （要求 %(symbol)s %(threshold)s）") % {
        "label": label,
        "value": shown_value,
        "symbol": failure["symbol"],
        "threshold": shown_threshold,
    }


def with_names(params: Params, tasks: Mapping[str, Any]) -> Params:
    """The parameters as shown: a message about a task stores the task's title as it was when sent
    (``task``) and its ``code``; shown, it names the task as the task reads now, in the reader's language
    (``tasks``: code → task, looked up for a page of messages at once by ``creators.selectors.messages_named``),
    and keeps the stored title for a task it cannot find."""
    task = tasks.get(params.get("code", "")) if "task" in params else None
    return {**params, "task": task.display_title} if task is not None else params


def _failures(params: Params) -> dict:
    return {**params, "reasons": pgettext("list separator", ";").join(failure_text(f) for f in params["failures"])}


def _card_terms(params: Params) -> dict:
    return {**params, "amount": money(Decimal(params["amount"]))}


def _settled(params: Params) -> dict:
    result = settlement_text(amount=params["amount"], payout=params["payout"], reached=params["reached"])
    return {**params, "payout": money(Decimal(params["payout"])), "result": result}


# --- the texts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A message text: its category, a title and body with ``%(name)s`` placeholders, and how the
    stored parameters become the values those placeholders show."""

    kind: str
    title: Promise
    body: Promise
    values: Callable[[Params], Mapping[str, Any]] = dict

    def render(self, params: Params) -> tuple[str, str]:
        """A title or body made with ``ngettext_lazy(…, "count")`` takes its plural form from that value."""
        values = self.values(params)
        return str(self.title % values), str(self.body % values)


TEXTS: dict[str, Text] = {
    "grant_basic": Text(
        MessageKind.GRANT,
        _("%(period)s 等级权益已发放"),
        _("你的 LV%(level)s 权益已到账，可在“我的权益”查看和领取。"),
    ),
    "grant_reward": Text(
        MessageKind.GRANT,
        _("%(period)s 奖励权益已发放"),
        _("你的 LV%(level)s 奖励权益已到账，可在“我的权益”查看和领取。"),
    ),
    "cards_issued": Text(
        MessageKind.CARD,
        ngettext_lazy("你收到 %(count)s 张投稿任务收益保底卡", "你收到 %(count)s 张投稿任务收益保底卡", "count"),
        _("每张 %(amount)s，有效期 %(valid_days)s 天，参加保底投稿任务时使用。"),
        _card_terms,
    ),
    "cards_issued_manual": Text(
        MessageKind.CARD,
        ngettext_lazy(
            "运营为你发放了 %(count)s 张投稿任务收益保底卡", "运营为你发放了 %(count)s 张投稿任务收益保底卡", "count"
        ),
        _("发放原因：%(reason)s。每张 %(amount)s，有效期 %(valid_days)s 天，参加保底投稿任务时使用。"),
        _card_terms,
    ),
    "card_revoked": Text(
        MessageKind.CARD,
        _("一张保底卡已被撤销"),
        _("你的一张 %(amount)s 保底卡已被运营撤销，原因：%(reason)s。如有疑问请联系你的运营。"),
        _card_terms,
    ),
    "recommendation_made": Text(
        MessageKind.RECOMMENDATION,
        _("运营已将你推荐给客户"),
        _("%(period)s 的 1对1精准客户推荐：已推荐给「%(client)s」（%(delivered)s/%(quantity)s）。"),
    ),
    "task_dispatched": Text(
        MessageKind.DISPATCH,
        _("你获得一个额外派发的投稿任务"),
        _("优质投稿任务「%(task)s」已额外派发给你（本期 %(delivered)s/%(quantity)s 次），可在任务大厅参加。"),
    ),
    "card_expired": Text(
        MessageKind.CARD,
        _("一张保底卡已过期"),
        _("保底卡有效期 %(valid_days)s 天，已到期未使用。"),
    ),
    "card_settled": Text(
        MessageKind.CARD,
        _("保底卡已结算 · 实得 %(payout)s"),
        _("「%(task)s」%(result)s"),
        _settled,
    ),
    "dou_plus": Text(
        MessageKind.DOU_PLUS,
        _("%(period)s 额外派发补偿 %(amount)s DOU+"),
        ngettext_lazy(
            "本期优质投稿任务额外派发少了 %(missing)s 次，按每次 %(per_missing)s DOU+ 补发 %(amount)s DOU+。",
            "本期优质投稿任务额外派发少了 %(missing)s 次，按每次 %(per_missing)s DOU+ 补发 %(amount)s DOU+。",
            "missing",
        ),
    ),
    "case_approved": Text(
        MessageKind.CASE,
        _("你的精选案例已上线"),
        _("案例“%(title)s”审核通过，已在星图学院“精选案例”上线。"),
    ),
    "case_rejected": Text(
        MessageKind.CASE,
        _("你的精选案例未通过审核"),
        _("案例“%(title)s”未通过审核，原因：%(reason)s。修改后可重新提交。"),
    ),
    "level_up": Text(
        MessageKind.LEVEL_UP,
        _("恭喜升级为 LV%(level)s 达人"),
        _("你已完成 LV%(level)s 的全部基础任务，新等级权益已发放到“我的权益”。"),
    ),
    "level_down": Text(
        MessageKind.LEVEL_DOWN,
        _("等级调整为 LV%(level)s"),
        _("本次月度评估中，LV%(previous)s 的以下要求未达成：%(reasons)s。继续完成等级任务即可恢复原来等级。"),
        _failures,
    ),
    "level_cancelled": Text(
        MessageKind.LEVEL_DOWN,
        _("等级已取消"),
        _("本次月度评估中，LV%(previous)s 的以下要求未达成：%(reasons)s。继续完成等级任务即可恢复原来等级。"),
        _failures,
    ),
    "level_override_set": Text(
        MessageKind.INFO,
        _("运营将你的等级设为 LV%(level)s"),
        _("原因：%(reason)s。该等级保持到 %(until)s，之后的月度评估将按等级任务正常评定。"),
    ),
    "level_override_ended": Text(
        MessageKind.INFO,
        _("运营设定的等级已结束"),
        _("原因：%(reason)s。你当前的等级 LV%(level)s 不变，之后的评估将按等级任务正常评定。"),
    ),
    "at_risk": Text(
        MessageKind.AT_RISK,
        ngettext_lazy(
            "保级提醒：LV%(level)s 还有 %(count)s 项未达成，剩 %(days_left)s 天",
            "保级提醒：LV%(level)s 还有 %(count)s 项未达成，剩 %(days_left)s 天",
            "count",
        ),
        _("如果本月结束时仍未达成，下月 1 日的月度评估将调整你的等级：%(reasons)s。"),
        _failures,
    ),
}
