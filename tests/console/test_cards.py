"""The console's 保底卡 screen (interfaces §4.1): the filtered list, manual issuance previewed first and
issued all or nothing, revocation inline — with who may do what."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from benefits.models import CardIssue, CardStatus, GuaranteeCard
from creators.models import AssistantMessage, AuditLog, Creator
from levels.models import CreatorLevel
from tests.activity_builders import card

pytestmark = pytest.mark.django_db

LIST = reverse("console:cards")
ISSUE = reverse("console:cards-issue")
HTMX = {"HTTP_HX_REQUEST": "true"}


def revoke_url(c: GuaranteeCard) -> str:
    return reverse("console:card-revoke", args=[c.pk])


@pytest.fixture
def creators() -> list[Creator]:
    made = [Creator.objects.create(external_id=f"c-{n}", nickname=f"达人{n}") for n in (1, 2)]
    CreatorLevel.objects.create(creator=made[0], level=3, since=timezone.now())
    return made


def form(**fields) -> dict:
    return {"request_id": "form-1", "count": 2, "reason": "活动补偿", **fields}


# --- who may do what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, ISSUE])
def test_anonymous_users_go_to_the_login_page(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_posts_go_to_the_login_page(client, creators) -> None:
    c = card(creators[0])
    for url in (ISSUE, revoke_url(c)):
        response = client.post(url, form(creators="c-1", confirm="1"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert GuaranteeCard.objects.get().status == CardStatus.ACTIVE


def test_a_creator_is_refused(client, creator_user) -> None:
    client.force_login(creator_user)
    assert client.get(LIST).status_code == 403


def test_a_viewer_sees_the_list_without_issue_or_revoke_buttons(viewer_client, creators) -> None:
    card(creators[0])
    body = viewer_client.get(LIST).content.decode()
    assert "达人1" in body
    assert ISSUE not in body and "确认撤销" not in body


def test_a_viewer_cannot_post(viewer_client, creators) -> None:
    c = card(creators[0])
    assert viewer_client.post(ISSUE, form(creators="c-1", confirm="1")).status_code == 403
    assert viewer_client.post(revoke_url(c), {"request_id": "r", "reason": "误发"}).status_code == 403
    assert GuaranteeCard.objects.count() == 1 and GuaranteeCard.objects.get().status == CardStatus.ACTIVE


def test_an_operator_sees_issue_and_revoke(operator_client, creators) -> None:
    card(creators[0])
    body = operator_client.get(LIST).content.decode()
    assert ISSUE in body and "确认撤销" in body


# --- the list ------------------------------------------------------------------------------------------


def test_the_list_keeps_a_constant_query_count(operator_client, django_assert_num_queries) -> None:
    def cards_for(n: int) -> None:
        for i in range(n):
            c = Creator.objects.create(external_id=f"q-{GuaranteeCard.objects.count()}-{i}", nickname=f"查询{i}")
            card(c)

    cards_for(3)
    operator_client.get(LIST)  # warm the session and permission caches like any second page view
    with django_assert_num_queries(7) as small:
        response = operator_client.get(LIST)
    assert response.status_code == 200 and "查询2" in response.content.decode()
    cards_for(27)
    with django_assert_num_queries(len(small.captured_queries)):
        response = operator_client.get(LIST)
    assert response.status_code == 200 and "查询26" in response.content.decode()


def test_filters_narrow_the_list(operator_client, creators) -> None:
    now = timezone.now()
    card(creators[0])
    old = card(creators[1], issued_at=now - timedelta(days=100))
    old.status = CardStatus.EXPIRED
    old.save()

    def names(**query) -> set[str]:
        body = operator_client.get(LIST, query).content.decode()
        return {n for n in ("达人1", "达人2") if n in body}

    assert names() == {"达人1", "达人2"}
    assert names(state="expired") == {"达人2"}
    assert names(level="3") == {"达人1"}
    assert names(level="0") == {"达人2"}
    assert names(creator="c-2") == {"达人2"}
    assert names(creator="达人1") == {"达人1"}
    assert names(issued_from=(now - timedelta(days=10)).date().isoformat()) == {"达人1"}
    assert names(source="manual") == set()
    assert names(source="grant") == {"达人1", "达人2"}


def test_state_tabs_and_source_counts(operator_client, creators) -> None:
    card(creators[0])
    operator_client.post(ISSUE, form(creators="c-1 c-2", confirm="1"))
    body = operator_client.get(LIST).content.decode()
    assert "等级发放 1 · 奖励发放 0 · 运营发放 4" in body
    assert "可使用 5" in body


# --- issuing -------------------------------------------------------------------------------------------


def test_the_issue_form_carries_a_request_id(operator_client) -> None:
    body = operator_client.get(ISSUE).content.decode()
    assert 'name="request_id"' in body and 'name="reason"' in body


def test_the_preview_writes_nothing_and_repeats_the_numbers(operator_client, creators) -> None:
    response = operator_client.post(ISSUE, form(creators="c-1, c-2"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "确认向 2 位达人各发放 2 张保底卡" in body
    assert not GuaranteeCard.objects.exists() and not AuditLog.objects.exists()


def test_a_bad_id_is_named_by_line_and_offers_no_confirm(operator_client, creators) -> None:
    body = operator_client.post(ISSUE, form(creators="c-1\nc-2\nc-404")).content.decode()
    assert "第 3 行 c-404 不存在" in body and "确认向" not in body


def test_confirming_with_a_bad_id_issues_nothing(operator_client, creators) -> None:
    body = operator_client.post(ISSUE, form(creators="c-1\nc-2\nc-404", confirm="1")).content.decode()
    assert "第 3 行 c-404 不存在" in body
    assert not GuaranteeCard.objects.exists() and not AuditLog.objects.exists()
    assert not AssistantMessage.objects.exists()


def test_confirming_issues_once_with_audit_and_messages(operator_client, operator, creators) -> None:
    response = operator_client.post(ISSUE, form(creators="c-1\nc-2", confirm="1"), follow=True)

    assert "已向 2 位达人各发放 2 张保底卡" in response.content.decode()
    assert GuaranteeCard.objects.filter(issue__isnull=False).count() == 4
    row = AuditLog.objects.get()
    assert (row.action, row.actor, row.request_id) == ("card.issue", operator, "form-1")
    assert AssistantMessage.objects.filter(template="cards_issued_manual").count() == 2

    again = operator_client.post(ISSUE, form(creators="c-1\nc-2", confirm="1"), follow=True)
    assert "这次提交已经处理过了" in again.content.decode()
    assert GuaranteeCard.objects.count() == 4 and CardIssue.objects.count() == 1 and AuditLog.objects.count() == 1


def test_htmx_confirm_redirects_the_page_to_the_list(operator_client, creators) -> None:
    response = operator_client.post(ISSUE, form(creators="c-1", confirm="1"), **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"].startswith(LIST)


def test_htmx_preview_answers_with_the_panel_only(operator_client, creators) -> None:
    body = operator_client.post(ISSUE, form(creators="c-1"), **HTMX).content.decode()
    assert body.lstrip().startswith('<div id="issue-panel"') and "确认向 1 位达人各发放 2 张保底卡" in body


def csv_file(text: str, encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile("ids.csv", text.encode(encoding), content_type="text/csv")


def test_a_csv_upload_previews_by_file_row(operator_client, creators) -> None:
    upload = csv_file("external_id,备注\nc-1,老客户\n\nc-404,\n")
    body = operator_client.post(ISSUE, form(file=upload)).content.decode()
    # Rows keep the file's numbering: the header is row 1, the empty row 3 is skipped but counted.
    assert "第 4 行 c-404 不存在" in body and "达人1" in body
    assert not GuaranteeCard.objects.exists()


def test_a_csv_upload_can_be_issued(operator_client, creators) -> None:
    upload = csv_file("c-1\nc-2\n", encoding="gb18030")
    operator_client.post(ISSUE, form(file=upload, confirm="1"))
    assert set(GuaranteeCard.objects.values_list("creator__external_id", flat=True)) == {"c-1", "c-2"}


def test_typed_ids_and_a_file_together_are_refused(operator_client, creators) -> None:
    response = operator_client.post(ISSUE, form(creators="c-1", file=csv_file("c-2\n"), confirm="1"))
    assert response.status_code == 400 and "二选一" in response.content.decode()
    assert not GuaranteeCard.objects.exists()


@pytest.mark.parametrize("count", ["0", "11", "x"])
def test_count_is_one_to_ten(operator_client, creators, count) -> None:
    response = operator_client.post(ISSUE, form(creators="c-1", count=count, confirm="1"))
    assert response.status_code == 400
    assert not GuaranteeCard.objects.exists()


def test_a_reason_is_required_to_issue(operator_client, creators) -> None:
    response = operator_client.post(ISSUE, form(creators="c-1", reason="", confirm="1"))
    assert response.status_code == 400 and not GuaranteeCard.objects.exists()


def test_issued_cards_show_in_the_creators_wallet_with_their_reason(client, operator_client, creator_user) -> None:
    external_id = creator_user.creator.external_id
    operator_client.post(ISSUE, form(creators=external_id, confirm="1"))
    client.force_login(creator_user)
    body = client.get(reverse("benefits")).content.decode()
    assert "运营发放：活动补偿" in body


# --- revoking ------------------------------------------------------------------------------------------


def test_revoking_in_the_row_updates_it_in_place_with_a_toast(operator_client, operator, creators) -> None:
    c = card(creators[0])
    response = operator_client.post(revoke_url(c), {"request_id": "r-1", "reason": "误发"}, **HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tbody id="card-{c.pk}"')
    assert "已撤销" in body and "toast-success" in body and "确认撤销" not in body
    c.refresh_from_db()
    assert c.status == CardStatus.REVOKED
    row = AuditLog.objects.get()
    assert (row.action, row.actor, row.before, row.after["status"]) == (
        "card.revoke", operator, {"status": "active"}, "revoked",
    )  # fmt: skip
    assert AssistantMessage.objects.get(creator=creators[0]).template == "card_revoked"


def test_revoking_in_the_row_recounts_the_state_tabs_under_the_pages_filters(operator_client, creators) -> None:
    c, _other, _theirs = card(creators[0]), card(creators[0]), card(creators[1])
    page = f"http://testserver{LIST}?creator=c-1&state=active"
    response = operator_client.post(
        revoke_url(c), {"request_id": "r-1", "reason": "误发"}, HTTP_HX_CURRENT_URL=page, **HTMX
    )

    assert response.status_code == 200
    tabs = response.content.decode().split('<nav class="tabs" id="card-tabs"')[1].split("</nav>")[0]
    assert 'hx-swap-oob="true"' in tabs
    # c-1's two cards: one still usable, one revoked; c-2's card is not counted under this filter.
    assert "全部 2</a>" in tabs and "可使用 1</a>" in tabs and "已撤销 1</a>" in tabs
    assert "creator=c-1" in tabs and 'aria-current="page">可使用 1' in tabs


def test_a_refused_revoke_leaves_the_tabs_alone(operator_client, creators) -> None:
    c = card(creators[0], status=CardStatus.USED)
    body = operator_client.post(revoke_url(c), {"request_id": "r-1", "reason": "误发"}, **HTMX).content.decode()
    assert "toast-error" in body and 'id="card-tabs"' not in body


def test_revoking_without_a_reason_reopens_the_form_with_the_error(operator_client, creators) -> None:
    c = card(creators[0])
    response = operator_client.post(revoke_url(c), {"request_id": "r-1", "reason": ""}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "errorlist" in body and 'id="revoke-' in body
    c.refresh_from_db()
    assert c.status == CardStatus.ACTIVE and not AuditLog.objects.exists()


@pytest.mark.parametrize("status", [CardStatus.USED, CardStatus.SETTLED])
def test_a_used_or_settled_card_is_refused_with_the_reason(operator_client, creators, status) -> None:
    c = card(creators[0], status=status)
    body = operator_client.post(revoke_url(c), {"request_id": "r-1", "reason": "误发"}, **HTMX).content.decode()
    assert "不能撤销" in body and "toast-error" in body
    c.refresh_from_db()
    assert c.status == status and not AuditLog.objects.exists()


def test_the_same_revoke_twice_is_an_info_toast(operator_client, creators) -> None:
    c = card(creators[0])
    operator_client.post(revoke_url(c), {"request_id": "r-1", "reason": "误发"}, **HTMX)
    body = operator_client.post(revoke_url(c), {"request_id": "r-1", "reason": "误发"}, **HTMX).content.decode()
    assert "这次提交已经处理过了" in body and "toast-info" in body
    assert AuditLog.objects.count() == 1


def test_a_full_page_revoke_redirects_to_the_list(operator_client, creators) -> None:
    c = card(creators[0])
    response = operator_client.post(revoke_url(c), {"request_id": "r-1", "reason": "误发"}, follow=True)
    assert response.redirect_chain[-1][0] == LIST and "保底卡已撤销" in response.content.decode()
