"""``seed_demo`` (docs/interfaces.md §5): logins, catalogue, a feed that goes through the ingest, idempotence,
and creators spread over the tiers by their data. The generator alone is tested in ``test_feed``."""

import io
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from academy.models import Course, CourseProgress, Lesson
from console import permissions
from creators.models import (
    Content,
    Creator,
    CreditDaily,
    FansDaily,
    Order,
    PortalEvent,
    Quote,
    SubmissionEntry,
    SubmissionTask,
)
from demo.catalogue import COURSES, TASKS
from demo.emit import line_type
from demo.feed import generate_lines
from demo.history import reference_time
from demo.story import DEMO_CREATOR_ID
from levels.models import CreatorLevel, LevelChange
from levels.rules import load_rules
from levels.selectors import creator_progress

pytestmark = pytest.mark.django_db

AT = "2026-05-20T10:30:00+08:00"
AT_DT = datetime.fromisoformat(AT)
N = 40
INGEST_TYPES = {"creator", "content", "fans", "credit", "order", "course_progress", "submission", "event"}
MODELS = (
    Creator, Quote, Content, FansDaily, CreditDaily, Order, PortalEvent, SubmissionTask, SubmissionEntry,
    Course, Lesson, CourseProgress,
)  # fmt: skip


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", f"--creators={N}", f"--at={AT}", "--demo-logins", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded() -> str:
    return seed()


# --- Logins ----------------------------------------------------------------------------------------


def test_operator_login_is_staff_in_the_operators_group(seeded):
    operator = get_user_model().objects.get(username="operator")

    assert operator.is_staff
    assert operator.groups.filter(name=settings.OPERATORS_GROUP).exists()
    assert operator.check_password("operator")


def test_viewer_login_is_staff_in_the_viewers_group_and_may_only_look(seeded):
    viewer = get_user_model().objects.get(username="viewer")

    assert viewer.check_password("viewer")
    assert viewer.is_staff
    assert list(viewer.groups.values_list("name", flat=True)) == [settings.VIEWERS_GROUP]
    assert viewer.has_perm(permissions.VIEW)
    assert not any(viewer.has_perm(p) for p in permissions.ACTIONS.values())


def test_client_login_is_in_the_clients_group_without_the_console(seeded):
    client = get_user_model().objects.get(username="client")

    assert client.check_password("client")
    assert not client.is_staff
    assert list(client.groups.values_list("name", flat=True)) == [settings.CLIENTS_GROUP]
    assert not client.has_perm(permissions.VIEW)


def test_running_again_keeps_one_membership_and_the_passwords(seeded):
    User = get_user_model()
    viewer = User.objects.get(username="viewer")
    viewer.set_password("changed")
    viewer.save()

    seed()

    assert User.objects.get(username="viewer").check_password("changed")  # set only when created
    assert User.objects.filter(username__in=["operator", "viewer", "client", "creator"]).count() == 4
    assert Group.objects.get(name=settings.VIEWERS_GROUP).user_set.filter(username="viewer").count() == 1
    assert set(Group.objects.values_list("name", flat=True)) == set(permissions.GROUPS)


def test_with_debug_off_and_no_flag_it_refuses_and_writes_nothing(settings):
    settings.DEBUG = False
    users = get_user_model().objects.count()

    with pytest.raises(CommandError, match="--demo-logins"):
        call_command("seed_demo", f"--creators={N}", f"--at={AT}", stdout=io.StringIO())

    assert get_user_model().objects.count() == users
    assert all(n == 0 for n in row_counts().values())


def test_with_debug_on_the_logins_need_no_flag(settings):
    settings.DEBUG = True

    call_command("seed_demo", "--creators=2", f"--at={AT}", stdout=io.StringIO())

    assert get_user_model().objects.filter(username__in=["operator", "viewer", "client", "creator"]).count() == 4


def test_if_empty_on_a_seeded_database_needs_no_flag(settings):
    # ``make run`` runs ``seed_demo --if-empty`` every time: with nothing to do, it creates no login and
    # so has nothing to refuse.
    settings.DEBUG = False
    Creator.objects.create(external_id="c-1", nickname="已有达人")

    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)

    assert "nothing to do" in out.getvalue()
    assert not get_user_model().objects.exists()


def test_creator_login_is_linked_to_the_demo_creator(seeded):
    user = get_user_model().objects.get(username="creator")

    assert user.check_password("creator")
    assert not user.is_staff
    assert user.creator.external_id == DEMO_CREATOR_ID


# --- Catalogue ---------------------------------------------------------------------------------------


def test_every_course_has_three_to_six_lessons(seeded):
    courses = Course.objects.annotate(n=Count("lessons"))

    assert courses.count() == len(COURSES) >= 10
    assert all(3 <= c.n <= 6 and c.title for c in courses)
    assert not Lesson.objects.filter(duration_seconds=0).exists()


