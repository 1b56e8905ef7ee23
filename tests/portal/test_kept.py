"""Kept creator pages (``portal.kept``): what a creator sees is always what a fresh draw would show —
after any write, however it is made, and as the clock moves — while a page viewed again with nothing
changed costs three queries. Each check compares a view with the page drawn afresh at the same instant."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from academy.models import CourseProgress
from benefits.models import (
    Benefit,
    BenefitCode,
    BenefitKind,
    CardIssue,
    CardStatus,
    CaseStatus,
    DouPlusCredit,
    Entitlement,
    EntitlementStatus,
    FeaturedCase,
    GuaranteeCard,
    LevelBenefit,
    LevelPackage,
)
from benefits.services.card_issues import cards_issue_manual
from benefits.services.cases import case_submit
from benefits.services.grants import entitlement_claim
from creators.models import AssistantMessage, Creator, PortalEvent, Quote, SubmissionTask
from levels.models import CreatorLevel, LevelChange, LevelOverride
from levels.overrides import override_set
from lib import kept as store
from lib.periods import Month, local_date
from portal import clock, kept
from portal.templatetags.portal_format import stamp
from tests.builders import AT, credit_on, fans_on, order, post, submit, view
from tests.portal.support import NOW, assess, entitlement, now  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

# Each kept page and what it is drawn from.
KEPT_PAGES = {"/": kept.STANDING, "/levels/": kept.STANDING, "/benefits/": kept.BENEFITS}
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"x-csrftoken": ")[A-Za-z0-9]+')


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return TOKEN.sub(r"\1…", response.content.decode())


def drawn(client: Client, path: str) -> str:
    store.clear()
    return page(client, path)


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def rich(creator: Creator) -> User:
    """A creator with something in every table the pages read: assessed (entitlements, cards), an
    override, unread messages, a case under review, an operator's card issue, a card used on a task, DOU+."""
    assess()
    ops = User.objects.create_user("ops-kept")
    override_set(creator=creator, level=4, reason="合作补偿", until=Month(2027, 1), actor=ops, request_id="k1", at=AT)
    AssistantMessage.objects.create(creator=creator, kind="info", title="未读", created_at=AT)
    featured = entitlement(creator, BenefitCode.FEATURED_CASE)
    entitlement_claim(creator=creator, entitlement_id=featured.pk, at=NOW)
    case_submit(creator=creator, entitlement_id=featured.pk, title="探店脚本", link="https://v.douyin.com/k/",
                recommendation="复盘", at=NOW)  # fmt: skip
    cards_issue_manual(lines=[(1, creator.external_id)], count=1, reason="活动补偿", actor=ops, request_id="k2", at=AT)
    used = GuaranteeCard.objects.filter(creator=creator, issue=None).order_by("serial")[:1].get()
    entry = submit(creator, AT - timedelta(days=1))
    GuaranteeCard.objects.filter(pk=used.pk).update(status=CardStatus.USED, entry=entry, used_at=AT)
    last_month = Entitlement.objects.create(  # held LV2 in November: its dispatches closed one short
        creator=creator, benefit=Benefit.objects.get(code=BenefitCode.EXTRA_DISPATCH), kind=BenefitKind.BASIC,
        level=2, period="2026-11", quantity=8, delivered=7, status=EntitlementStatus.DELIVERED, granted_at=AT,
        closed_at=AT,
    )  # fmt: skip
    DouPlusCredit.objects.create(creator=creator, entitlement=last_month, missing=1, amount=20, created_at=AT)
    return ops


