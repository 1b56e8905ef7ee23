"""我的权益: every benefit with its state word, 领取 exactly once (HTMX and full page), the guarantee-card
wallet, this period's extra dispatches, the next level greyed, and a query count that does not grow."""

import html
import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benefits.models import DouPlusCredit, Entitlement, FeaturedCase, GuaranteeCard
from benefits.selectors import catalogue_load
from benefits.services.grants import entitlements_grant_reward
from creators.models import AssistantMessage, SubmissionTask
from levels.models import CreatorLevel
from lib.periods import Cycle
from tests.builders import AT, submit
from tests.portal.support import (  # noqa: F401
    NOW,
    assess,
    creator_with_login,
    entitlement,
    fragment,
    hold,
    now,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
HTMX = {"HX-Request": "true"}


def row(body: str, pk: int) -> str:
    """The visible text of the benefit row ``benefit-<pk>``."""
    match = re.search(rf'<li class="benefit-row[^"]*" id="benefit-{pk}">.*?</li>', body, re.S)
    assert match, f"no row for entitlement {pk}"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))).strip()


def claim_url(pk: int) -> str:
    return f"/benefits/{pk}/claim/"


@pytest.fixture
def lv3(creator):
    """The signed-in creator, assessed at LV3 for 2026-12."""
    assess()
    return creator


# --- who may see and do what -------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    assert client.get("/benefits/")["Location"] == "/accounts/login/?next=/benefits/"
    assert client.post(claim_url(1))["Location"].startswith("/accounts/login/?next=/benefits/1/claim/")


def test_operator_gets_403(operator_client: Client) -> None:
    assert operator_client.get("/benefits/").status_code == 403
    assert operator_client.post(claim_url(1)).status_code == 403


def test_claim_refuses_get(creator_client: Client, lv3) -> None:
    featured = entitlement(lv3, "featured_case")
    assert creator_client.get(claim_url(featured.pk)).status_code == 405
    assert entitlement(lv3, "featured_case").status == "available"


def test_claiming_another_creators_benefit_is_not_found(creator_client: Client, other_creator, lv3) -> None:
    theirs = entitlement(other_creator, "featured_case")
    assert creator_client.post(claim_url(theirs.pk)).status_code == 404
    assert creator_client.post(claim_url(theirs.pk), headers=HTMX).status_code == 404
    assert entitlement(other_creator, "featured_case").status == "available"


def test_an_unknown_id_is_not_found(creator_client: Client, lv3) -> None:
    assert creator_client.post(claim_url(999_999)).status_code == 404


def test_another_creators_benefits_are_not_listed(creator_client: Client, other_creator, lv3) -> None:
    assert Entitlement.objects.filter(creator=other_creator).exists()
    body = creator_client.get("/benefits/").content.decode()
    for theirs in Entitlement.objects.filter(creator=other_creator):
        assert f'id="benefit-{theirs.pk}"' not in body


# --- what the page says --------------------------------------------------------------------------------


def test_header_answers_level_value_period_and_cycle(creator_client: Client, lv3) -> None:
    body = text(creator_client.get("/benefits/"))
    assert "LV3 权益价值 ¥7万" in body
    assert "本期 2026-12 · 奖励周期 2026Q4" in body
    assert "1 项可领取 1 项待交付 3 张保底卡可用" in body


def test_every_state_has_its_word(creator_client: Client, lv3) -> None:
    featured = entitlement(lv3, "featured_case")
    Entitlement.objects.filter(pk=entitlement(lv3, "diamond_slot").pk).update(status="lapsed")
    body = creator_client.get("/benefits/").content.decode()
    assert row(body, featured.pk).endswith("可领取 领取 学院精选案例优先上线权")
    assert row(body, entitlement(lv3, "client_recommendation").pk).endswith("0/1 待交付")
    assert row(body, entitlement(lv3, "identity_tag").pk).endswith("系统自动派发")
    assert row(body, entitlement(lv3, "guarantee_card").pk).endswith("已发放")
    assert row(body, entitlement(lv3, "diamond_slot").pk).endswith("已失效")
    creator_client.post(claim_url(featured.pk))
    assert row(creator_client.get("/benefits/").content.decode(), featured.pk).endswith("已领取")