def test_submission_tasks_include_guarantee_tasks_open_and_closed(seeded):
    at = AT_DT
    tasks = SubmissionTask.objects.all()

    assert tasks.count() == len(TASKS)
    assert tasks.filter(is_guarantee=True, guarantee_threshold__gt=0).count() >= 3
    assert tasks.filter(opens_at__lte=at, closes_at__gt=at).exists()  # open now
    assert tasks.filter(closes_at__lte=at, is_guarantee=True).exists()  # closed: ready to settle
    assert tasks.filter(opens_at__gt=at).exists()  # not open yet


# --- The feed ----------------------------------------------------------------------------------------


def test_every_ingest_type_is_generated_and_stored(seeded):
    types = {line_type(line) for line in generate_lines(N, seed=42, at=AT_DT, ref=reference_time(AT_DT))}

    assert types == INGEST_TYPES
    assert all(row_counts()[name] > 0 for name in ("Content", "FansDaily", "CreditDaily", "Order", "Quote"))
    assert all(row_counts()[name] > 0 for name in ("PortalEvent", "SubmissionEntry", "CourseProgress"))
    assert Creator.objects.count() == N


def test_running_again_adds_no_rows(seeded):
    before = row_counts()

    seed()

    assert row_counts() == before


def test_if_empty_does_nothing_when_a_creator_exists():
    Creator.objects.create(external_id="c-1", nickname="已有达人")

    out = seed("--if-empty")

    assert "nothing to do" in out
    assert Creator.objects.count() == 1
    assert not Course.objects.exists()


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")

    assert Creator.objects.count() == N


def test_summary_reports_creators_and_lines(seeded):
    last = seeded.strip().splitlines()[-1]

    assert f"{N} creators" in last and "content" in last and "lines" in last


# --- Tiers, read from the data alone ------------------------------------------------------------


def posts_in_window():
    window = Q(contents__published_at__gte=AT_DT - timedelta(days=30), contents__published_at__lt=AT_DT)
    return Creator.objects.annotate(posts=Count("contents", filter=window))


def test_some_creators_have_lv4_sized_data(seeded):
    # LV4 needs fans > 500,000 and ≥ 30 posts in the window (docs/program.md §1).
    assert posts_in_window().filter(fans__gt=500_000, posts__gte=30).exists()


def test_some_creators_fail_lv1_on_posts(seeded):
    assert posts_in_window().filter(posts__lt=5).exists()


def test_creators_sit_in_several_fan_bands(seeded):
    fans = list(Creator.objects.values_list("fans", flat=True))

    assert any(f < 10_000 for f in fans)
    assert any(10_000 <= f <= 300_000 for f in fans)
    assert any(300_000 < f <= 500_000 for f in fans)


def test_mass_minigame_cancelled_and_open_orders_are_present(seeded):
    # Orders the level rules must exclude: without them the exclusions are never exercised.
    assert Order.objects.filter(kind="mass", status="completed").exists()
    assert Order.objects.filter(kind="minigame", status="completed").exists()
    assert Order.objects.filter(status="cancelled").exists()
    assert Order.objects.filter(status="in_progress").exists()


def test_submission_entries_use_the_seeded_tasks_and_the_creators_own_content(seeded):
    codes = {code for code, *_ in TASKS}
    entries = SubmissionEntry.objects.select_related("task", "content")

    assert entries.exists()
    for entry in entries:
        assert entry.task.code in codes
        assert entry.content.creator_id == entry.creator_id
        assert entry.task.opens_at <= entry.submitted_at < entry.task.closes_at


def test_demo_creator_is_short_of_lv3_posts_with_likes_just_over_the_bar(seeded):
    # c-1001 is shaped to be at risk on one LV3 requirement: 17 posts (< 20), likes just > 10,000.
    creator = Creator.objects.get(external_id=DEMO_CREATOR_ID)
    window = creator.contents.filter(published_at__gte=AT_DT - timedelta(days=30), published_at__lt=AT_DT)

    assert window.count() == 17
    assert 10_000 < sum(window.values_list("likes", flat=True)) < 11_000
    assert creator.fans > 300_000


# --- Levels come from the engine ------------------------------------------------------------------


def test_levels_spread_over_every_level_and_come_with_history(seeded):
    held = list(CreatorLevel.objects.values_list("level", flat=True))
    assert {0, 1, 2, 3, 4} <= {*held, 0}
    assert {1, 2, 3, 4} <= set(held)
    # Every level was reached through an assessment, never set directly: the creator's latest change
    # moved them to the level they hold (the history may hold earlier moves too).
    for creator_level in CreatorLevel.objects.filter(level__gt=0):
        latest = LevelChange.objects.filter(creator_id=creator_level.creator_id).order_by("-at", "-id").first()
        assert latest is not None and latest.to_level == creator_level.level


def test_demo_creator_holds_lv3_and_is_at_risk(seeded):
    creator = Creator.objects.get(user__username="creator")
    progress = creator_progress(creator=creator, at=AT_DT, rules=load_rules())
    assert (progress.level, progress.at_risk) == (3, True)
    assert progress.evaluation.failed[3] == ["posts_30d"]
    assert creator.entitlements.filter(status="available").exists()
    assert creator.guarantee_cards.filter(status="active").count() >= 3
