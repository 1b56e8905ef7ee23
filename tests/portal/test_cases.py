"""学院精选案例 (FAQ Q10): claim → submit → operator review (reject with a reason, resubmit, approve) →
the public gallery; one approved case per creator; messages and audit rows on every review."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from benefits.models import Entitlement, FeaturedCase
from benefits.services.cases import case_review, case_submit
from benefits.services.grants import entitlement_claim
from creators.models import AssistantMessage, AuditLog
from lib.errors import ApplicationError
from tests.portal.support import NOW, assess, entitlement, fragment, now, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
HTMX = {"HX-Request": "true"}
CASE = {
    "title": "三个月涨粉二十万的探店脚本",
    "link": "https://v.douyin.com/abc123/",
    "recommendation": "从选题、拍摄到投流的完整复盘。",
}


@pytest.fixture
def featured(creator) -> Entitlement:
    """The creator's 学院精选案例 entitlement, claimed."""
    assess()
    e = entitlement(creator, "featured_case")
    entitlement_claim(creator=creator, entitlement_id=e.pk, at=NOW)
    return e


@pytest.fixture
def reviewer(db) -> User:
    return User.objects.create_user("reviewer", password="pw", is_staff=True)


def url(e: Entitlement) -> str:
    return f"/benefits/{e.pk}/case/"


# --- who may see it ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    assert client.get("/benefits/1/case/")["Location"].startswith("/accounts/login/")
    assert client.get("/cases/")["Location"] == "/accounts/login/?next=/cases/"


def test_operator_gets_403_on_the_form_but_may_read_the_gallery(operator_client: Client) -> None:
    assert operator_client.get("/benefits/1/case/").status_code == 403
    assert operator_client.get("/cases/").status_code == 200


def test_another_creators_case_form_is_not_found(creator_client: Client, other_creator, featured) -> None:
    theirs = entitlement(other_creator, "featured_case")
    assert creator_client.get(url(theirs)).status_code == 404
    assert creator_client.post(url(theirs), CASE).status_code == 404
    assert not FeaturedCase.objects.exists()


def test_another_benefit_has_no_case_form(creator_client: Client, featured, creator) -> None:
    assert creator_client.get(url(entitlement(creator, "identity_tag"))).status_code == 404


def test_gallery_refuses_post(creator_client: Client) -> None:
    assert creator_client.post("/cases/").status_code == 405


# --- before claiming ---------------------------------------------------------------------------------


def test_before_claiming_the_form_points_to_the_claim(creator_client: Client, creator) -> None:
    assess()
    e = entitlement(creator, "featured_case")
    body = text(creator_client.get(url(e)))
    assert "先领取权益，再提交案例" in body
    assert 'name="recommendation"' not in creator_client.get(url(e)).content.decode()
    response = creator_client.post(url(e), CASE)
    assert "请先在“我的权益”领取学院精选案例优先上线权" in text(response)
    assert not FeaturedCase.objects.exists()


# --- the review cycle ------------------------------------------------------------------------------------


def test_review_cycle_submit_reject_resubmit_approve_gallery(creator_client: Client, creator, featured, reviewer):
    # Submit (full page): pending review.
    response = creator_client.post(url(featured), CASE)
    assert response.status_code == 302 and response["Location"] == url(featured)
    page = text(creator_client.get(url(featured)))
    assert "已提交，审核通过后将在精选案例上线" in page and "案例审核中" in page
    first = FeaturedCase.objects.get()
    assert (first.status, first.submitted_at, first.title) == ("pending", NOW, CASE["title"])
    assert "案例审核中" in text(creator_client.get("/benefits/"))

    # Rejected with a reason: shown on the form, which comes back prefilled.
    case_review(
        case_id=first.pk,
        actor=reviewer,
        request_id=None,
        approve=False,
        reason="链接打不开，请换成公开作品链接",
        at=NOW,
    )
    page = creator_client.get(url(featured)).content.decode()
    assert "链接打不开，请换成公开作品链接" in page
    assert f'value="{CASE["link"]}"' in page
    assert "修改后重新提交" in text(creator_client.get("/benefits/"))
    note = AssistantMessage.objects.get(creator=creator, kind="case")
    assert "未通过" in note.display_title and "链接打不开" in note.display_body and note.url == url(featured)

    # Resubmit: a new row, pending again.
    creator_client.post(url(featured), {**CASE, "link": "https://v.douyin.com/public/"})
    second = FeaturedCase.objects.latest("pk")
    assert second.pk != first.pk and second.status == "pending"

    # Approve: in the gallery, newest first, with nickname, title, link and text.
    case_review(
        case_id=second.pk, actor=reviewer, request_id=None, approve=True, reason="", at=NOW + timedelta(hours=1)
    )
    gallery = creator_client.get("/cases/")
    body = text(gallery)
    assert creator.nickname in body and CASE["title"] in body and CASE["recommendation"] in body
    assert 'href="https://v.douyin.com/public/"' in gallery.content.decode()
    assert "你的案例已上线" in text(creator_client.get(url(featured)))
    assert AssistantMessage.objects.get(creator=creator, kind="case", template="case_approved").display_title == (
        "你的精选案例已上线"
    )
    assert list(AuditLog.objects.order_by("pk").values_list("action", "target_id", "actor")) == [
        ("case.reject", str(first.pk), reviewer.pk),
        ("case.approve", str(second.pk), reviewer.pk),
    ]