def test_rows_explain_the_benefit_in_one_line(creator_client: Client, lv3) -> None:
    body = creator_client.get("/benefits/").content.decode()
    diamond = row(body, entitlement(lv3, "diamond_slot").pk)
    assert "价值¥1万 黄金钻展位" in diamond
    assert "钻展位展示你的达人卡片" in diamond
    cards = row(body, entitlement(lv3, "guarantee_card").pk)
    assert cards.startswith("投稿任务收益保底卡 ×3")
    assert "查看保底卡钱包" in cards


def test_an_owed_recommendation_from_an_earlier_month_is_carried_over(creator_client: Client, lv3) -> None:
    current = entitlement(lv3, "client_recommendation")
    old = Entitlement.objects.create(
        creator=lv3, benefit=current.benefit, kind="basic", level=3, period="2026-11", quantity=1,
        status="pending", granted_at=AT - timedelta(days=30),
    )  # fmt: skip
    assert "2026-11 结转" in row(creator_client.get("/benefits/").content.decode(), old.pk)


def test_reward_benefits_earned_last_cycle_are_listed(creator_client: Client, lv3) -> None:
    entitlements_grant_reward(
        creators=CreatorLevel.objects.filter(creator=lv3).values("creator_id"),
        level=3, cycle=Cycle(2026, 3), at=AT, catalogue=catalogue_load(),
    )  # fmt: skip
    body = creator_client.get("/benefits/").content.decode()
    fanxing = entitlement(lv3, "fanxing_priority", period="2026Q3")
    assert "领取" in row(body, fanxing.pk)
    assert row(body, entitlement(lv3, "guarantee_card", period="2026Q3").pk).startswith("投稿任务收益保底卡 ×4")
    assert row(body, entitlement(lv3, "client_recommendation", period="2026Q3").pk).endswith("0/2 待交付")
    assert "7 张保底卡可用" in text(creator_client.get("/benefits/"))


def test_the_next_reward_is_previewed(creator_client: Client, lv3) -> None:
    body = text(creator_client.get("/benefits/"))
    assert "达成 2026Q4 的 LV3 奖励任务后发放：" in body
    assert "繁星计划优先加入权" in body


def test_next_levels_benefits_are_greyed_with_what_is_new(creator_client: Client, lv3) -> None:
    body = creator_client.get("/benefits/").content.decode()
    start = body.index('id="next"')
    locked = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body[start : body.index("</section>", start)]))
    assert "升级到 LV4 可解锁" in locked and "权益价值 ¥13万" in locked
    assert "官方1对1运营指导社群 新增" in locked
    assert "投稿任务收益保底卡 ×4 提升" in locked
    assert "继续享有 达人专享身份标签" in locked
    assert "is-locked" in body


def test_lv0_sees_what_lv1_would_give(client: Client) -> None:
    creator = creator_with_login(0)
    client.force_login(creator.user)
    body = text(client.get("/benefits/"))
    assert "暂无等级 升级到 LV1 可享 ¥5,000 权益" in body
    assert "升级到 LV1 可解锁" in body
    assert "达人广场固定钻展位曝光" in body
    assert "暂无可用保底卡" in body


def test_lv1_sees_extra_dispatches_of_the_period(client: Client) -> None:
    creator = creator_with_login(1)
    assess()
    client.force_login(creator.user)
    response = client.get("/benefits/")
    dispatch = entitlement(creator, "extra_dispatch")
    assert row(response.content.decode(), dispatch.pk).endswith("0/4 待交付")
    body = text(response)
    assert "本期额外派发 2026-12 0 / 4 次" in body
    assert "还差 4 次；本期结束时每少派发 1 次补发 20 DOU+" in body
    assert "累计 DOU+ 补偿 0" in body


