"""资料与设置: the form, its rules (task types and quotes by follower line, read from the rule set),
the requirements the page satisfies, and the confirm step before a save that would break a
requirement of the level held."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from creators.models import Creator, FansDaily, Quote
from levels.metrics import profile_is_complete
from levels.models import CreatorLevel, RuleSet
from levels.rules import load_rules
from lib.periods import local_date
from tests.activity_builders import with_login
from tests.portal.support import fragment, text

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def make(fans: int, **fields) -> Creator:
    return with_login(Creator.objects.create(external_id=f"c-p-{fans}", nickname="资料达人", fans=fans, **fields))


@pytest.fixture
def rules():
    return load_rules()


def signed_in(client: Client, creator: Creator) -> Client:
    client.force_login(creator.user)
    return client


def form(**overrides) -> dict:
    data = {
        "intro": "美食探店博主",
        "region": "上海",
        "industries": ["美食"],
        "submission_enabled": "on",
        "quote_video_1_20s": "",
        "quote_video_21_60s": "",
        "quote_video_60s_plus": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- permissions -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    for method in (client.get, client.post):
        response = method("/profile/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_operator_is_refused(operator_client: Client) -> None:
    assert operator_client.get("/profile/").status_code == 403
    assert operator_client.post("/profile/", form()).status_code == 403


def test_other_methods_are_405(creator_client: Client) -> None:
    assert creator_client.put("/profile/").status_code == 405


def test_saving_needs_the_csrf_token(creator) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(creator.user)
    assert client.post("/profile/", form(quote_video_1_20s="1"), headers=HTMX).status_code == 403
    token = client.get("/profile/").cookies["csrftoken"].value
    response = client.post("/profile/", form(quote_video_1_20s="1"), headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200


def test_a_creator_edits_only_themselves(creator_client: Client, creator, other_creator) -> None:
    before = (other_creator.intro, list(other_creator.quotes.values_list("kind", "amount")))
    creator_client.post("/profile/", form(intro="新介绍", spread_enabled="on", quote_video_1_20s="5000"))
    other_creator.refresh_from_db()
    assert (other_creator.intro, list(other_creator.quotes.values_list("kind", "amount"))) == before
    creator.refresh_from_db()
    assert creator.intro == "新介绍"


# --- page ---------------------------------------------------------------------------------------------


def test_page_shows_the_form_binding_and_requirements(creator_client: Client, creator) -> None:
    body = creator_client.get("/profile/").content.decode()

    assert "达人介绍" in body and "擅长行业" in body and "1-20秒视频" in body
    assert "已绑定" in body and "抖音 App" in body
    assert "本页的等级任务已达成 3 / 3 项" in body
    assert 'value="8000"' in body  # the fixture's quote, shown without ".00"


def test_unbound_creator_sees_unbound(client: Client) -> None:
    body = signed_in(client, make(50_000)).get("/profile/").content.decode()
    assert "未绑定" in body


def test_an_unlisted_industry_and_quote_kind_are_kept(client: Client) -> None:
    creator = make(150_000, industries=["露营"])
    Quote.objects.create(creator=creator, kind="live_1h", amount=Decimal("30000"))
    c = signed_in(client, creator)

    body = c.get("/profile/").content.decode()
    assert 'value="露营"' in body and "live_1h" in body

    c.post("/profile/", form(industries=["露营", "旅行"], spread_enabled="on", quote_live_1h="30000"))
    creator.refresh_from_db()
    assert creator.industries == ["露营", "旅行"]
    assert Quote.objects.get(creator=creator).kind == "live_1h"


# --- saving -----------------------------------------------------------------------------------------


def test_full_page_save_redirects(client: Client) -> None:
    creator = make(50_000)
    response = signed_in(client, creator).post("/profile/", form(quote_video_21_60s="6000"))

    assert response.status_code == 302 and response["Location"] == "/profile/"
    creator.refresh_from_db()
    assert (creator.intro, creator.region, creator.industries) == ("美食探店博主", "上海", ["美食"])
    assert creator.submission_enabled and not creator.spread_enabled
    assert dict(creator.quotes.values_list("kind", "amount")) == {"video_21_60s": Decimal("6000")}
    assert "资料已保存" in client.get("/profile/").content.decode()


def test_htmx_save_returns_the_form_and_the_requirements_out_of_band(client: Client) -> None:
    creator = make(50_000)
    response = signed_in(client, creator).post("/profile/", form(), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section class="card" id="profile-form"')
    assert 'id="profile-reqs" hx-swap-oob="true"' in body
    assert "资料已保存" in body
    creator.refresh_from_db()
    assert profile_is_complete(creator.intro, creator.region, creator.industries)


def test_invalid_input_full_page_is_400_with_errors(client: Client) -> None:
    creator = make(50_000)
    response = signed_in(client, creator).post("/profile/", form(quote_video_1_20s="-5", industries=["火星"]))

    assert response.status_code == 400
    body = response.content.decode()
    assert "报价不能为负数" in body and "<html" in body
    assert not Quote.objects.filter(creator=creator).exists()


def test_invalid_input_htmx_is_200_with_the_form_fragment(client: Client) -> None:
    creator = make(50_000)
    response = signed_in(client, creator).post("/profile/", form(quote_video_1_20s="-5"), headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "报价不能为负数" in body and "<html" not in body
    assert "资料已保存" not in body
    creator.refresh_from_db()
    assert creator.intro == ""


# --- the rules: follower lines from the rule set --------------------------------------------------------


def test_quote_is_required_from_the_large_creator_line(client: Client, rules) -> None:
    creator = make(rules.large_creator_fans)
    response = signed_in(client, creator).post("/profile/", form(spread_enabled="on"), headers=HTMX)

    assert "须至少设置一项报价" in response.content.decode()
    creator.refresh_from_db()
    assert creator.intro == ""  # nothing saved


def test_quote_is_optional_just_under_the_line(client: Client, rules) -> None:
    creator = make(rules.large_creator_fans - 1)
    response = signed_in(client, creator).post("/profile/", form())

    assert response.status_code == 302
    assert not Quote.objects.filter(creator=creator).exists()


def test_large_creator_saves_with_one_quote(client: Client, rules) -> None:
    creator = make(rules.large_creator_fans)
    response = signed_in(client, creator).post("/profile/", form(spread_enabled="on", quote_video_1_20s="9000"))
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.spread_enabled


def test_spread_is_refused_just_under_the_line(client: Client, rules) -> None:
    creator = make(rules.large_creator_fans - 1)
    c = signed_in(client, creator)

    page = c.get("/profile/").content.decode()
    assert 'name="spread_enabled" id="id_spread_enabled" disabled' in page
    assert "粉丝 10万以上可开通传播任务" in page

    response = c.post("/profile/", form(spread_enabled="on"))
    assert response.status_code == 400
    assert "粉丝 10万以上可开通传播任务" in response.content.decode()
    creator.refresh_from_db()
    assert not creator.spread_enabled


def test_spread_is_allowed_at_the_line(client: Client, rules) -> None:
    creator = make(rules.large_creator_fans)
    signed_in(client, creator).post("/profile/", form(spread_enabled="on", quote_video_1_20s="1"))
    creator.refresh_from_db()
    assert creator.spread_enabled


def test_submission_needs_the_tasks_line(client: Client, rules) -> None:
    under = make(rules.tasks_min_fans - 1)
    response = signed_in(client, under).post("/profile/", form())
    assert response.status_code == 400
    assert "粉丝 1万以上可开通投稿任务" in response.content.decode()

    at_line = make(rules.tasks_min_fans)
    assert signed_in(Client(), at_line).post("/profile/", form()).status_code == 302


def test_the_lines_come_from_the_active_rule_set(client: Client) -> None:
    RuleSet.objects.filter(pk=load_rules().rule_set_id).update(large_creator_fans=200_000)
    creator = make(150_000)
    c = signed_in(client, creator)

    assert "粉丝 20万以上可开通传播任务" in c.get("/profile/").content.decode()
    assert c.post("/profile/", form(spread_enabled="on")).status_code == 400
    assert c.post("/profile/", form()).status_code == 302  # no quote needed under 20万 now


def test_the_fans_figure_is_the_one_the_rules_read(client: Client, rules) -> None:
    # The latest daily figure on or before today wins over the creator's stored count (docs/program.md §1).
    creator = make(rules.large_creator_fans - 1)
    FansDaily.objects.create(creator=creator, date=local_date(timezone.now()) - timedelta(days=1),
                             fans=rules.large_creator_fans + 5)  # fmt: skip
    response = signed_in(client, creator).post("/profile/", form(), headers=HTMX)
    assert "须至少设置一项报价" in response.content.decode()


def test_requirements_follow_the_saved_profile(client: Client, rules) -> None:
    creator = make(rules.large_creator_fans, douyin_bound=True)
    c = signed_in(client, creator)
    assert "本页的等级任务已达成 0 / 3 项" in c.get("/profile/").content.decode()

    body = c.post("/profile/", form(spread_enabled="on", quote_video_1_20s="9000"), headers=HTMX).content.decode()

    assert "本页的等级任务已达成 3 / 3 项" in body


# --- a save that would cost the level held asks first ----------------------------------------------------


def holding_lv1(client: Client) -> Creator:
    """Holds LV1 with a complete profile and submission tasks on (50,000 fans: no spread, no quote)."""
    creator = make(50_000, intro="美食探店博主", region="上海", industries=["美食"], submission_enabled=True)
    CreatorLevel.objects.create(creator=creator, level=1, since=timezone.now())
    signed_in(client, creator)
    return creator


def unchanged(creator: Creator) -> bool:
    creator.refresh_from_db()
    return (creator.intro, creator.region, creator.industries, creator.submission_enabled) == (
        "美食探店博主", "上海", ["美食"], True
    )  # fmt: skip


def test_clearing_the_intro_asks_to_confirm_over_htmx_and_saves_nothing(client: Client) -> None:
    creator = holding_lv1(client)
    response = client.post("/profile/", form(intro=""), headers=HTMX)

    body = fragment(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="profile-form"')
    assert "保存后，LV1 的这项基础任务将不再达成" in text(response)
    assert "完善达人介绍、所在地域、擅长行业" in body
    assert 'name="confirm" value="profile_complete"' in body
    assert "资料已保存" not in body
    assert unchanged(creator)


def test_confirming_saves_over_htmx(client: Client) -> None:
    creator = holding_lv1(client)
    response = client.post("/profile/", form(intro="", confirm="profile_complete"), headers=HTMX)

    assert response.status_code == 200 and "资料已保存" in fragment(response)
    assert 'name="confirm"' not in response.content.decode()
    creator.refresh_from_db()
    assert creator.intro == "" and not profile_is_complete(creator.intro, creator.region, creator.industries)


def test_unticking_submission_asks_on_the_full_page_then_confirming_saves(client: Client) -> None:
    creator = holding_lv1(client)
    response = client.post("/profile/", form(submission_enabled=None))

    assert response.status_code == 200  # a question, not an error
    page = response.content.decode()
    assert "<html" in page and "开通任务" in page and 'name="confirm" value="tasks_enabled"' in page
    assert 'name="submission_enabled" id="id_submission_enabled">' in page  # the creator's choice is kept
    assert unchanged(creator)

    confirmed = client.post("/profile/", form(submission_enabled=None, confirm="tasks_enabled"))
    assert confirmed.status_code == 302 and confirmed["Location"] == "/profile/"
    creator.refresh_from_db()
    assert not creator.submission_enabled


def test_each_requirement_that_would_fail_is_named_and_must_be_confirmed(client: Client) -> None:
    creator = holding_lv1(client)
    body = text(client.post("/profile/", form(region="", submission_enabled=None), headers=HTMX))
    assert "LV1 的这 2 项基础任务将不再达成" in body
    assert "完善达人介绍、所在地域、擅长行业" in body and "开通任务" in body

    # Confirming one of the two (the creator also unticked the task on the confirm step) asks again.
    again = client.post("/profile/", form(region="", submission_enabled=None, confirm="profile_complete"))
    assert again.status_code == 200 and 'value="profile_complete,tasks_enabled"' in again.content.decode()
    assert unchanged(creator)


def test_a_save_that_breaks_nothing_saves_at_once(client: Client) -> None:
    creator = holding_lv1(client)
    response = client.post("/profile/", form(intro="探店和家常菜", industries=["美食", "旅行"]))
    assert response.status_code == 302
    creator.refresh_from_db()
    assert (creator.intro, creator.industries) == ("探店和家常菜", ["美食", "旅行"])


def test_a_requirement_already_failing_is_not_asked_about(client: Client) -> None:
    creator = make(50_000, submission_enabled=True)  # no intro yet: profile_complete already fails
    CreatorLevel.objects.create(creator=creator, level=1, since=timezone.now())
    response = signed_in(client, creator).post("/profile/", form(intro="", region="北京"))
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.region == "北京"


def test_a_creator_without_a_level_saves_at_once(client: Client) -> None:
    creator = make(50_000, intro="美食探店博主", region="上海", industries=["美食"], submission_enabled=True)
    response = signed_in(client, creator).post("/profile/", form(intro="", submission_enabled=None))
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.intro == "" and not creator.submission_enabled


def test_a_higher_level_is_guarded_by_its_lv1_requirements(client: Client, rules) -> None:
    creator = make(rules.large_creator_fans, intro="旅行", region="成都", industries=["旅行"],
                   submission_enabled=True, spread_enabled=True)  # fmt: skip
    Quote.objects.create(creator=creator, kind="video_1_20s", amount=Decimal("9000"))
    CreatorLevel.objects.create(creator=creator, level=3, since=timezone.now())
    data = form(intro="旅行", region="成都", industries=None, spread_enabled=None, quote_video_1_20s="9000")
    body = text(signed_in(client, creator).post("/profile/", data, headers=HTMX))
    assert "保存后，LV3 的这 2 项基础任务将不再达成" in body
    creator.refresh_from_db()
    assert creator.industries == ["旅行"] and creator.spread_enabled
