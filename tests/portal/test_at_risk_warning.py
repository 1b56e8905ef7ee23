"""One truth for a level at risk: the 保级提醒 a late run sends reads as the home banner and 权益中心 read
at the moment it is sent — the days left, the count of failing requirements, each value and its bar."""

from datetime import datetime

import pytest
from django.test import Client

from creators.models import AssistantMessage
from levels import jobs
from lib.periods import TZ
from portal import clock
from portal.presenters.levels import level_center
from tests.builders import post
from tests.portal.support import creator_with_login, hold, text

pytestmark = pytest.mark.django_db

# Beat missed 09:00 on the 20th; the reconciler's 15:30 round sends the warning.
SENT = datetime(2026, 12, 20, 15, 30, tzinfo=TZ)


@pytest.fixture
def at_risk_lv2(client: Client, monkeypatch):
    """Holds LV2 with an average of 9,000.1 plays per post against LV2's > 10,000: a mean whose
    decimal a message could show although the page rounds it."""
    monkeypatch.setattr(clock, "now", lambda: SENT)
    creator = creator_with_login(2, at=SENT, posts=0)
    post(creator, 8, at=SENT, plays=9_000, likes=200)
    post(creator, 1, at=SENT, plays=9_001, likes=200)
    hold(creator, 2)
    client.force_login(creator.user)
    return creator


def test_the_late_warning_reads_as_the_banner_and_the_level_center(client: Client, at_risk_lv2) -> None:
    jobs.reconcile(now=SENT)
    note = AssistantMessage.objects.get(creator=at_risk_lv2, kind="at_risk")
    assert note.created_at == SENT

    center = level_center(creator=at_risk_lv2, at=SENT)
    standing = center.standing
    assert (standing.level, standing.risk_missing, standing.days_left) == (2, 1, 12)
    for page in ("/", "/levels/"):
        banner = text(client.get(page))
        assert f"本月底前完成 {standing.risk_missing} 项即可保住 LV{standing.level}" in banner
        assert f"剩 {standing.days_left} 天" in banner
    title, body = note.display_title, note.display_body
    assert f"LV{standing.level} 还有 {standing.risk_missing} 项未达成" in title
    assert f"剩 {standing.days_left} 天" in title

    # The failing row of 权益中心 and the message show the same value and bar.
    [row] = [r for r in center.hold if not r.met]
    assert (row.code, row.value, row.target) == ("avg_plays_30d", "9,000", "> 10,000")
    assert f"{row.value} " in body and row.target in body
    assert "9,000.1" not in body
    assert row.value in text(client.get("/levels/"))