def test_dispatched_and_dou_plus_so_far(client: Client) -> None:
    creator = creator_with_login(2)
    assess()
    client.force_login(creator.user)
    current = entitlement(creator, "extra_dispatch")
    Entitlement.objects.filter(pk=current.pk).update(delivered=3)
    earlier = Entitlement.objects.create(
        creator=creator, benefit=current.benefit, kind="basic", level=2, period="2026-11", quantity=8, delivered=0,
        status="delivered", granted_at=AT - timedelta(days=30), closed_at=AT,
    )  # fmt: skip
    DouPlusCredit.objects.create(creator=creator, entitlement=earlier, missing=8, amount=160, created_at=AT)
    body = text(client.get("/benefits/"))
    assert "3 / 8 次" in body and "还差 5 次" in body
    assert "累计 DOU+ 补偿 160" in body


def test_lv4_has_four_claimables_and_nothing_to_unlock(client: Client) -> None:
    creator = creator_with_login(4)
    assess()
    client.force_login(creator.user)
    body = client.get("/benefits/").content.decode()
    assert "4 项可领取" in text_of(body)
    assert body.count('class="btn btn-primary btn-claim"') == 4
    assert 'id="next"' not in body


def test_at_risk_ribbon(client: Client) -> None:
    creator = creator_with_login(2)
    hold(creator, 3)
    client.force_login(creator.user)
    assert "本月底前完成 7 项即可保住 LV3，剩 30 天" in text(client.get("/benefits/"))


def test_summary_fragment_for_the_benefits_changed_event(creator_client: Client, lv3) -> None:
    response = creator_client.get("/benefits/", headers={**HTMX, "HX-Target": "benefit-summary"})
    body = fragment(response)
    assert body.strip().startswith('<p id="benefit-summary"')
    assert "1 项可领取" in body


# --- 领取 ------------------------------------------------------------------------------------------------


