"""What the benefits ledger tells creators: the figures in a message are the catalogue's at the time it
is sent, so an operator's change to a card's amount or validity, or to the DOU+ per missing dispatch,
shows in the next message without touching any text."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from benefits.models import Benefit, BenefitCode
from creators.models import AssistantMessage
from tests.builders import AT, creator_at_level

pytestmark = pytest.mark.django_db


def call(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def assess() -> None:
    call("assess_levels", "--at", AT.isoformat(), "--mode", "monthly")


def one(creator, template: str) -> AssistantMessage:
    return AssistantMessage.objects.get(creator=creator, template=template)


def test_card_message_states_the_catalogues_amount_and_validity():
    Benefit.objects.filter(code=BenefitCode.GUARANTEE_CARD).update(unit_amount=80, valid_days=90)
    creator = creator_at_level(3)
    assess()
    issued = one(creator, "cards_issued")
    assert (issued.display_title, issued.display_body) == (
        "你收到 3 张投稿任务收益保底卡",
        "每张 ¥80，有效期 90 天，参加保底投稿任务时使用。",
    )
    assert issued.url == "/benefits/#wallet"


def test_expiry_message_states_the_validity_the_card_was_issued_with():
    Benefit.objects.filter(code=BenefitCode.GUARANTEE_CARD).update(valid_days=30)
    creator = creator_at_level(3)
    assess()
    call("expire_cards", "--at", AT.replace(day=31).isoformat())
    expired = AssistantMessage.objects.filter(creator=creator, template="card_expired")
    assert [m.display_body for m in expired] == ["保底卡有效期 30 天，已到期未使用。"] * 3


def test_dou_plus_message_states_the_catalogues_rate():
    Benefit.objects.filter(code=BenefitCode.EXTRA_DISPATCH).update(dou_plus_per_missing=30)
    creator = creator_at_level(2)
    assess()
    assert json.loads(call("close_period", "--period", "2026-12"))["dou_plus"] == 240
    note = one(creator, "dou_plus")
    assert note.display_title == "2026-12 额外派发补偿 240 DOU+"
    assert note.display_body == "本期优质投稿任务额外派发少了 8 次，按每次 30 DOU+ 补发 240 DOU+。"
    with translation.override("en"):
        assert "at 30 DOU+ each, you are credited 240 DOU+" in note.display_body


def test_grant_and_card_messages_read_in_english_for_an_english_reader():
    creator = creator_at_level(3)
    assess()
    with translation.override("en"):
        assert one(creator, "grant_basic").display_title == "2026-12 level benefits granted"
        issued = one(creator, "cards_issued")
        assert issued.display_title == "You received 3 submission task guarantee cards"
        assert "worth ¥50 and valid for 180 days" in issued.display_body
    assert one(creator, "grant_basic").display_title == "2026-12 等级权益已发放"
