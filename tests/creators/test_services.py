"""creators.services: portal events, joining a submission task, and saving the profile."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from creators.models import Creator, PortalEvent, Quote, SubmissionEntry
from creators.services import event_record, profile_update, task_join
from lib.errors import ApplicationError
from lib.periods import TZ
from tests.activity_builders import content, task

pytestmark = pytest.mark.django_db

HALL = PortalEvent.Name.TASK_HALL_VIEWED
T = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


@pytest.fixture
def creator() -> Creator:
    return Creator.objects.create(external_id="c-svc", nickname="测试", fans=50_000)


@pytest.fixture
def other() -> Creator:
    return Creator.objects.create(external_id="c-svc-2", nickname="别人", fans=50_000)


# --- event_record -------------------------------------------------------------------------------------


def test_event_is_recorded_once_per_day(creator) -> None:
    assert event_record(creator=creator, name=HALL, at=T) is True
    assert event_record(creator=creator, name=HALL, at=T + timedelta(hours=5)) is False
    assert event_record(creator=creator, name=HALL, at=T + timedelta(days=1)) is True
    assert PortalEvent.objects.filter(creator=creator, name=HALL).count() == 2


def test_the_same_instant_is_idempotent(creator) -> None:
    event_record(creator=creator, name=HALL, at=T)
    assert event_record(creator=creator, name=HALL, at=T) is False
    assert PortalEvent.objects.count() == 1


def test_the_day_is_the_shanghai_day(creator) -> None:
    event_record(creator=creator, name=HALL, at=datetime(2026, 11, 20, 23, 30, tzinfo=TZ))
    # 00:10 the next day in Shanghai is still the 20th in UTC: a new day for the rules' calendar.
    assert event_record(creator=creator, name=HALL, at=datetime(2026, 11, 21, 0, 10, tzinfo=TZ)) is True


def test_a_later_event_the_same_day_does_not_hide_an_earlier_visit(creator) -> None:
    # An event fed for 20:00 (ingest) must not stop a 09:00 visit from counting at 10:00.
    PortalEvent.objects.create(creator=creator, name=HALL, at=T + timedelta(hours=10))
    assert event_record(creator=creator, name=HALL, at=T - timedelta(hours=1)) is True


def test_events_are_per_name(creator) -> None:
    event_record(creator=creator, name=HALL, at=T)
    assert event_record(creator=creator, name=PortalEvent.Name.ASSISTANT_VIEWED, at=T) is True


def test_unknown_event_name_is_refused(creator) -> None:
    with pytest.raises(ValueError):
        event_record(creator=creator, name="page_viewed", at=T)


def test_recording_takes_one_query_when_already_recorded_today(creator, django_assert_num_queries) -> None:
    event_record(creator=creator, name=HALL, at=T)
    with django_assert_num_queries(1):
        assert event_record(creator=creator, name=HALL, at=T + timedelta(hours=1)) is False


# --- task_join ------------------------------------------------------------------------------------------


def test_join_with_own_content_creates_an_entry(creator) -> None:
    t, item = task(), content(creator)
    now = timezone.now()
    entry = task_join(creator=creator, task=t, content=item, at=now)

    assert entry.creator == creator and entry.task == t and entry.content == item
    assert entry.content_ref == item.external_id
    assert entry.submitted_at == now
    assert entry.external_id.startswith("portal-")


def test_join_with_another_creators_content_is_refused(creator, other) -> None:
    with pytest.raises(ApplicationError) as error:
        task_join(creator=creator, task=task(), content=content(other), at=timezone.now())
    assert error.value.code == "not_own_content"
    assert not SubmissionEntry.objects.exists()


def test_the_same_item_cannot_be_entered_twice(creator) -> None:
    t, item = task(), content(creator)
    task_join(creator=creator, task=t, content=item, at=timezone.now())
    with pytest.raises(ApplicationError) as error:
        task_join(creator=creator, task=t, content=item, at=timezone.now())
    assert error.value.code == "already_entered"
    assert SubmissionEntry.objects.count() == 1


def test_a_task_outside_its_window_is_refused(creator) -> None:
    now = timezone.now()
    closed = task(opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1))
    future = task(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=20))
    for t in (closed, future):
        with pytest.raises(ApplicationError):
            task_join(creator=creator, task=t, content=content(creator), at=now)
    # closes_at is exclusive: [opens_at, closes_at)
    edge = task(opens_at=now - timedelta(days=1), closes_at=now)
    with pytest.raises(ApplicationError):
        task_join(creator=creator, task=edge, content=content(creator), at=now)


# --- profile_update -------------------------------------------------------------------------------------


def test_profile_update_saves_fields_and_replaces_quotes(creator) -> None:
    Quote.objects.create(creator=creator, kind="video_60s_plus", amount=3000)

    profile_update(
        creator=creator,
        intro="  美食探店  ",
        region="上海",
        industries=["美食", "旅行", "美食", " "],
        submission_enabled=True,
        spread_enabled=False,
        quotes={"video_1_20s": Decimal("8000"), "video_21_60s": Decimal("0")},
        at=T,
    )

    creator.refresh_from_db()
    assert (creator.intro, creator.region, creator.industries) == ("美食探店", "上海", ["美食", "旅行"])
    assert creator.submission_enabled and not creator.spread_enabled
    assert dict(Quote.objects.filter(creator=creator).values_list("kind", "amount")) == {
        "video_1_20s": Decimal("8000"),
        "video_21_60s": Decimal("0"),
    }


def test_profile_update_refuses_a_negative_quote(creator) -> None:
    with pytest.raises(ApplicationError):
        profile_update(creator=creator, intro="", region="", industries=[], submission_enabled=False,
                       spread_enabled=False, quotes={"video_1_20s": Decimal("-1")}, at=T)  # fmt: skip
    assert not Quote.objects.exists()
