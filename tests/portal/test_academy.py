"""星图学院 pages: the course list, a course, and marking a lesson watched (HTMX and full page)."""

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from academy.models import CourseProgress, LessonView
from tests.activity_builders import course

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def c():
    return course(5, title="投稿任务实战")


def watched_url(lesson) -> str:
    return f"/academy/lessons/{lesson.pk}/watched/"


# --- permissions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/academy/", "/academy/{code}/"])
def test_anonymous_is_sent_to_login(client: Client, c, path) -> None:
    response = client.get(path.format(code=c.code))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/academy/", "/academy/{code}/"])
def test_operator_is_refused(operator_client: Client, c, path) -> None:
    assert operator_client.get(path.format(code=c.code)).status_code == 403


def test_operator_cannot_mark_a_lesson(operator_client: Client, c) -> None:
    assert operator_client.post(watched_url(c.lessons.first())).status_code == 403
    assert not LessonView.objects.exists()


def test_anonymous_post_is_sent_to_login(client: Client, c) -> None:
    response = client.post(watched_url(c.lessons.first()))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_get_on_lesson_watched_is_405(creator_client: Client, c) -> None:
    assert creator_client.get(watched_url(c.lessons.first())).status_code == 405


def test_unknown_or_unpublished_course_is_404(creator_client: Client) -> None:
    hidden = course(2, published=False)
    assert creator_client.get("/academy/no-such-course/").status_code == 404
    assert creator_client.get(f"/academy/{hidden.code}/").status_code == 404
    assert creator_client.post(watched_url(hidden.lessons.first())).status_code == 404
    assert creator_client.post("/academy/lessons/999999/watched/").status_code == 404


