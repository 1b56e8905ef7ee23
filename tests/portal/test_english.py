"""The portal for an English reader (docs/i18n.md): the benefit catalogue, messages, industries, tasks and
courses read in English; what creators wrote (intro, nickname, a case) reads as written; stored values stay
the Chinese ones the data platform and the forms use."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from academy.models import Course, Lesson
from benefits.models import FeaturedCase, LevelBenefit
from benefits.services.dispatches import dispatch_record
from creators.messages import Link
from creators.models import AssistantMessage, Creator, SubmissionTask
from creators.services import messages_send_for_each
from tests.builders import AT, uid
from tests.portal.support import NOW, assess, creator_with_login, entitlement, now, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
EN = {"Accept-Language": "en"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def open_task(title: str, title_en: str = "", **extra) -> SubmissionTask:
    return SubmissionTask.objects.create(
        code=uid("task"), brand="蜜雪冰城", title=title, title_en=title_en,
        opens_at=NOW - timedelta(days=3), closes_at=NOW + timedelta(days=10), **extra,
    )  # fmt: skip


def send_dispatch_message(creator: Creator, task: SubmissionTask, *, key: str = "1") -> None:
    """The message ``dispatch_record`` sends, stored as it stores it: the task's Chinese title and its code."""
    messages_send_for_each(
        creators=Creator.objects.filter(pk=creator.pk).values(creator_id=F("pk")),
        text="task_dispatched",
        params={"task": task.title, "code": task.code, "delivered": 1, "quantity": 4},
        link=Link("task", args=(task.code,)),
        at=AT,
        dedupe_key=f"test-dispatch:{key}:{{id}}",
    )


# --- the catalogue -----------------------------------------------------------------------------------


def test_my_benefits_names_and_describes_every_benefit_in_english(creator_client: Client) -> None:
    assess()
    body = creator_client.get("/benefits/", headers=EN).content.decode()

    rows = [re.sub(r"<[^>]+>", " ", r) for r in re.findall(r'<li class="benefit-row.*?</li>', body, re.S)]
    assert rows
    assert [r for r in rows if CJK.search(r)] == []
    page = text(creator_client.get("/benefits/", headers=EN))
    assert "Submission task guarantee card" in page and "1-on-1 client recommendation" in page
    assert "An official operator gets in touch" in page
    assert "Worth ¥10k · gold diamond slot" in page


def test_my_benefits_in_chinese_is_unchanged(creator_client: Client) -> None:
    assess()
    page = text(creator_client.get("/benefits/"))
    note = LevelBenefit.objects.get(benefit__code="diamond_slot", level=3, kind="basic").value_note
    assert "投稿任务收益保底卡" in page and note in page
    assert "Submission task guarantee card" not in page


def test_claim_toast_names_the_benefit_in_english(creator_client: Client, creator) -> None:
    assess()
    case = entitlement(creator, "featured_case")
    response = creator_client.post(f"/benefits/{case.pk}/claim/", headers={**EN, "HX-Request": "true"})
    assert "Priority listing in the Academy&#x27;s featured cases" in response.content.decode()


# --- messages ----------------------------------------------------------------------------------------


def test_a_message_reads_in_english_from_its_kind_and_parameters(creator_client: Client, creator) -> None:
    task = open_task("夏日新品测评", "Summer taste test")
    send_dispatch_message(creator, task)
    message = AssistantMessage.objects.get(creator=creator)
    assert (message.title, message.body) == ("", "")  # nothing worded is stored
    assert message.params["task"] == "夏日新品测评"

    english = text(creator_client.get("/messages/", headers=EN))
    assert "A submission task was dispatched to you" in english and "Summer taste test" in english
    assert "夏日新品测评" not in english
    assert "优质投稿任务「夏日新品测评」已额外派发给你" in text(creator_client.get("/messages/"))


def test_a_message_names_the_task_as_it_reads_now(creator_client: Client, creator) -> None:
    """The task's name is looked up when the message is shown: an English title given after the message was
    sent is used, and a task that is gone reads as the message stored it."""
    task = open_task("夏日新品测评")
    send_dispatch_message(creator, task)
    assert "夏日新品测评" in text(creator_client.get("/messages/", headers=EN))

    SubmissionTask.objects.filter(pk=task.pk).update(title_en="Summer taste test")
    assert "Summer taste test" in text(creator_client.get("/messages/", headers=EN))

    task.delete()
    assert "夏日新品测评" in text(creator_client.get("/messages/", headers=EN))


