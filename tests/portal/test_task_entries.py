"""Which works may enter a submission task (docs/program.md §3, submission entries): the creator's own,
published inside the task's window [opens_at, closes_at) and, when the task names one, of its kind. The
picker lists only those; a tampered post naming any other item is refused with the reason and stores
nothing — no entry, no card used."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from benefits.models import CardStatus
from benefits.services.cards import task_join_with_card
from creators.models import Creator, SubmissionEntry, SubmissionTask
from creators.services import task_join
from lib.errors import ApplicationError
from tests.activity_builders import card, content, task, with_login

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def join_url(t: SubmissionTask) -> str:
    return f"/tasks/{t.code}/join/"


def video_task(**kwargs) -> SubmissionTask:
    t = task(**kwargs)
    t.content_kind = "video"
    t.save(update_fields=["content_kind"])
    return t


# --- the loophole of the issue: a live stream from before the task, with a guarantee card -------------


def test_a_live_stream_from_before_a_video_guarantee_task_cannot_take_a_card(creator_client: Client, creator) -> None:
    now = timezone.now()
    t = video_task(guarantee=True, opens_at=now - timedelta(days=1))
    old_live = content(creator, kind="live", title="昨天之前的直播", published_at=t.opens_at - timedelta(days=1))
    c = card(creator)

    page = creator_client.get(f"/tasks/{t.code}/").content.decode()
    response = creator_client.post(join_url(t), {"content": old_live.pk, "card": c.pk})

    assert f'value="{old_live.pk}"' not in page and "昨天之前的直播" not in page
    assert response.status_code == 400
    assert "只能提交任务开放后" in response.content.decode()
    assert not SubmissionEntry.objects.filter(task=t).exists()
    c.refresh_from_db()
    assert c.status == CardStatus.ACTIVE and c.entry is None


# --- the picker ---------------------------------------------------------------------------------------


def test_the_picker_lists_only_works_the_task_takes(creator_client: Client, creator, other_creator) -> None:
    now = timezone.now()
    t = video_task(opens_at=now - timedelta(days=3))
    fits = content(creator, title="开放后发布的短视频", published_at=now - timedelta(days=1))
    untitled = content(creator, published_at=now - timedelta(hours=5))
    early = content(creator, title="开放前的短视频", published_at=now - timedelta(days=4))
    live = content(creator, kind="live", title="开放后的直播", published_at=now - timedelta(days=1))
    theirs = content(other_creator, title="别人的短视频", published_at=now - timedelta(days=1))

    body = creator_client.get(f"/tasks/{t.code}/").content.decode()

    assert f'value="{fits.pk}"' in body and "开放后发布的短视频" in body
    # Each option names the item: its title (if any), kind and publish time.
    when = timezone.localtime(untitled.published_at).strftime("%Y-%m-%d %H:%M")
    assert f'value="{untitled.pk}"' in body and f"短视频 · {when} 发布" in body
    when = timezone.localtime(fits.published_at).strftime("%Y-%m-%d %H:%M")
    assert f"开放后发布的短视频 · 短视频 · {when} 发布" in body
    for refused in (early, live, theirs):
        assert f'value="{refused.pk}"' not in body and refused.title not in body


def test_a_long_title_is_shown_by_its_first_words(client: Client) -> None:
    newcomer = with_login(Creator.objects.create(external_id="c-new", nickname="新达人"))
    client.force_login(newcomer.user)
    t = task()
    content(newcomer, title="周末两天怎么玩：杭州西湖、灵隐寺和龙井村的完整路线与美食攻略")

    body = client.get(f"/tasks/{t.code}/").content.decode()

    assert ">周末两天怎么玩：杭州西湖、灵隐寺" in body  # the option starts with the title's first words
    assert "龙井村的完整路线" not in body


def test_with_nothing_eligible_the_page_says_why(client: Client) -> None:
    newcomer = with_login(Creator.objects.create(external_id="c-new", nickname="新达人"))
    client.force_login(newcomer.user)
    now = timezone.now()
    t = video_task(opens_at=now - timedelta(days=1))
    content(newcomer, published_at=now - timedelta(days=2))

    body = client.get(f"/tasks/{t.code}/").content.decode()

    assert "没有可提交的作品" in body and "只有符合上面投稿要求的作品可以提交" in body
    assert "提交作品</button>" not in body


def test_the_task_page_states_the_kind_and_the_window(creator_client: Client) -> None:
    now = timezone.now()
    t = video_task(guarantee=True, opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=5))
    any_kind = task()
    stamp = lambda at: timezone.localtime(at).strftime("%Y-%m-%d %H:%M")  # noqa: E731

    body = creator_client.get(f"/tasks/{t.code}/").content.decode()
    plain = creator_client.get(f"/tasks/{any_kind.code}/").content.decode()

    assert f"短视频作品，发布于 {stamp(t.opens_at)} 至 {stamp(t.closes_at)} 之间" in body
    assert "任务开放前发布的作品不能使用保底卡" in body
    assert "短视频或直播作品" in plain
    assert "短视频" in creator_client.get("/tasks/").content.decode()  # the hall shows the kind too


# --- tampered posts: full page and HTMX ------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        ({"published_at": timedelta(days=-4)}, "只能提交任务开放后"),
        ({"kind": "live"}, "该任务只接受短视频作品"),
    ],
    ids=["before-the-window", "wrong-kind"],
)
def test_a_tampered_post_is_refused_with_the_reason(creator_client: Client, creator, shape, reason) -> None:
    now = timezone.now()
    t = video_task(guarantee=True, opens_at=now - timedelta(days=3))
    published_at = now + shape.get("published_at", timedelta(days=-1))
    item = content(creator, kind=shape.get("kind", "video"), published_at=published_at)
    c = card(creator)

    full = creator_client.post(join_url(t), {"content": item.pk, "card": c.pk})
    htmx = creator_client.post(join_url(t), {"content": item.pk, "card": c.pk}, headers=HTMX)

    assert full.status_code == 400 and reason in full.content.decode()
    assert htmx.status_code == 200 and reason in htmx.content.decode()
    assert htmx.content.decode().lstrip().startswith('<div id="task-activity"')
    assert not SubmissionEntry.objects.filter(task=t).exists()
    c.refresh_from_db()
    assert c.status == CardStatus.ACTIVE


def test_an_eligible_work_joins_by_htmx_with_a_card(creator_client: Client, creator) -> None:
    now = timezone.now()
    t = video_task(guarantee=True, opens_at=now - timedelta(days=3))
    item, c = content(creator, published_at=now - timedelta(days=1)), card(creator)

    response = creator_client.post(join_url(t), {"content": item.pk, "card": c.pk}, headers=HTMX)

    assert response.status_code == 200 and "已使用 1 张保底卡" in response.content.decode()
    c.refresh_from_db()
    assert c.status == CardStatus.USED and c.entry.content == item


# --- the service: boundaries and the rule without the form -------------------------------------------


def test_published_exactly_at_opens_at_is_accepted(creator) -> None:
    now = timezone.now()
    t = video_task(opens_at=now - timedelta(days=1))
    item = content(creator, published_at=t.opens_at)

    entry = task_join(creator=creator, task=t, content=item, at=now)

    assert entry.content == item


def test_published_exactly_at_closes_at_is_refused(creator) -> None:
    now = timezone.now()
    t = task(opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1))
    item = content(creator, published_at=t.closes_at)  # the platform may date an item ahead of now

    with pytest.raises(ApplicationError) as refused:
        task_join(creator=creator, task=t, content=item, at=now)

    assert refused.value.code == "published_after_task" and "只能提交任务截止前" in refused.value.message
    assert not SubmissionEntry.objects.filter(task=t).exists()


def test_one_second_before_closes_at_is_accepted(creator) -> None:
    now = timezone.now()
    t = task(opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1))
    item = content(creator, published_at=t.closes_at - timedelta(seconds=1))

    assert task_join(creator=creator, task=t, content=item, at=now).content == item


def test_another_creators_work_is_refused_by_the_service_too(creator, other_creator) -> None:
    t, theirs, c = task(guarantee=True), content(other_creator), card(creator)

    with pytest.raises(ApplicationError) as refused:
        task_join_with_card(creator=creator, task=t, content=theirs, card_id=c.pk, at=timezone.now())

    assert refused.value.code == "not_own_content"
    assert not SubmissionEntry.objects.filter(task=t).exists()
    c.refresh_from_db()
    assert c.status == CardStatus.ACTIVE


def test_a_task_without_an_opening_date_takes_works_made_since_it_was_created(creator) -> None:
    # [decision] a task with no opens_at opened when it was created: work made before it existed was not
    # made for it (docs/program.md §3). No closes_at: no upper bound.
    now = timezone.now()
    t = SubmissionTask.objects.create(code="open-ended", title="长期任务", is_guarantee=True, guarantee_threshold=10)
    before = content(creator, published_at=t.created_at - timedelta(seconds=1))
    since = content(creator, published_at=t.created_at)

    with pytest.raises(ApplicationError) as refused:
        task_join(creator=creator, task=t, content=before, at=now)

    assert refused.value.code == "published_before_task"
    assert task_join(creator=creator, task=t, content=since, at=now).content == since