def test_marking_needs_the_csrf_token(creator, c) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(creator.user)
    assert client.post(watched_url(c.lessons.first()), headers=HTMX).status_code == 403
    assert not LessonView.objects.exists()

    page = client.get(f"/academy/{c.code}/")  # base.html puts the token in hx-headers for every HTMX request
    token = page.cookies["csrftoken"].value
    response = client.post(watched_url(c.lessons.first()), headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200


def test_a_creator_sees_only_their_own_progress(creator_client: Client, other_creator, c) -> None:
    lesson = c.lessons.first()
    LessonView.objects.create(creator=other_creator, lesson=lesson, watched_at="2026-11-01T00:00+08:00")
    CourseProgress.objects.create(creator=other_creator, course=c, completion=1.0, updated_at="2026-11-01T00:00+08:00",
                                  completed_at="2026-11-01T00:00+08:00")  # fmt: skip

    body = creator_client.get(f"/academy/{c.code}/").content.decode()

    assert "已学 0 / 5 课时" in body
    assert "未开始" in body


# --- pages ------------------------------------------------------------------------------------------


def test_course_list_shows_completion_and_the_completed_count(creator_client: Client, creator, c) -> None:
    CourseProgress.objects.create(creator=creator, course=c, completion=0.4, updated_at="2026-11-01T00:00+08:00")

    response = creator_client.get("/academy/")

    body = response.content.decode()
    assert response.status_code == 200
    # The LV3-shaped fixture has 8 completed courses (builders.SHAPES[3]); LV4 needs 10.
    assert "已完成 8 门课程" in body
    assert "再完成 2 门即满足 LV4" in body
    assert "投稿任务实战" in body
    assert 'class="pct-40"' in body
    assert "学习中" in body


def test_course_page_lists_lessons_with_their_state(creator_client: Client, creator, c) -> None:
    first = c.lessons.order_by("position").first()
    LessonView.objects.create(creator=creator, lesson=first, watched_at="2026-11-20T10:00+08:00")

    body = creator_client.get(f"/academy/{c.code}/").content.decode()

    assert body.count('class="lesson-row is-watched"') == 1
    assert body.count("标记学完</button>") == 4
    assert "2026-11-20 10:00 学完" in body


# --- marking a lesson -------------------------------------------------------------------------------


def test_htmx_mark_returns_the_row_and_the_progress_out_of_band(creator_client: Client, creator, c) -> None:
    lesson = c.lessons.order_by("position").first()

    response = creator_client.post(watched_url(lesson), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="lesson-{lesson.pk}"' in body and "已学完" in body
    assert 'id="course-progress" hx-swap-oob="true"' in body
    assert "已学 1 / 5 课时" in body
    assert "已标记为学完" in body  # the toast, appended out of band
    assert LessonView.objects.filter(creator=creator, lesson=lesson).exists()


def test_full_page_mark_redirects_back_to_the_course(creator_client: Client, creator, c) -> None:
    lesson = c.lessons.order_by("position").first()

    response = creator_client.post(watched_url(lesson))

    assert response.status_code == 302
    assert response["Location"] == f"/academy/{c.code}/#lesson-{lesson.pk}"
    follow = creator_client.get(response["Location"])
    assert "已标记为学完" in follow.content.decode()
    assert CourseProgress.objects.get(creator=creator, course=c).completion == 0.2


def test_the_lesson_that_completes_the_course_says_so(creator_client: Client, creator, c) -> None:
    for lesson in list(c.lessons.order_by("position"))[:3]:
        creator_client.post(watched_url(lesson), headers=HTMX)

    body = creator_client.post(watched_url(c.lessons.order_by("position")[3]), headers=HTMX).content.decode()

    assert "课程已完成" in body
    assert CourseProgress.objects.get(creator=creator, course=c).completed_at is not None


# --- the progress sentence ---------------------------------------------------------------------------
# "已学 0/4" beside "完成率 20%" read as a contradiction: both figures now sit in one sentence that says
# why they differ, rendered by the same partial for the full page and the HTMX update.

AHEAD = "已学 {w} / {n} 课时，完成率 {pct}%：完成率还计入了你在巨量星图其他端的学习记录，所以高于这里已学的课时。"
SAME = "已学 {w} / {n} 课时，完成率 {pct}%；你在巨量星图其他端的学习记录也会计入完成率。"
BEHIND = "已学 {w} / {n} 课时，完成率 {pct}%：完成率以巨量星图最新同步的学习记录为准，下次在这里标记学完时会一并计入。"


def note(body: str) -> str:
    """The text of the course's progress sentence."""
    match = re.search(r'<p class="progress-note">(.*?)</p>', body, re.S)
    assert match, "no progress sentence"
    return html.unescape(match.group(1)).strip()


def reported(creator, c, completion: float) -> None:
    """What the ingest stores when the platform reports progress made on another device."""
    CourseProgress.objects.create(creator=creator, course=c, completion=completion, updated_at="2026-11-01T00:00+08:00")


def test_the_page_explains_a_completion_ahead_of_the_lessons_ticked_here(creator_client: Client, creator) -> None:
    c = course(4)
    reported(creator, c, 0.2)
    response = creator_client.get(f"/academy/{c.code}/")
    assert response.status_code == 200
    assert note(response.content.decode()) == AHEAD.format(w=0, n=4, pct=20)


def test_the_htmx_update_keeps_the_sentence_with_both_figures(creator_client: Client, creator) -> None:
    c = course(5)
    reported(creator, c, 0.6)
    lesson = c.lessons.order_by("position").first()
    response = creator_client.post(watched_url(lesson), headers=HTMX)
    assert response.status_code == 200
    assert 'id="course-progress" hx-swap-oob="true"' in response.content.decode()
    assert note(response.content.decode()) == AHEAD.format(w=1, n=5, pct=60)
    # The full page after the update says the same.
    assert note(creator_client.get(f"/academy/{c.code}/").content.decode()) == AHEAD.format(w=1, n=5, pct=60)


def test_when_the_lessons_catch_up_the_sentence_says_so_on_both_paths(creator_client: Client, creator) -> None:
    c = course(4)
    reported(creator, c, 0.2)
    lesson = c.lessons.order_by("position").first()
    fragment = creator_client.post(watched_url(lesson), headers=HTMX).content.decode()
    assert note(fragment) == SAME.format(w=1, n=4, pct=25)  # 1 of 4 lessons: 25%, above the 20% reported
    assert note(creator_client.get(f"/academy/{c.code}/").content.decode()) == SAME.format(w=1, n=4, pct=25)


def test_a_later_lower_report_is_explained(creator_client: Client, creator) -> None:
    c = course(4)
    for lesson in list(c.lessons.order_by("position"))[:2]:
        LessonView.objects.create(creator=creator, lesson=lesson, watched_at="2026-10-01T00:00+08:00")
    reported(creator, c, 0.2)
    assert note(creator_client.get(f"/academy/{c.code}/").content.decode()) == BEHIND.format(w=2, n=4, pct=20)


def test_a_course_never_started_says_both_figures_too(creator_client: Client, creator) -> None:
    c = course(3)
    assert note(creator_client.get(f"/academy/{c.code}/").content.decode()) == SAME.format(w=0, n=3, pct=0)


def test_the_sentence_in_english(creator_client: Client, creator) -> None:
    c = course(4)
    reported(creator, c, 0.2)
    creator_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    sentence = note(creator_client.get(f"/academy/{c.code}/").content.decode())
    assert sentence.startswith("0 / 4 lessons done here, 20% complete: completion also counts")


# --- query counts -----------------------------------------------------------------------------------


def _queries(client: Client, path: str, *, shows: str) -> int:
    """Queries to answer ``path``, which must be a 200 showing ``shows``: a refused or empty page is
    cheap, so a count taken from one would pass for the wrong reason."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert shows in response.content.decode()
    return len(captured)


def test_course_list_queries_do_not_grow_with_courses(creator_client: Client, creator) -> None:
    course(3, title="第一门课")
    few = _queries(creator_client, "/academy/", shows="第一门课")
    for i in range(15):
        more = course(6, title=f"课程{i}号")
        CourseProgress.objects.create(creator=creator, course=more, completion=0.5, updated_at="2026-11-01T00:00+08:00")
    assert _queries(creator_client, "/academy/", shows="课程14号") <= few


def test_course_page_queries_do_not_grow_with_lessons(creator_client: Client, creator) -> None:
    small, big = course(2), course(40)
    few = _queries(creator_client, f"/academy/{small.code}/", shows="第2课")
    for lesson in list(big.lessons.all())[:20]:
        LessonView.objects.create(creator=creator, lesson=lesson, watched_at="2026-11-01T00:00+08:00")
    assert _queries(creator_client, f"/academy/{big.code}/", shows="已学 20 / 40 课时") <= few