def test_every_table_a_kept_page_reads_is_in_its_fingerprint(creator_client: Client, creator) -> None:
    """A page's fingerprint (its ``Sources``: its own tables, the shared ones and those it joins) covers
    every read of the page drawn but the session's, the user's (its name is in the key) and the
    permissions' (the console link's answer is in the key)."""
    rich(creator)
    outside = {"django_session", "auth_user", "auth_permission", "django_content_type", "auth_user_user_permissions",
               "auth_user_groups", "auth_group_permissions"}  # fmt: skip
    for path, sources in KEPT_PAGES.items():
        store.clear()
        with CaptureQueriesContext(connection) as captured:
            assert creator_client.get(path).status_code == 200
        read = {t for q in captured for t in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', q["sql"])}
        assert "creators_content" in read and "levels_leveloverride" in read  # the reads were seen
        assert read - outside <= sources.tables, path


# Writes made as the product and people make them (services, the ORM's update(), which sends no signal),
# each changing something one of the pages shows.
WRITES = {
    "content": lambda c: post(c, 3, at=NOW, plays=10_000_000, likes=9),
    "order": lambda c: order(c, completed_at=NOW - timedelta(days=1)),
    "fans": lambda c: fans_on(c, local_date(NOW), 7),
    "credit": lambda c: credit_on(c, local_date(NOW), 1),
    "event": lambda c: PortalEvent.objects.filter(creator=c).delete(),
    "course": lambda c: CourseProgress.objects.filter(creator=c).update(completed_at=None, completion=0.1),
    "submission": lambda c: submit(c, NOW - timedelta(days=2)),
    "quote": lambda c: Quote.objects.filter(creator=c).delete(),
    "message": lambda c: AssistantMessage.objects.create(creator=c, kind="info", title="新消息", created_at=NOW),
    "message read": lambda c: AssistantMessage.objects.filter(creator=c).update(read_at=NOW),
    "level held": lambda c: CreatorLevel.objects.filter(creator=c).update(level=1),
    "nickname": lambda c: Creator.objects.filter(pk=c.pk).update(nickname="改过的昵称"),
    "levels' values": lambda c: LevelPackage.objects.update(value_yuan=77_000),
    "level history": lambda c: LevelChange.objects.filter(creator=c).delete(),
    "override ended": lambda c: LevelOverride.objects.filter(creator=c).update(ended_at=NOW),
    "claimed": lambda c: entitlement_claim(
        creator=c, entitlement_id=Entitlement.objects.filter(creator=c, status=EntitlementStatus.AVAILABLE)[:1].get().pk
    ),
    "card expired": lambda c: GuaranteeCard.objects.filter(creator=c, status=CardStatus.ACTIVE).update(
        status=CardStatus.EXPIRED, expired_at=NOW
    ),
    "issue's reason": lambda c: CardIssue.objects.update(reason="改过的原因"),
    "task renamed": lambda c: SubmissionTask.objects.update(title="改名的任务"),
    "case reviewed": lambda c: FeaturedCase.objects.filter(creator=c).update(status=CaseStatus.APPROVED),
    "DOU+ credited": lambda c: DouPlusCredit.objects.filter(creator=c).update(amount=60),
    "catalogue": lambda c: LevelBenefit.objects.update(value_note="改过的说明"),
    "benefit renamed": lambda c: Benefit.objects.filter(code=BenefitCode.GUARANTEE_CARD).update(name="改名的保底卡"),
}


@pytest.mark.parametrize("write", WRITES)
def test_after_any_write_the_next_view_is_what_a_fresh_draw_shows(creator_client: Client, creator, write) -> None:
    rich(creator)
    view(creator, PortalEvent.Name.TASK_HALL_VIEWED, AT - timedelta(days=3))
    before = {path: drawn(creator_client, path) for path in KEPT_PAGES}
    assert {path: page(creator_client, path) for path in KEPT_PAGES} == before  # all kept now…
    if store.supported():  # …and served as kept (SQLite draws every view)
        assert [queries(creator_client, path) for path in KEPT_PAGES] == [3] * len(KEPT_PAGES)

    WRITES[write](creator)

    after = {path: page(creator_client, path) for path in KEPT_PAGES}
    assert after != before  # the write shows on a page…
    assert after == {path: drawn(creator_client, path) for path in KEPT_PAGES}  # …as a fresh draw shows it


def test_a_page_is_not_kept_past_the_moment_the_clock_changes_it(creator_client: Client, creator, monkeypatch) -> None:
    """Content published 30 days less an hour before now leaves the window in an hour: until then the kept
    page is served (with the moment of each answer in it), from then on it is drawn again; a clock set
    back draws it again too."""
    post(creator, 5, at=NOW, plays=1_000, published_at=NOW - timedelta(days=30) + timedelta(hours=1))
    first = measured(drawn(creator_client, "/levels/"))
    # how much later, whether the page drawn at ``NOW`` is served, whether the five posts count
    steps = [(timedelta(minutes=59), True, True), (timedelta(hours=1, seconds=1), False, False),
             (-timedelta(days=1), False, True)]  # fmt: skip
    for later, kept_still, counted in steps:
        monkeypatch.setattr(clock, "now", lambda later=later: NOW + later)
        if store.supported():
            assert (queries(creator_client, "/levels/") == 3) == kept_still
        seen = page(creator_client, "/levels/")
        assert f"进度按 {stamp(NOW + later)} 的数据计算" in seen
        assert seen == drawn(creator_client, "/levels/")
        assert (measured(seen) == first) == counted


def test_the_wallet_is_not_kept_past_the_moment_a_cards_days_left_moves(
    creator_client: Client, creator, monkeypatch
) -> None:
    """A card expiring two days and an hour from now shows 剩 3 天 for another hour: kept until then, drawn
    again once it shows 剩 2 天 (an instant between two midnights: the clock alone moves it)."""
    assess()
    GuaranteeCard.objects.filter(creator=creator).update(expires_at=NOW + timedelta(days=2, hours=1))
    assert "剩 3 天" in drawn(creator_client, "/benefits/")
    for later, kept_still, left in [(timedelta(minutes=59), True, 3), (timedelta(hours=1, seconds=1), False, 2)]:
        monkeypatch.setattr(clock, "now", lambda later=later: NOW + later)
        if store.supported():
            assert (queries(creator_client, "/benefits/") == 3) == kept_still
        seen = page(creator_client, "/benefits/")
        assert f"剩 {left} 天" in seen and f"剩 {5 - left} 天" not in seen
        assert seen == drawn(creator_client, "/benefits/")


def measured(html: str) -> str:
    """The page without the moment it is judged at."""
    return re.sub(r"进度按 [0-9: -]+ 的数据计算", "", html)


def test_each_browser_gets_its_own_csrf_token_in_a_kept_page(creator) -> None:
    """Two browsers of one creator: the second is served the page the first drew, with its own token, and
    a form sent with it is accepted (a token of the other browser's is refused)."""
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for browser in browsers:
        browser.force_login(creator.user)
        html = browser.get("/levels/").content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', html).group(1))
    if store.supported():
        assert queries(browsers[1], "/levels/") == 3
    second = browsers[1]
    assert second.post("/levels/refresh/", {"csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert second.post("/levels/refresh/", {"csrfmiddlewaretoken": tokens[0]}).status_code == 403


def test_a_creator_is_never_served_another_creators_kept_page(creator_client: Client, creator, other_creator) -> None:
    Creator.objects.filter(pk=other_creator.pk).update(nickname="另一位达人")
    other_creator.refresh_from_db()
    other = Client()
    other.force_login(other_creator.user)
    for path in KEPT_PAGES:
        for _ in range(2):  # drawn, then kept
            mine, theirs = page(creator_client, path), page(other, path)
            assert creator.user.username in mine and other_creator.user.username not in mine
            assert other_creator.user.username in theirs and creator.user.username not in theirs
    assert creator.nickname in page(creator_client, "/") and other_creator.nickname in page(other, "/")
    assert creator.nickname not in page(other, "/")


def test_a_message_to_show_is_shown_not_a_kept_page_without_it(creator_client: Client, creator) -> None:
    """刷新进度 without JavaScript redirects to 权益中心 with a toast: that view draws the page (and shows
    the toast once); the next view is the kept page again."""
    page(creator_client, "/levels/")
    response = creator_client.post("/levels/refresh/", follow=True)
    assert "进度已刷新" in response.content.decode()
    assert "进度已刷新" not in page(creator_client, "/levels/")


def test_a_process_keeps_at_most_its_setting_and_none_at_zero(creator_client: Client, settings) -> None:
    """``KEPT_PAGES``: the least recently served page goes first; 0 draws every view (no fingerprint
    read either: the creator's query is the one a page that is never kept makes). SQLite keeps none."""
    postgres = connection.vendor == "postgresql"
    settings.KEPT_PAGES = 1
    page(creator_client, "/")
    assert (queries(creator_client, "/") == 3) == postgres
    page(creator_client, "/levels/")  # kept in its place
    assert (queries(creator_client, "/levels/") == 3) == postgres
    assert queries(creator_client, "/") > 3
    settings.KEPT_PAGES = 0
    for path in [*KEPT_PAGES] * 2:
        with CaptureQueriesContext(connection) as captured:
            assert creator_client.get(path).status_code == 200
        assert len(captured) > 3 and "xmin" not in captured[2]["sql"]
