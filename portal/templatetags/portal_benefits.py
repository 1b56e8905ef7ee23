"""我的权益's rows written in Python rather than by template partials (a dozen rows a page, each a partial
with URLs, translations and a form): ``{% benefit_row row %}`` draws a benefit with its state and its 领取
form, ``{{ offer|next_row }}`` a greyed line of what the next level gives, ``{{ group|wallet_line }}`` and
``{{ card|wallet_card }}`` the wallet's active and past cards. Every value is escaped as the template
language's autoescape does; tests/portal/test_benefit_row_item.py and test_wallet_items.py compare them with
the partials they replaced."""

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from benefits.models import CardStatus, CaseStatus
from lib.markup import escaped
from portal.presenters.benefits import BenefitRow, Card, CardGroup, Offered
from portal.templatetags.portal_format import day, money

register = template.Library()


@register.simple_tag(takes_context=True)
def benefit_row(context, row: BenefitRow) -> SafeString:
    """``row``'s ``<li>``; a claimable row's form carries the request's CSRF token, as ``{% csrf_token %}``
    writes it from the context."""
    return benefit_item(row, context.get("csrf_token"))


@register.filter
def next_row(offer: Offered) -> SafeString:
    return next_item(offer)


@register.filter
def wallet_line(group: CardGroup) -> SafeString:
    return wallet_group_item(group)


@register.filter
def wallet_card(card: Card) -> SafeString:
    return wallet_card_item(card)


def benefit_item(row: BenefitRow, csrf_token) -> SafeString:
    """One benefit of 我的权益: name (×quantity unless counted), the period it belongs to, value note and
    description, where to follow it up, delivered/quantity, and the state word or the 领取 form."""
    e = escaped
    entitlement, state = row.entitlement, row.state
    name = e(row.benefit.display_name)
    counted = row.counted
    quantity = f' <span class="qty">×{entitlement.quantity}</span>' if entitlement.quantity > 1 and not counted else ""
    period_tag = row.period_tag
    tag = f'<span class="tag tag-period">{e(period_tag)}</span>' if period_tag else ""
    note = f'<span class="value-note">{e(row.value_note)}</span> · ' if row.value_note else ""
    extra = ""
    if row.is_case and state == "claimed":
        extra = f'\n    <div class="benefit-extra">\n      \n      {_case_line(row)}\n      \n      \n    </div>\n    '
    elif row.is_card and state != "lapsed":
        extra = f'\n    <div class="benefit-extra"><a href="#wallet">{e(_("查看保底卡钱包"))} ›</a></div>\n    '
    elif shown_at := row.shown_at:
        extra = f'\n    <div class="benefit-extra"><a href="{e(shown_at[0])}">{e(shown_at[1])} ›</a></div>\n    '
    count = ""
    if counted:
        count = (
            f'<span class="count num" title="{e(_("已交付/应交付"))}">'
            f"{entitlement.delivered}/{entitlement.quantity}</span>"
        )
    word = e(row.word)
    if state == "claimable":
        claim = e(reverse("benefit-claim", args=[row.id]))
        side = (
            f'\n    <span class="pill pill-claimable">{word}</span>\n'
            f'    <form method="post" action="{claim}" hx-post="{claim}" hx-target="#benefit-{row.id}"'
            f' hx-swap="outerHTML">\n'
            f"      {_csrf_input(csrf_token)}\n"
            f'      <button class="btn btn-primary btn-claim" type="submit">{e(_("领取"))}'
            f'<span class="visually-hidden">{name}</span></button>\n'
            f"    </form>\n    "
        )
    else:
        side = f'\n    <span class="pill pill-{e(state)}">{word}</span>\n    '
    return mark_safe(  # every value escaped above
        f'\n<li class="benefit-row state-{e(state)}" id="benefit-{row.id}">\n'
        f'  <div class="benefit-main">\n'
        f'    <div class="benefit-name">\n'
        f"      {name}{quantity}\n"
        f"      {tag}\n"
        f"    </div>\n"
        f'    <div class="benefit-meta">{note}{e(row.benefit.display_description)}</div>\n'
        f"    {extra}\n"
        f"  </div>\n"
        f'  <div class="benefit-side">\n'
        f"    {count}\n"
        f"    {side}\n"
        f"  </div>\n"
        f"</li>\n"
    )