def test_submit_over_htmx_swaps_the_panel(creator_client: Client, featured) -> None:
    response = creator_client.post(url(featured), CASE, headers=HTMX)
    body = fragment(response)
    assert body.lstrip().startswith('<div id="case-panel"')
    assert "案例审核中" in body and "已提交，审核通过后将在精选案例上线" in body


def test_invalid_input_re_renders_the_form_with_errors(creator_client: Client, featured) -> None:
    bad = {"title": "", "link": "不是链接", "recommendation": "长" * 2001}
    response = creator_client.post(url(featured), bad, headers=HTMX)
    body = fragment(response)
    assert response.status_code == 200  # htmx swaps 2xx only
    assert body.count('class="errorlist') == 3
    full = creator_client.post(url(featured), bad)
    assert full.status_code == 200 and "<html" in full.content.decode()
    assert not FeaturedCase.objects.exists()


def test_a_second_submission_while_pending_is_refused(creator_client: Client, featured) -> None:
    creator_client.post(url(featured), CASE)
    response = creator_client.post(url(featured), CASE)
    assert FeaturedCase.objects.count() == 1
    assert response.status_code == 200  # the form is not even offered; the page says why
    assert "案例审核中" in text(response)


def test_at_most_one_approved_case_per_creator(creator, featured, reviewer) -> None:
    first = case_submit(creator=creator, entitlement_id=featured.pk, at=NOW, **CASE)
    case_review(case_id=first.pk, actor=reviewer, request_id=None, approve=True, reason="", at=NOW)
    with pytest.raises(ApplicationError, match="每位达人只能上线1条精选案例"):
        case_submit(creator=creator, entitlement_id=featured.pk, at=NOW, **CASE)
    # A second pending case slipped in (e.g. created in the admin): approving it is refused, no IntegrityError.
    extra = FeaturedCase.objects.create(creator=creator, entitlement=featured, submitted_at=NOW, **CASE)
    with pytest.raises(ApplicationError, match="每位达人只能上线1条精选案例"):
        case_review(case_id=extra.pk, actor=reviewer, request_id=None, approve=True, reason="", at=NOW)
    assert FeaturedCase.objects.get(pk=extra.pk).status == "pending"


def test_a_rejection_needs_a_reason(creator, featured, reviewer) -> None:
    case = case_submit(creator=creator, entitlement_id=featured.pk, at=NOW, **CASE)
    with pytest.raises(ApplicationError, match="请填写未通过的原因"):
        case_review(case_id=case.pk, actor=reviewer, request_id=None, approve=False, reason="  ", at=NOW)


def test_a_case_is_reviewed_once(creator, featured, reviewer) -> None:
    case = case_submit(creator=creator, entitlement_id=featured.pk, at=NOW, **CASE)
    case_review(case_id=case.pk, actor=reviewer, request_id=None, approve=False, reason="太短", at=NOW)
    with pytest.raises(ApplicationError, match="已审核过"):
        case_review(case_id=case.pk, actor=reviewer, request_id=None, approve=True, reason="", at=NOW)


def test_gallery_shows_only_approved_cases_newest_first(creator_client: Client, creator, other_creator, reviewer):
    assess()
    for who, title, hours in ((creator, "较早上线", 1), (other_creator, "最新上线", 2)):
        e = entitlement(who, "featured_case")
        entitlement_claim(creator=who, entitlement_id=e.pk, at=NOW)
        case = case_submit(creator=who, entitlement_id=e.pk, at=NOW, **{**CASE, "title": title})
        case_review(
            case_id=case.pk, actor=reviewer, request_id=None, approve=True, reason="", at=NOW + timedelta(hours=hours)
        )
    e = entitlement(creator, "featured_case")
    FeaturedCase.objects.create(creator=creator, entitlement=e, submitted_at=NOW, **{**CASE, "title": "还在审核"})
    body = text(creator_client.get("/cases/"))
    assert body.index("最新上线") < body.index("较早上线")
    assert "还在审核" not in body


