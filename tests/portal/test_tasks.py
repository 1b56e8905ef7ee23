"""任务大厅: the hall (and its task_hall_viewed event), a task page with the creator's entries, and
joining with the creator's own content and guarantee cards."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benefits.models import CardStatus
from benefits.services.cards import card_attach, entries_settle
from creators.models import PortalEvent, SubmissionEntry
from levels.metrics import measure_creator
from levels.rules import load_rules
from tests.activity_builders import card, content, entry, task, with_login
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def join_url(t) -> str:
    return f"/tasks/{t.code}/join/"


# --- permissions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/tasks/", "/tasks/{code}/"])
def test_anonymous_is_sent_to_login(client: Client, path) -> None:
    response = client.get(path.format(code=task().code))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/tasks/", "/tasks/{code}/"])
def test_operator_is_refused(operator_client: Client, path) -> None:
    assert operator_client.get(path.format(code=task().code)).status_code == 403


def test_operator_cannot_join(operator_client: Client) -> None:
    assert operator_client.post(join_url(task()), {"content": 1}).status_code == 403


def test_anonymous_join_is_sent_to_login(client: Client) -> None:
    response = client.post(join_url(task()), {"content": 1})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_get_on_join_is_405(creator_client: Client) -> None:
    assert creator_client.get(join_url(task())).status_code == 405


def test_unknown_task_is_404(creator_client: Client) -> None:
    assert creator_client.get("/tasks/no-such-task/").status_code == 404
    assert creator_client.post("/tasks/no-such-task/join/", {"content": 1}).status_code == 404


def test_join_needs_the_csrf_token(creator) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(creator.user)
    t, item = task(), content(creator)
    assert client.post(join_url(t), {"content": item.pk}, headers=HTMX).status_code == 403

    token = client.get(f"/tasks/{t.code}/").cookies["csrftoken"].value
    assert client.post(join_url(t), {"content": item.pk}, headers={**HTMX, "X-CSRFToken": token}).status_code == 200
    assert SubmissionEntry.objects.filter(creator=creator, task=t).count() == 1


# --- the hall -------------------------------------------------------------------------------------------


def test_visiting_the_hall_feeds_task_hall_viewed(client: Client) -> None:
    newcomer = with_login(creator_at_level(0))  # no events yet
    client.force_login(newcomer.user)
    rules = load_rules()
    assert measure_creator(newcomer, timezone.now() + timedelta(seconds=1), rules).task_hall_viewed is False

    assert client.get("/tasks/").status_code == 200

    assert measure_creator(newcomer, timezone.now() + timedelta(seconds=1), rules).task_hall_viewed is True


def test_visiting_the_hall_twice_a_day_records_one_event(creator_client: Client, creator) -> None:
    creator_client.get("/tasks/")
    creator_client.get("/tasks/")
    today = PortalEvent.objects.filter(
        creator=creator, name=PortalEvent.Name.TASK_HALL_VIEWED, at__gte=timezone.now() - timedelta(hours=1)
    )
    assert today.count() == 1


def test_hall_lists_open_tasks_only(creator_client: Client) -> None:
    now = timezone.now()
    open_task = task(title="开放中的任务")
    task(title="已结束的任务", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    task(title="未开始的任务", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9))
    guarantee = task(title="保底的任务", guarantee=True, threshold=20_000)

    body = creator_client.get("/tasks/").content.decode()

    assert "开放中的任务" in body and "保底的任务" in body
    assert "已结束的任务" not in body and "未开始的任务" not in body
    assert "有效播放 ≥ 2万 可获保底" in body
    assert f"/tasks/{open_task.code}/" in body and f"/tasks/{guarantee.code}/" in body


def test_hall_shows_my_entries_but_not_others(creator_client: Client, creator, other_creator) -> None:
    t = task(title="我参加的任务")
    entry(creator, t, content=content(creator, title="我的作品"), earnings=Decimal("12"))
    entry(other_creator, t, content=content(other_creator, title="别人的作品"))

    body = creator_client.get("/tasks/").content.decode()

    assert "我的作品" in body and "收益 ¥12" in body
    assert "别人的作品" not in body
    assert "已参加" in body


# --- the task page --------------------------------------------------------------------------------------


def test_task_page_shows_settlement_of_my_entries(creator_client: Client, creator) -> None:
    now = timezone.now()
    t = task(guarantee=True, opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1))
    reached = entry(creator, t, content=content(creator, title="达标作品"), effective_plays=12_000,
                    earnings=Decimal("12"), submitted_at=now - timedelta(days=10))  # fmt: skip
    missed = entry(creator, t, content=content(creator, title="未达标作品"), effective_plays=900,
                   earnings=Decimal("12"), submitted_at=now - timedelta(days=9))  # fmt: skip
    pending = entry(creator, t, content=content(creator, title="等待结算"), submitted_at=now - timedelta(days=8))
    for e in (reached, missed, pending):
        card_attach(creator=creator, card_id=card(creator, issued_at=now - timedelta(days=30)).pk, entry=e,
                    at=now - timedelta(days=5))  # fmt: skip
    entries_settle(at=now)

    body = creator_client.get(f"/tasks/{t.code}/").content.decode()

    assert "已结束" in body
    assert "保底 ¥50 · 实得 ¥50" in body
    assert "未达播放要求，按实际收益 ¥12" in body
    assert "待结算" in body and "已使用保底卡 ¥50" in body
    assert "提交作品</button>" not in body  # closed: no join form


def test_task_page_offers_my_content_and_cards_only(creator_client: Client, creator, other_creator) -> None:
    t = task(guarantee=True)
    mine, theirs = content(creator, title="我的视频"), content(other_creator, title="他的视频")
    my_card, their_card = card(creator), card(other_creator)
    expired = card(
        creator, issued_at=timezone.now() - timedelta(days=200), expires_at=timezone.now() - timedelta(days=20)
    )

    body = creator_client.get(f"/tasks/{t.code}/").content.decode()

    assert f'value="{mine.pk}"' in body and "我的视频" in body
    assert f'value="{theirs.pk}"' not in body and "他的视频" not in body
    assert f'value="{my_card.pk}"' in body
    assert str(their_card.pk) not in body and str(expired.pk) not in body


# --- joining --------------------------------------------------------------------------------------------


def test_full_page_join_with_own_content_redirects(creator_client: Client, creator) -> None:
    t, item = task(), content(creator)

    response = creator_client.post(join_url(t), {"content": item.pk})

    assert response.status_code == 302 and response["Location"] == f"/tasks/{t.code}/"
    entry_ = SubmissionEntry.objects.get(creator=creator, task=t)
    assert entry_.content == item and entry_.content_ref == item.external_id
    assert entry_.external_id.startswith("portal-")
    assert "投稿成功" in creator_client.get(response["Location"]).content.decode()


def test_htmx_join_returns_the_activity_fragment(creator_client: Client, creator) -> None:
    t, item = task(), content(creator, title="新作品")

    response = creator_client.post(join_url(t), {"content": item.pk}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="task-activity"')
    assert "新作品" in body and "待结算" in body
    assert "投稿成功" in body  # toast out of band
    assert SubmissionEntry.objects.filter(creator=creator, task=t).count() == 1


def test_join_with_another_creators_content_is_refused(creator_client: Client, creator, other_creator) -> None:
    t, theirs = task(), content(other_creator)

    full = creator_client.post(join_url(t), {"content": theirs.pk})
    htmx = creator_client.post(join_url(t), {"content": theirs.pk}, headers=HTMX)

    assert full.status_code == 400 and "只能提交你自己的作品" in full.content.decode()
    assert htmx.status_code == 200 and "只能提交你自己的作品" in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert not SubmissionEntry.objects.filter(task=t).exists()


def test_join_with_an_active_card_uses_it(creator_client: Client, creator) -> None:
    t, item, c = task(guarantee=True), content(creator), card(creator)

    response = creator_client.post(join_url(t), {"content": item.pk, "card": c.pk}, headers=HTMX)

    assert "已使用 1 张保底卡" in response.content.decode()
    c.refresh_from_db()
    e = SubmissionEntry.objects.get(creator=creator, task=t)
    assert c.status == CardStatus.USED and c.entry == e and c.used_at == e.submitted_at


def test_join_with_an_expired_card_is_refused(creator_client: Client, creator) -> None:
    now = timezone.now()
    t, item = task(guarantee=True), content(creator)
    expired = card(creator, issued_at=now - timedelta(days=181), expires_at=now - timedelta(minutes=1))

    response = creator_client.post(join_url(t), {"content": item.pk, "card": expired.pk})

    assert response.status_code == 400
    assert "这张保底卡不可用" in response.content.decode()
    expired.refresh_from_db()
    assert expired.status == CardStatus.ACTIVE and expired.entry is None
    assert not SubmissionEntry.objects.filter(task=t).exists()


def test_join_with_another_creators_card_is_refused(creator_client: Client, creator, other_creator) -> None:
    t, item, theirs = task(guarantee=True), content(creator), card(other_creator)

    response = creator_client.post(join_url(t), {"content": item.pk, "card": theirs.pk}, headers=HTMX)

    assert "这张保底卡不可用" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == CardStatus.ACTIVE
    assert not SubmissionEntry.objects.filter(task=t).exists()


def test_the_same_card_twice_is_refused_the_second_time(creator_client: Client, creator) -> None:
    t, c = task(guarantee=True), card(creator)
    first, second = content(creator), content(creator)
    creator_client.post(join_url(t), {"content": first.pk, "card": c.pk})

    response = creator_client.post(join_url(t), {"content": second.pk, "card": c.pk}, headers=HTMX)

    assert "这张保底卡不可用" in response.content.decode()
    assert SubmissionEntry.objects.filter(task=t).count() == 1
    c.refresh_from_db()
    assert c.entry.content == first


def test_joining_twice_with_the_same_item_is_refused(creator_client: Client, creator) -> None:
    t, item = task(), content(creator)
    creator_client.post(join_url(t), {"content": item.pk})

    response = creator_client.post(join_url(t), {"content": item.pk}, headers=HTMX)

    assert "这个作品已经提交到该任务了" in response.content.decode()
    assert SubmissionEntry.objects.filter(task=t).count() == 1


def test_joining_a_closed_task_is_refused(creator_client: Client, creator) -> None:
    now = timezone.now()
    t = task(opens_at=now - timedelta(days=9), closes_at=now - timedelta(minutes=1))

    response = creator_client.post(join_url(t), {"content": content(creator).pk})

    assert response.status_code == 400
    assert "该任务当前不在投稿时间内" in response.content.decode()
    assert not SubmissionEntry.objects.filter(task=t).exists()


def test_a_card_on_a_plain_task_is_ignored(creator_client: Client, creator) -> None:
    t, item, c = task(), content(creator), card(creator)
    creator_client.post(join_url(t), {"content": item.pk, "card": c.pk})
    c.refresh_from_db()
    assert c.status == CardStatus.ACTIVE
    assert SubmissionEntry.objects.filter(task=t).count() == 1


# --- query counts -----------------------------------------------------------------------------------


def _queries(client: Client, path: str, *, shows: str) -> int:
    """Queries to answer ``path``, which must be a 200 showing ``shows``: a refused or empty page is
    cheap, so a count taken from one would pass for the wrong reason."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert shows in response.content.decode()
    return len(captured)


def test_hall_queries_do_not_grow_with_tasks_or_entries(creator_client: Client, creator) -> None:
    creator_client.get("/tasks/")  # the day's event is recorded: later visits only check it
    task(title="第一个任务")
    few = _queries(creator_client, "/tasks/", shows="第一个任务")
    for i in range(12):
        t = task(guarantee=i % 2 == 0, title=f"任务{i}号")
        e = entry(creator, t, content=content(creator), earnings=Decimal(i))
        if i % 2 == 0:
            card_attach(creator=creator, card_id=card(creator).pk, entry=e, at=timezone.now())
        card(creator)
    assert _queries(creator_client, "/tasks/", shows="任务11号") <= few


def test_task_page_queries_do_not_grow_with_entries_or_cards(creator_client: Client, creator) -> None:
    t = task(guarantee=True, title="保底任务")
    content(creator)
    few = _queries(creator_client, f"/tasks/{t.code}/", shows="保底任务")
    for i in range(10):
        e = entry(creator, t, content=content(creator, title=f"作品{i}号"))
        card_attach(creator=creator, card_id=card(creator).pk, entry=e, at=timezone.now())
        card(creator)
        content(creator)
    assert _queries(creator_client, f"/tasks/{t.code}/", shows="作品9号") <= few
