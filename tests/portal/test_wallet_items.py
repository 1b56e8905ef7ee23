"""我的权益's wallet lines drawn in Python (portal/templatetags/portal_benefits.py) are exactly what the
template's loops drew for them, kept here as fixtures: active cards grouped by expiry, and past cards in
each state, in both languages."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from benefits.models import CardIssue, CardStatus, GuaranteeCard
from creators.models import SubmissionEntry, SubmissionTask
from portal.presenters.benefits import Card, CardGroup
from portal.templatetags.portal_benefits import wallet_card_item, wallet_group_item

HERE = Path(__file__).parent
# The loops' bodies as they were (``{% with item=group.first %}`` … and ``{% for item in wallet.history %}`` …).
GROUP = Template("{% load i18n portal_format %}" + (HERE / "wallet_group_partial.html").read_text())
PAST = Template("{% load i18n portal_format %}" + (HERE / "wallet_card_partial.html").read_text())

AT = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # 2026-12-01 01:30 in Asia/Shanghai
ISSUES = [None, CardIssue(pk=5, reason='<活动> & "补偿"')]


def card(status: str, amount: Decimal, issue: CardIssue | None, entry: SubmissionEntry | None = None) -> GuaranteeCard:
    made = GuaranteeCard(
        serial=1, amount=amount, status=status, issued_at=AT, expires_at=AT + timedelta(days=180), used_at=AT,
        revoked_reason="重复发放 <已撤销>" if status == CardStatus.REVOKED else "", entry=entry,
    )  # fmt: skip
    made.issue = issue
    return made


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_active_line_draws_what_the_template_drew(language):
    with translation.override(language):
        for amount, issue, days_left, count in product(
            [Decimal("50.00"), Decimal("12345.67")], ISSUES, [4, 179], [1, 3]
        ):
            group = CardGroup([Card(card(CardStatus.ACTIVE, amount, issue), days_left) for _ in range(count)])
            expected = GROUP.render(Context({"group": group, "item": group.first}))
            assert wallet_group_item(group) == expected, (amount, issue, days_left, count)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_past_card_draws_what_the_template_drew(language):
    statuses = [CardStatus.USED, CardStatus.SETTLED, CardStatus.EXPIRED, CardStatus.REVOKED]
    with translation.override(language):
        for status, issue, payout, title in product(statuses, ISSUES, [None, 80, 12345], ["春季美食", "<b>&</b>"]):
            entry = SubmissionEntry(pk=3, task=SubmissionTask(pk=2, code="t", title=title), payout=payout)
            past = Card(card(status, Decimal("50.00"), issue, entry), None)
            expected = PAST.render(Context({"item": past}))
            assert wallet_card_item(past) == expected, (status, issue, payout, title)