def test_admin_actions_approve_and_reject_with_a_reason(client: Client, creator, featured) -> None:
    admin = User.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    first = case_submit(creator=creator, entitlement_id=featured.pk, at=NOW, **CASE)
    changelist = "/admin/benefits/featuredcase/"
    form = client.post(changelist, {"action": "reject", "_selected_action": [first.pk]})
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()  # asks for the reason first
    client.post(changelist, {"action": "reject", "_selected_action": [first.pk], "apply": "1", "reason": "太短"})
    assert FeaturedCase.objects.get(pk=first.pk).review_note == "太短"
    second = case_submit(creator=creator, entitlement_id=featured.pk, at=NOW, **CASE)
    client.post(changelist, {"action": "approve", "_selected_action": [second.pk]})
    assert FeaturedCase.objects.get(pk=second.pk).status == "approved"
    assert AuditLog.objects.filter(actor=admin).count() == 2


# --- the link's scheme and the limits, said in a creator's words -------------------------------------------

SCHEME_ERROR = "作品链接要以 http:// 或 https:// 开头。"


@pytest.mark.parametrize(
    "link", ["http://v.douyin.com/abc123/", "https://www.douyin.com/video/7301", "HTTPS://v.douyin.com/x/"]
)
def test_http_and_https_links_are_accepted(creator_client: Client, featured, link: str) -> None:
    response = creator_client.post(url(featured), {**CASE, "link": link})
    assert response.status_code == 302
    assert FeaturedCase.objects.get().link == link


@pytest.mark.parametrize(
    "link", ["ftp://files.example.com/case.mp4", "javascript:alert(1)", "v.douyin.com/abc123/", "mailto:a@b.cn"]
)
def test_other_links_are_refused_in_the_words_of_the_help_text(creator_client: Client, featured, link: str) -> None:
    for headers in (HTMX, {}):
        response = creator_client.post(url(featured), {**CASE, "link": link}, headers=headers)
        page = text(response)
        assert response.status_code == 200
        assert SCHEME_ERROR in page
        assert "以 http:// 或 https:// 开头" in page  # the help text says the same
        assert f'value="{link}"' in response.content.decode()  # kept to fix, not retyped
    assert not FeaturedCase.objects.exists()


def test_the_help_text_names_both_schemes(creator_client: Client, featured) -> None:
    page = text(creator_client.get(url(featured)))
    assert "抖音作品或直播回放的链接，以 http:// 或 https:// 开头" in page
    assert "以 https:// 开头" not in page.replace("http:// 或 https:// 开头", "")


def test_a_malformed_web_address_is_refused(creator_client: Client, featured) -> None:
    page = text(creator_client.post(url(featured), {**CASE, "link": "https://不是 链接"}, headers=HTMX))
    assert "这不是一个有效的链接" in page
    assert not FeaturedCase.objects.exists()


def test_the_service_refuses_other_schemes_too(creator, featured) -> None:
    with pytest.raises(ApplicationError, match=SCHEME_ERROR):
        case_submit(creator=creator, entitlement_id=featured.pk, at=NOW, **{**CASE, "link": "ftp://x.cn/a"})
    assert not FeaturedCase.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("title", 100, "案例标题最多 100 个字，现在是 101 个字。"),
        ("recommendation", 2000, "案例推荐内容最多 2000 个字，现在是 2001 个字。"),
    ],
)
def test_lengths_are_counted_for_the_creator_at_the_limit(
    creator_client: Client, featured, field: str, limit: int, message: str
) -> None:
    over = creator_client.post(url(featured), {**CASE, field: "字" * (limit + 1)}, headers=HTMX)
    page = text(over)
    assert message in page
    assert "确保" not in page and "字符" not in page  # not Django's generic wording
    assert "字" * (limit + 1) in over.content.decode()  # the whole text is kept to shorten
    assert 'maxlength="' not in over.content.decode()  # a browser would have cut a paste short silently
    assert not FeaturedCase.objects.exists()

    at_limit = creator_client.post(url(featured), {**CASE, field: "字" * limit})
    assert at_limit.status_code == 302
    assert len(getattr(FeaturedCase.objects.get(), field)) == limit


def test_a_too_long_link_says_its_length(creator_client: Client, featured) -> None:
    link = "https://v.douyin.com/" + "a" * 480  # 501 characters
    page = text(creator_client.post(url(featured), {**CASE, "link": link}, headers=HTMX))
    assert "作品链接最多 500 个字符，现在是 501 个字符。" in page


def test_empty_fields_say_what_to_fill_in(creator_client: Client, featured) -> None:
    page = text(creator_client.post(url(featured), {"title": " ", "link": "", "recommendation": ""}, headers=HTMX))
    assert "请填写案例标题。" in page and "请填写作品链接。" in page and "请填写案例推荐内容。" in page
    assert "这个字段是必填项" not in page