def test_claim_full_page_redirects_with_a_message(creator_client: Client, lv3) -> None:
    featured = entitlement(lv3, "featured_case")
    response = creator_client.post(claim_url(featured.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/benefits/#benefit-{featured.pk}"
    assert "已领取「学院精选案例优先上线权」" in text(creator_client.get("/benefits/"))
    claimed = entitlement(lv3, "featured_case")
    assert (claimed.status, claimed.delivered, claimed.claimed_at) == ("claimed", 1, NOW)


def test_claim_twice_full_page_answers_already_claimed_and_changes_nothing(creator_client: Client, lv3) -> None:
    featured = entitlement(lv3, "featured_case")
    creator_client.post(claim_url(featured.pk))
    creator_client.get("/benefits/")  # shows and consumes the first message
    response = creator_client.post(claim_url(featured.pk))
    assert response.status_code == 302
    page = text(creator_client.get("/benefits/"))
    assert "已领取" in page and "已领取「" not in page
    assert entitlement(lv3, "featured_case").claimed_at == NOW


def test_claim_over_htmx_swaps_the_row_and_toasts(creator_client: Client, lv3) -> None:
    featured = entitlement(lv3, "featured_case")
    response = creator_client.post(claim_url(featured.pk), headers=HTMX)
    body = fragment(response)
    assert response.status_code == 200
    assert body.startswith(f'\n<li class="benefit-row state-claimed" id="benefit-{featured.pk}">')
    assert "已领取" in row(body, featured.pk)
    assert f'href="/benefits/{featured.pk}/case/"' in body  # the case form, right there
    assert '<div id="toasts" hx-swap-oob="beforeend">' in body
    assert "已领取「学院精选案例优先上线权」" in body
    assert "benefitsChanged" in response["HX-Trigger"]


def test_claim_twice_over_htmx_shows_the_claimed_row_without_a_change_event(creator_client: Client, lv3) -> None:
    featured = entitlement(lv3, "featured_case")
    creator_client.post(claim_url(featured.pk), headers=HTMX)
    response = creator_client.post(claim_url(featured.pk), headers=HTMX)
    body = fragment(response)
    assert response.status_code == 200
    assert row(body, featured.pk).endswith("已领取")
    assert 'class="toast toast-info" role="status">已领取<' in body
    assert "HX-Trigger" not in response


def test_a_lapsed_benefit_is_refused_with_the_reason(creator_client: Client, lv3) -> None:
    featured = entitlement(lv3, "featured_case")
    Entitlement.objects.filter(pk=featured.pk).update(status="lapsed")
    response = creator_client.post(claim_url(featured.pk), headers=HTMX)
    body = fragment(response)
    assert row(body, featured.pk).endswith("已失效")
    assert "toast-error" in body and "该权益已失效：当前等级不再包含此权益" in body
    response = creator_client.post(claim_url(featured.pk))
    assert response.status_code == 302
    assert "该权益已失效" in text(creator_client.get("/benefits/"))
    assert entitlement(lv3, "featured_case").status == "lapsed"


def test_an_auto_benefit_is_not_claimable(creator_client: Client, lv3) -> None:
    tag = entitlement(lv3, "identity_tag")
    body = fragment(creator_client.post(claim_url(tag.pk), headers=HTMX))
    assert "无需领取" in body
    assert entitlement(lv3, "identity_tag").status == "delivered"


# --- CSRF ---------------------------------------------------------------------------------------------


def test_claim_without_a_csrf_token_is_refused(lv3) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lv3.user)
    featured = entitlement(lv3, "featured_case")
    assert client.post(claim_url(featured.pk), headers=HTMX).status_code == 403
    assert entitlement(lv3, "featured_case").status == "available"


def test_claim_with_the_csrf_header_htmx_sends_is_accepted(lv3) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lv3.user)
    page = client.get("/benefits/").content.decode()
    token = re.search(r"""hx-headers='\{"x-csrftoken": "([^"]+)"\}'""", page).group(1)
    featured = entitlement(lv3, "featured_case")
    response = client.post(claim_url(featured.pk), headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert entitlement(lv3, "featured_case").status == "claimed"


# --- wallet -------------------------------------------------------------------------------------------


def _card(creator, serial: int, *, status: str = "active", issued=AT, expires=None, **extra) -> GuaranteeCard:
    source = entitlement(creator, "guarantee_card")
    return GuaranteeCard.objects.create(
        creator=creator, entitlement=source, serial=serial, amount=50, status=status, issued_at=issued,
        expires_at=expires or issued + timedelta(days=180), **extra,
    )  # fmt: skip


def test_wallet_lists_active_cards_nearest_expiry_first_with_days_left(creator_client: Client, lv3) -> None:
    _card(lv3, 10, issued=AT - timedelta(days=175))  # expires 2026-12-06 02:00: 4 days left at NOW
    body = creator_client.get("/benefits/").content.decode()
    wallet = text_of(body[body.index('id="wallet"') : body.index("</section>", body.index('id="wallet"'))])
    assert "4 张可用 · 最近到期 12/6" in wallet
    assert "¥200 可用保底收益" in wallet
    # Nearest expiry first; the three cards issued together share one line.
    assert wallet.index("投稿任务收益保底卡 有效期至 2026-12-06 剩 4 天") < wallet.index(
        "投稿任务收益保底卡 ×3 有效期至 2027-05-30 剩 179 天"
    )
    assert "is-soon" in body


def test_wallet_shows_used_settled_expired_and_revoked_cards_with_their_words(creator_client: Client, lv3) -> None:
    task = SubmissionTask.objects.create(code="g-1", title="春季美食保底任务", is_guarantee=True, guarantee_threshold=1)
    used_entry = submit(lv3, AT, task=task)
    settled_entry = submit(lv3, AT, task=task, payout=80)
    _card(lv3, 11, status="used", entry=used_entry, used_at=AT)
    _card(lv3, 12, status="settled", entry=settled_entry, used_at=AT, settled_at=AT)
    _card(lv3, 13, status="expired", issued=AT - timedelta(days=200), expired_at=AT)
    _card(lv3, 14, status="revoked", revoked_at=AT, revoked_reason="重复发放已撤销")
    wallet = text(creator_client.get("/benefits/"))
    assert "3 张可用" in wallet
    assert "已使用 2026-12-01 用于「春季美食保底任务」，待结算" in wallet
    assert "已结算 「春季美食保底任务」已结算 · 收益 ¥80" in wallet
    assert "已过期 2026-11-11 到期未使用" in wallet
    assert "已撤销 重复发放已撤销" in wallet


def test_a_creator_without_cards_is_told_how_to_get_them(client: Client) -> None:
    creator = creator_with_login(2)
    assess()
    client.force_login(creator.user)
    assert "LV3 及以上每月发放保底卡" in text(client.get("/benefits/"))


# --- cost ---------------------------------------------------------------------------------------------


def _queries(client: Client, *, shows: str) -> int:
    """Queries to answer 我的权益, which must be a 200 showing ``shows``: a refused or empty page is
    cheap, so a count taken from one would pass for the wrong reason."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/benefits/")
    assert response.status_code == 200
    assert shows in text_of(response.content.decode())
    return len(captured)


def test_query_count_does_not_grow_with_benefits_cards_cases_or_messages(creator_client: Client, lv3) -> None:
    few = _queries(creator_client, shows="3 张可用")
    recommendation = entitlement(lv3, "client_recommendation")
    for month in range(1, 11):  # ten months of owed recommendations
        Entitlement.objects.create(
            creator=lv3, benefit=recommendation.benefit, kind="basic", level=3, period=f"2026-{month:02d}",
            quantity=1, status="pending", granted_at=AT,
        )  # fmt: skip
    for serial in range(20, 40):
        _card(lv3, serial, status="active" if serial % 2 else "expired")
    featured = entitlement(lv3, "featured_case")
    creator_client.post(claim_url(featured.pk))
    for i in range(3):
        FeaturedCase.objects.create(creator=lv3, entitlement=featured, title=f"案例{i}", link="https://v.douyin.com/x",
                                    recommendation="好", status="rejected", submitted_at=AT)  # fmt: skip
    AssistantMessage.objects.bulk_create(
        AssistantMessage(creator=lv3, kind="info", title=f"m{i}", created_at=AT) for i in range(30)
    )
    many = _queries(creator_client, shows="13 张可用")
    assert many == few
    assert many <= 30


def test_claim_over_htmx_takes_few_queries(creator_client: Client, lv3, django_assert_max_num_queries) -> None:
    featured = entitlement(lv3, "featured_case")
    with django_assert_max_num_queries(16):
        response = creator_client.post(claim_url(featured.pk), headers=HTMX)
    assert response.status_code == 200
    assert "已领取「学院精选案例优先上线权」" in response.content.decode()


def text_of(body: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


# --- races ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_give_one_claim_and_one_already_claimed(creator) -> None:
    """Two tabs press 领取 at the same instant: the conditional UPDATE lets exactly one through."""
    assess()
    featured = entitlement(creator, "featured_case")
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(creator.user)
    barrier = threading.Barrier(2)
    bodies: list[str] = []
    errors: list[BaseException] = []

    def press(client: Client) -> None:
        from django.db import connections

        try:
            barrier.wait()
            response = client.post(claim_url(featured.pk), headers=HTMX)
            assert response.status_code == 200
            bodies.append(response.content.decode())
        except BaseException as exc:  # pragma: no cover - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    toasts = sorted(re.search(r'class="toast toast-(\w+)" role="status">([^<]+)<', body).groups() for body in bodies)
    assert toasts == [("info", "已领取"), ("success", "已领取「学院精选案例优先上线权」")]
    claimed = entitlement(creator, "featured_case")
    assert (claimed.status, claimed.delivered) == ("claimed", 1)
