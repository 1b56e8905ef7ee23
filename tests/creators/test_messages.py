"""creators.services.messages_send_for_each and how a message reads: one send writes a message to each
creator of a queryset in a fixed number of statements, a repeat sends nothing twice, and a message is
worded in the reader's language with a link resolved from its URL name."""

from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from creators.messages import Link
from creators.models import AssistantMessage, Creator
from creators.selectors import latest_unread, page_creator
from creators.services import messages_send_for_each
from lib.periods import TZ

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 1, 2, 0, tzinfo=TZ)


def creators(n: int, *, start: int = 0) -> list[Creator]:
    made = (Creator(external_id=f"c-msg-{i}", nickname=f"达人{i}") for i in range(start, start + n))
    return Creator.objects.bulk_create(made)


def ids(made: list[Creator]):
    return Creator.objects.filter(pk__in=[c.pk for c in made]).values(creator_id=F("pk"))


def send_grant(made: list[Creator]) -> None:
    messages_send_for_each(
        creators=ids(made),
        text="grant_basic",
        params={"level": 3, "period": "2026-12"},
        link=Link("benefits"),
        at=AT,
        dedupe_key="grant:basic:2026-12:{id}:3",
    )


def send_cards(made: list[Creator]) -> None:
    messages_send_for_each(
        creators=ids(made),
        text="cards_issued",
        params={"amount": "50.00", "valid_days": 180},
        each=[(c.pk, {"count": i % 3 + 1}) for i, c in enumerate(made)],
        link=Link("benefits", anchor="wallet"),
        at=AT,
        dedupe_key="cards:{id}:{count}",
    )


@pytest.mark.parametrize("send", [send_grant, send_cards])
def test_one_send_covers_many_creators_in_a_fixed_number_of_queries(send) -> None:
    few_creators, many_creators = creators(3), creators(57, start=3)
    with CaptureQueriesContext(connection) as few:
        send(few_creators)
    with CaptureQueriesContext(connection) as many:
        send(many_creators)
    assert AssistantMessage.objects.count() == 60
    assert len(many) == len(few) <= 3  # INSERT … SELECT (shared) or one SELECT + one INSERT (each)


def test_a_repeat_sends_nothing_twice() -> None:
    made = creators(4)
    send_grant(made)
    send_cards(made)
    send_grant(made)
    send_cards(made)
    assert AssistantMessage.objects.filter(template="grant_basic").count() == 4
    assert AssistantMessage.objects.filter(template="cards_issued").count() == 4
    assert set(AssistantMessage.objects.values_list("dedupe_key", flat=True)) >= {
        f"grant:basic:2026-12:{made[0].pk}:3",
        f"cards:{made[1].pk}:2",
    }


def test_rows_for_creators_outside_the_queryset_are_not_sent() -> None:
    inside, outside = creators(2)
    messages_send_for_each(
        creators=ids([inside]),
        text="card_expired",
        each=[(inside.pk, {"card": "a", "valid_days": 180}), (inside.pk, {"card": "b", "valid_days": 180}),
              (outside.pk, {"card": "c", "valid_days": 180})],
        at=AT,
        dedupe_key="card_expired:{card}",
    )  # fmt: skip
    assert sorted(AssistantMessage.objects.values_list("creator_id", "dedupe_key")) == [
        (inside.pk, "card_expired:a"),
        (inside.pk, "card_expired:b"),
    ]


def test_a_message_reads_in_the_readers_language_with_a_link_by_name() -> None:
    made = creators(1)
    send_cards(made)
    message = AssistantMessage.objects.get()
    assert (message.kind, message.url) == (AssistantMessage.Kind.CARD, "/benefits/#wallet")
    assert message.display_title == "你收到 1 张投稿任务收益保底卡"
    assert message.display_body == "每张 ¥50，有效期 180 天，参加保底投稿任务时使用。"
    with translation.override("en"):
        assert message.display_title == "You received 1 submission task guarantee card"
        assert message.display_body.startswith("Each is worth ¥50 and valid for 180 days")


def test_link_arguments_are_filled_from_the_parameters() -> None:
    made = creators(1)
    messages_send_for_each(
        creators=ids(made),
        text="card_settled",
        each=[(made[0].pk, {"card": "x", "amount": "50.00", "payout": "50.00", "reached": True, "task": "春节",
                            "code": "spring"})],
        link=Link("task", args=("{code}",)),
        at=AT,
        dedupe_key="card_settled:{card}",
    )  # fmt: skip
    message = AssistantMessage.objects.get()
    assert (message.url_name, message.url_args, message.url) == ("task", ["spring"], "/tasks/spring/")
    assert message.display_body == "「春节」保底 ¥50 · 实得 ¥50"


def test_a_free_text_message_shows_what_was_stored() -> None:
    (creator,) = creators(1)
    notice = AssistantMessage.objects.create(
        creator=creator, kind="info", title="系统维护通知", body="今晚维护", link="/levels/", created_at=AT
    )
    with translation.override("en"):
        assert (notice.display_title, notice.display_body, notice.url) == ("系统维护通知", "今晚维护", "/levels/")


def test_an_unknown_text_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown message text"):
        messages_send_for_each(creators=ids(creators(1)), text="nope", at=AT, dedupe_key="x:{id}")


def test_the_latest_unread_and_their_count_in_one_query_read_with_the_creator_or_not(
    django_assert_num_queries,
) -> None:
    creator, other = (Creator.objects.create(external_id=f"m-{i}", user=User.objects.create(username=f"m-{i}"))
                      for i in (1, 2))  # fmt: skip
    at = datetime(2026, 12, 1, tzinfo=TZ)
    AssistantMessage.objects.bulk_create(
        [
            *(AssistantMessage(creator=creator, kind="info", title=f"m{i}", created_at=at.replace(day=1 + i))
              for i in range(5)),
            AssistantMessage(creator=creator, kind="info", title="read", created_at=at, read_at=at),
            AssistantMessage(creator=other, kind="info", title="theirs", created_at=at),
        ]
    )  # fmt: skip
    annotated = page_creator(creator.user)
    for who in (creator, annotated):
        with django_assert_num_queries(1):
            rows, count = latest_unread(creator=who)
        assert ([m.title for m in rows], count) == (["m4", "m3", "m2"], 5)
    AssistantMessage.objects.filter(creator=other).update(read_at=at)
    none_unread = page_creator(other.user)
    for who, queries in ((other, 1), (none_unread, 0)):  # the count read with the creator says there are none
        with django_assert_num_queries(queries):
            assert latest_unread(creator=who) == ([], 0)
