"""经营助手's Xingtu index: the composite and its 30-day line, the radar of the five sub-indices with the
numbers as text, the 评分说明 with the weights in settings, a tip per weak sub-index against the median of the
creator's level, and the exposure per surface with the benefits behind it — on hand-made rows."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from benefits.models import Benefit
from insights.models import Surface
from lib.periods import local_date
from tests.index_builders import holding, impression, index_days, index_row
from tests.portal.support import NOW, creator_with_login, hold, now, text  # noqa: F401
from tests.portal.test_assistant import grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

TODAY = local_date(NOW)
SVG = "{http://www.w3.org/2000/svg}"
SUBS = dict(reach=80.0, cooperation=65.5, growth=12.0, value=77.1, conversion=60.3)


@pytest.fixture
def me(client: Client):
    creator = creator_with_login(3, "dana")
    hold(creator, 3)
    client.force_login(creator.user)
    return creator


def svgs(body: str) -> dict[str, ET.Element]:
    """Every inline chart of the page by its class, parsed as XML (a chart that is not valid SVG fails here)."""
    charts = {}
    main = body[body.index("<main") : body.index("</main>")]
    for source in re.findall(r"<svg\b.*?</svg>", main, re.S):
        root = ET.fromstring(source)
        charts[root.get("class")] = root
    return charts


def section(body: str, marker: str) -> str:
    start = body.index(marker)
    return body[start : body.index("</section>", start)]


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- before the first compute_index -----------------------------------------------------------------


def test_before_the_first_index_one_sentence_and_no_charts(client: Client, me) -> None:
    response = client.get("/assistant/")

    assert response.status_code == 200
    card = plain(section(response.content.decode(), 'class="card index-card"'))
    assert "星图指数每日更新，首次计算完成后，这里会显示你的综合指数、近30天走势和五项指数。" in card
    assert not any(ch.isdigit() for ch in card.replace("30", ""))  # no score, no made-up figure
    charts = svgs(response.content.decode())
    assert "line-chart" not in charts and "radar-chart" not in charts
    assert "提升建议" not in text(response)
    assert "评分说明" in text(response)  # the formula is there before any score


def test_a_future_row_is_not_today_s_index(client: Client, me) -> None:
    index_row(me, TODAY + timedelta(days=1), composite=50, **SUBS)
    assert "首次计算完成后" in client.get("/assistant/").content.decode()


# --- the composite and its trend ---------------------------------------------------------------------


def test_composite_with_a_line_point_per_day_and_a_gap_where_the_job_did_not_run(client: Client, me) -> None:
    composites = [50 + n * 0.5 for n in range(30)]
    composites[10] = composites[11] = None  # two days without a run
    composites[-1] = 71.4
    index_days(me, TODAY, composites, **SUBS)

    body = client.get("/assistant/").content.decode()

    assert plain(re.search(r"<h1 .*?</h1>", body, re.S).group(0)) == "星图指数 71.4"
    chart = svgs(body)["line-chart"]
    assert chart.get("viewBox") == "0 0 340 168" and chart.get("role") == "img"
    assert len(chart.findall(f"{SVG}circle")) == 28
    lines = chart.findall(f"{SVG}polyline")
    assert [len(line.get("points").split()) for line in lines] == [10, 18]  # broken at the gap
    assert "12/02：71.4" in chart.find(f"{SVG}desc").text
    assert chart.findall(f"{SVG}circle")[-1].find(f"{SVG}title").text == "2026-12-02：71.4"
    table = re.search(r'<table class="visually-hidden">.*?</table>', body, re.S).group(0)
    assert table.count("<tr>") == 1 + 28 and "<td>2026-12-02</td><td>71.4</td>" in table
    assert "近30天 +21.4" in plain(body)  # 71.4 against 50 on the first day


def test_trend_covers_the_last_30_days_of_index(client: Client, me) -> None:
    index_days(me, TODAY, [40.0] * 15 + [60.0] * 30, **SUBS)  # 45 days of history

    chart = svgs(client.get("/assistant/").content.decode())["line-chart"]

    assert len(chart.findall(f"{SVG}circle")) == 30
    labels = [t.text for t in chart.findall(f"{SVG}text") if t.get("class") == "axis-label"]
    assert labels == ["11/03", "12/02"]


def test_the_latest_index_is_shown_with_its_day_when_today_s_is_missing(client: Client, me) -> None:
    index_days(me, TODAY - timedelta(days=3), [61.0, 62.5], **SUBS)

    response = client.get("/assistant/")

    assert "星图指数 62.5" in text(response) and "2026-11-29 的数据" in text(response)
    assert "近30天 +1.5" in text(response)
    chart = svgs(response.content.decode())["line-chart"]
    assert [t.text for t in chart.findall(f"{SVG}text") if t.get("class") == "axis-label"] == ["10/31", "11/29"]


def test_one_day_of_index_is_one_point_and_no_change(client: Client, me) -> None:
    index_row(me, TODAY, composite=55.0, **SUBS)
    response = client.get("/assistant/")
    chart = svgs(response.content.decode())["line-chart"]
    assert len(chart.findall(f"{SVG}circle")) == 1
    assert "近30天 +" not in text(response) and "近30天 -" not in text(response)


# --- the five sub-indices ----------------------------------------------------------------------------


def test_radar_has_five_points_and_the_numbers_as_text_in_drawing_order(client: Client, me) -> None:
    index_row(me, TODAY, composite=60.0, **{**SUBS, "value": None})

    body = client.get("/assistant/").content.decode()

    radar = svgs(body)["radar-chart"]
    shape = next(p for p in radar.findall(f"{SVG}polygon") if p.get("class") == "radar-shape")
    assert len(shape.get("points").split()) == 5
    assert len(radar.findall(f"{SVG}circle")) == 5
    assert radar.find(f"{SVG}desc").text == "传播：80；合作：65.5；涨粉：12；性价比：—；种草：60.3"
    listed = plain(re.search(r'<ul class="sub-scores".*?</ul>', body, re.S).group(0))
    assert listed == (
        "传播 80 权重 30% 合作 65.5 权重 20% 涨粉 12 权重 15% 性价比 暂无数据 权重 20% 种草 60.3 权重 15%"
    )


def test_charts_are_valid_svg_that_scale_with_no_script_and_no_inline_style(client: Client, me) -> None:
    index_days(me, TODAY, [60.0, 61.0, 62.0], **SUBS)
    impression(me, TODAY, Surface.SQUARE, 10)

    body = client.get("/assistant/").content.decode()

    charts = svgs(body)
    assert set(charts) == {"line-chart", "radar-chart", "bar-chart", "surface-bar"}
    for chart in charts.values():
        assert chart.get("viewBox") and not chart.get("width") and not chart.get("height")
        assert not any(e.get("style") for e in chart.iter())
        assert not chart.findall(f".//{SVG}script")
    main = body[body.index('<main'):body.index("</main>")]  # fmt: skip
    assert "style=" not in main and "<script" not in main


# --- 评分说明 ----------------------------------------------------------------------------------------


def test_score_rules_state_the_formula_with_the_weights_in_settings(client: Client, me) -> None:
    rules = plain(section(client.get("/assistant/").content.decode(), 'id="score-rules"'))
    assert "综合指数 = 传播 × 30% + 合作 × 20% + 涨粉 × 15% + 性价比 × 20% + 种草 × 15%" in rules
    assert "百分位排名" in rules
    assert "近15天有效涨粉及其趋势" in rules and "订单CPM（千次播放成本，越低越好）" in rules


@override_settings(
    XINGTU_INDEX_WEIGHTS={"reach": 0.4, "cooperation": 0.1, "growth": 0.125, "value": 0.2, "conversion": 0.175}
)
def test_score_rules_follow_the_settings(client: Client, me) -> None:
    index_row(me, TODAY, composite=60.0, **SUBS)
    body = client.get("/assistant/").content.decode()
    rules = plain(section(body, 'id="score-rules"'))
    assert "传播 × 40.0% + 合作 × 10.0% + 涨粉 × 12.5% + 性价比 × 20.0% + 种草 × 17.5%" in rules
    assert "权重 12.5%" in plain(body)


# --- tips --------------------------------------------------------------------------------------------


def test_tip_names_the_weak_figure_against_the_median_of_the_same_level(client: Client, me) -> None:
    index_row(me, TODAY, composite=58.0, **SUBS, fans_gain_15d=1_200)
    for gain in (3_400, 3_400, 5_000):
        index_row(holding(3), TODAY, growth=70, fans_gain_15d=gain)
    index_row(holding(2), TODAY, fans_gain_15d=100)  # another level: not a peer
    index_row(holding(3), TODAY - timedelta(days=1), fans_gain_15d=90_000)  # another day

    tips = plain(section(client.get("/assistant/").content.decode(), 'aria-labelledby="tips-title"'))

    # median of 1,200 · 3,400 · 3,400 · 5,000 (the creator is one of their level) is 3,400
    assert "涨粉指数 12 近15天涨粉 1,200，低于同级达人中位数 3,400：保持稳定更新" in tips
    assert tips.count("指数 ") == 1  # the next weakest (种草 60.3) is not weak: one tip


def test_two_weak_sub_indices_two_tips_with_rates_as_percentages(client: Client, me) -> None:
    index_row(
        me, TODAY, composite=30.0, reach=20.0, cooperation=70.0, growth=35.0, value=80.0, conversion=90.0,
        plays_30d=90_000, interaction_rate=0.05, completion_rate=0.2, fans_gain_15d=2_000,
    )  # fmt: skip
    index_row(holding(3), TODAY, plays_30d=100_000, interaction_rate=0.05, completion_rate=0.3, fans_gain_15d=3_000)

    tips = plain(section(client.get("/assistant/").content.decode(), 'aria-labelledby="tips-title"'))

    # medians of the two LV3 rows: plays 95,000; interaction 5%; completion 25%; gain 2,500
    assert tips.index("传播指数 20") < tips.index("涨粉指数 35")
    assert "完播率 20%，低于同级达人中位数 25%：开头 3 秒内点明看点" in tips
    assert "近15天涨粉 2,000，低于同级达人中位数 2,500" in tips


def test_a_median_of_counts_between_two_reads_whole(client: Client, me) -> None:
    index_row(me, TODAY, composite=50.0, **SUBS, fans_gain_15d=1_000)
    index_row(holding(3), TODAY, fans_gain_15d=4_001)  # the median of 1,000 and 4,001 is 2,500.5

    tips = plain(section(client.get("/assistant/").content.decode(), 'aria-labelledby="tips-title"'))

    assert "近15天涨粉 1,000，低于同级达人中位数 2,501：" in tips


def test_a_higher_cpm_than_the_peers_is_the_tip(client: Client, me) -> None:
    index_row(me, TODAY, composite=50.0, **{**SUBS, "value": 5.0}, cpm=42.5, fan_quality=0.7)
    index_row(holding(3), TODAY, cpm=30.0, fan_quality=0.6)

    tips = plain(section(client.get("/assistant/").content.decode(), 'aria-labelledby="tips-title"'))

    assert "订单CPM ¥42.5，高于同级达人中位数 ¥36.3：" in tips  # the median of 42.5 and 30, 36.25


def test_without_comparable_figures_the_tips_say_so(client: Client, me) -> None:
    index_row(me, TODAY, composite=50.0, **SUBS)  # no raw figures at all
    tips = plain(section(client.get("/assistant/").content.decode(), 'aria-labelledby="tips-title"'))
    assert "还没有同级达人的可比数据" in tips


# --- exposure ----------------------------------------------------------------------------------------


def test_impressions_of_the_last_30_days_by_surface_with_the_benefits_behind_them(
    client: Client, me, other_creator
) -> None:
    impression(me, TODAY, Surface.SQUARE, 8_000)
    impression(me, TODAY - timedelta(days=29), Surface.SQUARE, 4_500)
    impression(me, TODAY - timedelta(days=30), Surface.SQUARE, 99_999)  # before the 30 days
    impression(me, TODAY - timedelta(days=2), Surface.DAILY_BOARD, 300)
    impression(other_creator, TODAY, Surface.BUSINESS_BOARD, 777)  # someone else's
    grant(me, "square_ad_slot_fixed")
    grant(me, "leaderboard_priority")
    names = dict(Benefit.objects.values_list("code", "name"))

    body = client.get("/assistant/").content.decode()

    card = plain(section(body, 'aria-labelledby="impressions-title"'))
    assert "近30天（11/03–12/02）" in card
    assert "你的达人卡片被客户看到 1.2万 次" in card  # 12,800
    rows = re.findall(r'<li class="surface-row">.*?</li>', body, re.S)
    assert [plain(r) for r in rows] == [
        f"达人广场 1.2万 次 相关权益：{names['square_ad_slot_fixed']}",
        f"达人广场广告位 0 次 相关权益：{names['square_ad_slot_fixed']}",
        f"商业影响力榜单 0 次 相关权益：{names['leaderboard_priority']}",
        f"每日热榜 300 次 相关权益：{names['leaderboard_priority']}",
    ]
    assert 'title="12,500"' in rows[0]
    bars = [root.find(f"{SVG}rect[@class='fill']").get("width") for root in map(ET.fromstring, re.findall(
        r"<svg\b.*?</svg>", "".join(rows), re.S))]  # fmt: skip
    assert bars == ["100", "0", "0", "2.4"]  # against the busiest surface


def test_a_surface_without_a_benefit_behind_it_says_so(client: Client, me) -> None:
    impression(me, TODAY, Surface.BUSINESS_BOARD, 5)
    rows = re.findall(r'<li class="surface-row">.*?</li>', client.get("/assistant/").content.decode(), re.S)
    assert plain(rows[2]) == "商业影响力榜单 5 次 暂无相关权益"


def test_no_impressions_one_sentence(client: Client, me) -> None:
    card = plain(section(client.get("/assistant/").content.decode(), 'aria-labelledby="impressions-title"'))
    assert "近30天你的达人卡片还没有在达人广场和榜单中展示。" in card
    assert "surface-row" not in card


# --- English, query count ----------------------------------------------------------------------------


def test_english_reader_reads_the_index_in_english(client: Client, me) -> None:
    index_row(me, TODAY, composite=58.0, **SUBS, fans_gain_15d=1_200)
    index_row(holding(3), TODAY, fans_gain_15d=5_600)
    impression(me, TODAY, Surface.SQUARE_SLOT, 12_345)

    body = plain(client.get("/assistant/", headers={"Accept-Language": "en"}).content.decode())

    assert "Xingtu index 58" in body
    formula = "Reach × 30% + Collaboration × 20% + Follower growth × 15% + Value for money × 20% + Seeding × 15%"
    assert f"Composite index = {formula}" in body
    assert "15-day follower gain 1,200, below the median of creators at your level 3,400:" in body
    assert "12.3k" in body


def test_queries_do_not_grow_with_history_peers_or_impressions(
    client: Client, me, django_assert_max_num_queries
) -> None:
    index_days(me, TODAY, [50.0, 51.0], **SUBS, fans_gain_15d=100)
    index_row(holding(3), TODAY, fans_gain_15d=200)
    impression(me, TODAY, Surface.SQUARE, 1)
    client.get("/assistant/")  # the day's event is recorded
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/assistant/")
    assert response.status_code == 200  # a refused page is cheap: it would make any count pass
    assert "涨粉指数 12" in response.content.decode()

    index_days(me, TODAY - timedelta(days=2), [40.0 + n % 7 for n in range(60)], **SUBS)
    for n in range(1, 30):
        index_row(holding(3), TODAY, fans_gain_15d=n * 100, cpm=n)
        for surface in Surface.values:
            impression(me, TODAY - timedelta(days=n), surface, n)
    for code in ("identity_tag", "square_ad_slot", "diamond_slot", "leaderboard_priority"):
        grant(me, code)

    with django_assert_max_num_queries(len(captured)):
        response = client.get("/assistant/")
    assert response.status_code == 200
    assert len(svgs(response.content.decode())["line-chart"].findall(f"{SVG}circle")) == 30