def _case_line(row: BenefitRow) -> str:
    """A claimed 学院精选案例: what to do with its case, by the latest one's review state."""
    e = escaped
    case = row.case
    form = e(reverse("case-form", args=[row.id]))
    if not case:
        return f'<a href="{form}">{e(_("填写案例推荐内容"))} ›</a>'
    if case.status == CaseStatus.PENDING:
        return f'<span class="pill pill-pending">{e(_("案例审核中"))}</span> <a href="{form}">{e(_("查看"))} ›</a>'
    if case.status == CaseStatus.APPROVED:
        return (
            f'<span class="pill pill-success">{e(_("案例已上线"))}</span>'
            f' <a href="{e(reverse("cases"))}">{e(_("查看精选案例"))} ›</a>'
        )
    return (
        f'<span class="pill pill-warning">{e(_("案例未通过"))}</span> <a href="{form}">{e(_("修改后重新提交"))} ›</a>'
    )


def _csrf_input(token) -> str:
    """What ``{% csrf_token %}`` writes for the context's token: nothing without one."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(token)}">'


def next_item(offer: Offered) -> SafeString:
    """A catalogue line of the next level, greyed: name, ×quantity, 新增 or 提升, value note."""
    e = escaped
    quantity = f' <span class="qty">×{offer.quantity}</span>' if offer.quantity > 1 else ""
    tag = ""
    if offer.new:
        tag = f' <span class="tag tag-new">{e(_("新增"))}</span>'
    elif offer.more:
        tag = f' <span class="tag tag-more">{e(_("提升"))}</span>'
    note = f'<div class="benefit-meta">{e(offer.value_note)}</div>' if offer.value_note else ""
    return mark_safe(  # every value escaped above
        f'\n<li class="benefit-row is-locked">\n'
        f'  <div class="benefit-main">\n'
        f'    <div class="benefit-name">{e(offer.name)}{quantity}{tag}</div>\n'
        f"    {note}\n"
        f"  </div>\n"
        f"</li>\n"
    )


def wallet_group_item(group: CardGroup) -> SafeString:
    """Active cards that expire together: amount, ×count, expiry day and why an operator issued them, days left."""
    e, item = escaped, group.first
    card = item.card
    count = f' <span class="qty">×{group.count}</span>' if group.count > 1 else ""
    valid = _("有效期至 %(day)s") % {"day": e(day(card.expires_at))}
    note = f" · {e(item.source_note)}" if item.source_note else ""
    return mark_safe(  # every value escaped above; the translations are the template's own text
        f'\n          <li class="wallet-card{" is-soon" if item.soon else ""}">\n'
        f'            <span class="wallet-amount num">{e(money(card.amount))}</span>\n'
        f'            <span class="wallet-main">\n'
        f'              <span class="wallet-name">{e(_("投稿任务收益保底卡"))}{count}</span>\n'
        f'              <span class="wallet-meta">{valid}{note}</span>\n'
        f"            </span>\n"
        f'            <span class="wallet-left num">{_("剩 %(n)s 天") % {"n": e(item.days_left)}}</span>\n'
        f"          </li>\n          "
    )


def wallet_card_item(item: Card) -> SafeString:
    """A card no longer usable: amount, its state word, and what became of it (used on a task, settled,
    expired, or why it was revoked)."""
    e, card = escaped, item.card
    gap = "\n                  "  # the template's line break after each of the first three
    if card.status == CardStatus.USED:
        what = _("%(day)s 用于「%(task)s」，待结算") % {"task": e(card.entry.task), "day": e(day(card.used_at))} + gap
    elif card.status == CardStatus.SETTLED:
        payout = e(money(card.entry.payout))
        what = _("「%(task)s」已结算 · 收益 %(payout)s") % {"task": e(card.entry.task), "payout": payout} + gap
    elif card.status == CardStatus.EXPIRED:
        what = _("%(day)s 到期未使用") % {"day": e(day(card.expires_at))} + gap
    else:
        what = e(card.revoked_reason)
    note = f" · {e(item.source_note)}" if item.source_note else ""
    word = e(item.word)
    return mark_safe(  # every value escaped above; the translations are the template's own text
        f'\n            <li class="wallet-card is-{e(card.status)}">\n'
        f'              <span class="wallet-amount num">{e(money(card.amount))}</span>\n'
        f'              <span class="wallet-main">\n'
        f'                <span class="wallet-name">{word}</span>\n'
        f'                <span class="wallet-meta">\n'
        f"                  {what}{note}\n"
        f"                </span>\n"
        f"              </span>\n"
        f'              <span class="pill pill-lapsed">{word}</span>\n'
        f"            </li>\n            "
    )