def test_dispatching_a_task_tells_the_creator_in_their_language(client: Client) -> None:
    creator = creator_with_login(2, "dora")
    assess()
    task = open_task("夏日新品测评", "Summer taste test")
    dispatch_record(creator_external_id=creator.external_id, task_code=task.code, actor=None, request_id=uid("r"),
                    at=NOW)  # fmt: skip
    client.force_login(creator.user)

    assert "“Summer taste test” was dispatched to you" in text(client.get("/messages/", headers=EN))
    assert "「夏日新品测评」已额外派发给你" in text(client.get("/messages/"))


def test_task_names_in_the_inbox_cost_one_query(creator_client: Client, creator) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = creator_client.get("/messages/", headers=EN)
        assert response.status_code == 200
        return len(captured)

    send_dispatch_message(creator, open_task("任务0", "Task 0"), key="0")
    one = queries()
    for i in range(1, 6):
        send_dispatch_message(creator, open_task(f"任务{i}", f"Task {i}"), key=str(i))
    assert queries() == one


# --- vocabularies and platform content ---------------------------------------------------------------


def test_industries_read_in_english_and_stay_stored_in_chinese(creator_client: Client, creator) -> None:
    Creator.objects.filter(pk=creator.pk).update(industries=["旅行", "露营"])
    body = creator_client.get("/profile/", headers=EN).content.decode()

    assert re.search(r'value="旅行"[^>]*checked[^<]*>\s*<span>Travel</span>', body)
    assert re.search(r'value="美妆"[^>]*>\s*<span>Beauty</span>', body)
    assert re.search(r'value="露营"[^>]*checked[^<]*>\s*<span>露营</span>', body)  # not in the vocabulary
    chinese = creator_client.get("/profile/").content.decode()
    assert re.search(r'value="旅行"[^>]*checked[^<]*>\s*<span>旅行</span>', chinese)


def test_console_lists_industries_in_the_readers_language(operator_client: Client, creator) -> None:
    Creator.objects.filter(pk=creator.pk).update(industries=["旅行", "美食", "露营"])
    assert "Travel, Food, 露营" in text(operator_client.get(f"/console/creators/{creator.external_id}/", headers=EN))
    assert "旅行、美食、露营" in text(operator_client.get(f"/console/creators/{creator.external_id}/"))


def test_tasks_and_courses_read_in_english_where_the_platform_gave_english(creator_client: Client) -> None:
    open_task("夏日新品测评", "Summer taste test", description="围绕新品创作。", description_en="Film the new drink.")
    open_task("只有中文的任务")
    course = Course.objects.create(code="c-en", title="短视频脚本创作", title_en="Writing short-video scripts",
                                   summary="写出好脚本。", summary_en="Write good scripts.")  # fmt: skip
    Lesson.objects.create(course=course, position=1, title="黄金3秒开头", title_en="The golden first three seconds")

    hall = text(creator_client.get("/tasks/", headers=EN))
    assert "Summer taste test" in hall and "夏日新品测评" not in hall
    assert "只有中文的任务" in hall  # no English given: the Chinese title
    assert "蜜雪冰城" in hall  # a brand's name reads as written
    academy = text(creator_client.get("/academy/", headers=EN))
    assert "Writing short-video scripts" in academy and "Write good scripts." in academy
    lessons = text(creator_client.get("/academy/c-en/", headers=EN))
    assert "The golden first three seconds" in lessons
    assert "黄金3秒开头" in text(creator_client.get("/academy/c-en/"))


def test_what_creators_wrote_reads_as_written(creator_client: Client, creator) -> None:
    Creator.objects.filter(pk=creator.pk).update(intro="专注杭州美食探店，欢迎合作。", nickname="桃桃爱旅行")
    assess()
    FeaturedCase.objects.create(
        creator=creator, entitlement=entitlement(creator, "featured_case"), title="一条探店视频的复盘",
        link="https://www.douyin.com/video/1", recommendation="三个镜头讲清一家店。", status="approved",
        submitted_at=AT, reviewed_at=AT,
    )  # fmt: skip

    assert "专注杭州美食探店，欢迎合作。" in text(creator_client.get("/profile/", headers=EN))
    gallery = text(creator_client.get("/cases/", headers=EN))
    assert "一条探店视频的复盘" in gallery and "三个镜头讲清一家店。" in gallery and "桃桃爱旅行" in gallery
