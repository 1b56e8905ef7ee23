"""我的权益's rows written in Python rather than by template partials (a dozen rows a page, each a partial
with URLs, translations and a form): ``{% benefit_row row %}`` draws a benefit with its state and its 领取
form, ``{{ offer|next_row }}`` a greyed line of what the next level gives. Every value is escaped as the
template language's autoescape does; tests/portal/test_benefit_row_item.py compares both with the partials
they replaced."""

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from benefits.models import CaseStatus
from lib.markup import escaped
from portal.presenters.benefits import BenefitRow, Offered

register = template.Library()


@register.simple_tag(takes_context=True)
def benefit_row(context, row: BenefitRow) -> SafeString:
    """``row``'s ``<li>``; a claimable row's form carries the request's CSRF token, as ``{% csrf_token %}``
    writes it from the context."""
    return benefit_item(row, context.get("csrf_token"))


@register.filter
def next_row(offer: Offered) -> SafeString:
    return next_item(offer)


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
