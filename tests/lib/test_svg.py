"""Chart geometry (lib.svg): values to coordinates, gaps, bounds, and attribute strings that parse."""

import math

import pytest

from lib.svg import Box, Point, line, linear, nice_range, num, points_attr, radar

BOX = Box(width=340, height=168, left=30, right=14, top=16, bottom=28)


def parse_points(attr: str) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in pair.split(",")) for pair in attr.split()]


# --- numbers and scales ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [(12.0, "12"), (12.54, "12.5"), (-0.04, "0"), (0.05, "0.1"), (3.96, "4")])
def test_coordinates_have_one_decimal_at_most_and_no_trailing_zero(value, text):
    assert num(value) == text


def test_points_attribute_is_pairs_separated_by_spaces():
    assert points_attr([Point(1, 2), Point(3.25, 4.5)]) == "1,2 3.2,4.5"


def test_linear_maps_and_flips_and_survives_an_empty_domain():
    assert linear(50, 0, 100, 0, 200) == 100
    assert linear(0, 0, 100, 152, 16) == 152  # a y axis: the low value at the bottom
    assert linear(100, 0, 100, 152, 16) == 16
    assert linear(7, 7, 7, 0, 10) == 5


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        ([71.4], (60, 80)),  # half a step of room each side, two steps at least
        ([62, 66, 71.4], (50, 80)),
        ([3, 98], (0, 100)),  # never beyond 0–100
        ([0.5], (0, 20)),
        ([99.9], (80, 100)),
        ([], (0, 100)),
    ],
)
def test_value_axis_is_on_round_numbers_around_the_data(values, bounds):
    assert nice_range(values, step=10, floor=0, ceiling=100) == bounds


# --- line -------------------------------------------------------------------------------------------------


def test_line_has_a_point_per_value_spread_over_the_box():
    chart = line([60, 65, 70], BOX)

    assert len(chart.drawn) == 3
    assert [p.x for p in chart.drawn] == [BOX.x0, (BOX.x0 + BOX.x1) / 2, BOX.x1]
    assert (chart.lo, chart.hi) == (50, 80)
    assert chart.drawn[0].y == pytest.approx(BOX.y0 - (BOX.y0 - BOX.y1) / 3)  # 60 is a third of 50–80
    assert chart.drawn[2].y < chart.drawn[0].y  # higher values are drawn higher
    assert len(parse_points(chart.segments[0])) == 3


def test_a_missing_day_breaks_the_line_and_keeps_the_dates_in_place():
    chart = line([60, None, None, 70, 72], BOX)

    assert chart.points[1] is None and chart.points[2] is None
    assert [len(parse_points(s)) for s in chart.segments] == [1, 2]
    assert len(chart.areas) == 2
    step = (BOX.x1 - BOX.x0) / 4
    assert chart.points[3].x == pytest.approx(BOX.x0 + 3 * step)  # day 4 stays at day 4


def test_a_single_value_sits_in_the_middle():
    chart = line([50], BOX)
    assert chart.drawn[0].x == (BOX.x0 + BOX.x1) / 2
    assert parse_points(chart.segments[0]) == [(chart.drawn[0].x, chart.drawn[0].y)]


def test_no_values_draw_nothing():
    chart = line([None, None], BOX)
    assert chart.drawn == [] and chart.segments == () and chart.areas == ()


def test_area_closes_down_to_the_bottom_of_the_plot():
    area = line([60, 70], BOX).areas[0]
    assert area.startswith(f"M{num(BOX.x0)},{num(BOX.y0)} ") and area.endswith(f"L{num(BOX.x1)},{num(BOX.y0)} Z")


def test_ticks_are_the_bounds_and_the_middle_bottom_up():
    chart = line([62, 71], BOX)
    assert [t.value for t in chart.ticks] == [50, 65, 80]
    assert [t.y for t in chart.ticks] == [BOX.y0, (BOX.y0 + BOX.y1) / 2, BOX.y1]


# --- radar ----------------------------------------------------------------------------------------------

CENTRE = Point(180, 124)


def test_radar_has_one_dot_per_value_at_its_share_of_the_radius():
    chart = radar([100, 50, 0, 25, None], centre=CENTRE, radius=80)

    dots = parse_points(chart.shape)
    assert len(dots) == 5 and len(chart.spokes) == 5
    assert dots[0] == (180, 44)  # the first axis points straight up, full length
    assert math.dist(dots[1], (180, 124)) == pytest.approx(40, abs=0.1)
    assert dots[2] == (180, 124) and dots[4] == (180, 124)  # 0 and no data both sit at the centre
    assert math.dist(dots[3], (180, 124)) == pytest.approx(20, abs=0.1)


def test_radar_axes_go_clockwise_from_the_top():
    chart = radar([100] * 5, centre=CENTRE, radius=80)
    ends = [s.end for s in chart.spokes]
    assert ends[0].y < CENTRE.y and abs(ends[0].x - CENTRE.x) < 1e-9
    assert ends[1].x > CENTRE.x and ends[4].x < CENTRE.x  # right, then round to the left
    assert ends[2].y > CENTRE.y and ends[3].y > CENTRE.y


def test_values_beyond_the_scale_stay_on_the_chart():
    dots = parse_points(radar([150, -5, 50], centre=CENTRE, radius=80).shape)
    assert dots[0] == (180, 44) and dots[1] == (180, 124)


def test_rings_are_polygons_with_a_corner_per_axis_innermost_first():
    chart = radar([1, 2, 3, 4, 5], centre=CENTRE, radius=80, rings=4)
    assert len(chart.rings) == 4
    tops = [parse_points(ring)[0] for ring in chart.rings]
    assert [len(parse_points(ring)) for ring in chart.rings] == [5, 5, 5, 5]
    assert [round(CENTRE.y - y) for _x, y in tops] == [20, 40, 60, 80]


def test_labels_grow_away_from_the_chart():
    chart = radar([1] * 5, centre=CENTRE, radius=80, label_gap=14, lines=2, line_height=15)
    top, right, bottom_right, bottom_left, left = chart.spokes
    assert (top.anchor, top.baseline) == ("middle", "auto")
    assert top.label.y == pytest.approx(CENTRE.y - 94 - 15)  # two lines end just above the axis
    assert (right.anchor, right.baseline) == ("start", "middle")
    assert (bottom_right.anchor, bottom_right.baseline) == ("start", "hanging")
    assert (bottom_left.anchor, bottom_left.baseline) == ("end", "hanging")
    assert (left.anchor, left.baseline) == ("end", "middle")


def test_a_radar_needs_three_axes():
    with pytest.raises(ValueError, match="three axes"):
        radar([1, 2], centre=CENTRE, radius=10)
