"""Geometry of the small charts pages draw as inline SVG on the server (docs/ui.md "Look": bars, lines,
radar, each with its numbers as text). Pure functions from values to coordinates and to the strings SVG
attributes take; the templates add the elements, classes and words. No JavaScript, no chart library.

Coordinates are in the chart's own ``viewBox`` units (the page scales the picture to its width); y grows
downwards, as in SVG. Numbers are written with one decimal at most and never in a locale's format
(``12.5``, not ``12,5``), so templates print them as they are.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


def num(value: float) -> str:
    """A coordinate for an attribute: one decimal at most, no trailing ``.0`` (``12.5``, ``40``)."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    @property
    def sx(self) -> str:
        return num(self.x)

    @property
    def sy(self) -> str:
        return num(self.y)


def points_attr(points: Sequence[Point]) -> str:
    """The ``points`` attribute of a ``<polyline>``/``<polygon>``: ``"10,20 30,40"``."""
    return " ".join(f"{p.sx},{p.sy}" for p in points)


def linear(value: float, lo: float, hi: float, start: float, end: float) -> float:
    """``value`` of ``[lo, hi]`` mapped onto ``[start, end]`` (``end < start`` flips it, as a y axis does);
    a zero-width domain maps to the middle."""
    if hi == lo:
        return (start + end) / 2
    return start + (value - lo) * (end - start) / (hi - lo)


# --- line chart -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """The plot area inside a chart of ``width`` × ``height``: room is left around it for labels."""

    width: float
    height: float
    left: float = 0
    right: float = 0
    top: float = 0
    bottom: float = 0

    @property
    def x0(self) -> float:
        return self.left

    @property
    def x1(self) -> float:
        return self.width - self.right

    @property
    def y0(self) -> float:
        """The bottom of the plot area (the low end of the value axis)."""
        return self.height - self.bottom

    @property
    def y1(self) -> float:
        return self.top


@dataclass(frozen=True)
class Tick:
    value: float
    y: float

    @property
    def sy(self) -> str:
        return num(self.y)


@dataclass(frozen=True)
class Line:
    """A line chart: ``points`` one per value (``None`` where the value is missing), ``segments`` the
    ``points`` attributes of the runs of consecutive values (a gap breaks the line), ``areas`` the same
    runs closed down to the bottom of the plot (an SVG path each), ``ticks`` the value axis."""

    box: Box
    lo: float
    hi: float
    points: tuple[Point | None, ...]
    segments: tuple[str, ...]
    areas: tuple[str, ...]
    ticks: tuple[Tick, ...]

    @property
    def drawn(self) -> list[Point]:
        return [p for p in self.points if p is not None]


def nice_range(values: Sequence[float], *, step: float, floor: float, ceiling: float) -> tuple[float, float]:
    """The value axis for ``values``: bounds on multiples of ``step`` with at least half a step of room
    around the data, at least two steps apart, within ``[floor, ceiling]``."""
    if not values:
        return floor, ceiling
    lo = max(floor, step * math.floor((min(values) - step / 2) / step))
    hi = min(ceiling, step * math.ceil((max(values) + step / 2) / step))
    while hi - lo < 2 * step and (lo > floor or hi < ceiling):
        lo, hi = max(floor, lo - step), min(ceiling, hi + step)
    return lo, hi


def line(
    values: Sequence[float | None],
    box: Box,
    *,
    step: float = 10,
    floor: float = 0,
    ceiling: float = 100,
) -> Line:
    """``values`` evenly spaced from the left to the right edge of ``box`` (one value: in the middle), on a
    value axis from ``nice_range``; three ticks (bottom, middle, top)."""
    known = [v for v in values if v is not None]
    lo, hi = nice_range(known, step=step, floor=floor, ceiling=ceiling)
    last = max(len(values) - 1, 1)
    points: list[Point | None] = []
    for i, value in enumerate(values):
        if value is None:
            points.append(None)
            continue
        x = linear(i, 0, last, box.x0, box.x1) if len(values) > 1 else (box.x0 + box.x1) / 2
        points.append(Point(x, linear(min(max(value, lo), hi), lo, hi, box.y0, box.y1)))
    runs: list[list[Point]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    runs = [run for run in runs if run]
    segments = tuple(points_attr(run) for run in runs)
    areas = tuple(
        f"M{run[0].sx},{num(box.y0)} " + " ".join(f"L{p.sx},{p.sy}" for p in run) + f" L{run[-1].sx},{num(box.y0)} Z"
        for run in runs
    )
    ticks = tuple(Tick(v, linear(v, lo, hi, box.y0, box.y1)) for v in (lo, (lo + hi) / 2, hi))
    return Line(box, lo, hi, tuple(points), segments, areas, ticks)


# --- radar ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spoke:
    """One axis of a radar: from the centre to ``end``; the value's ``dot``; where its label's first line
    goes and how the text sits there: ``anchor`` (``text-anchor``: start, middle, end) and ``baseline``
    (``dominant-baseline``: auto above the chart, hanging below it, middle beside it)."""

    end: Point
    dot: Point
    label: Point
    anchor: str
    baseline: str


@dataclass(frozen=True)
class Radar:
    centre: Point
    radius: float
    spokes: tuple[Spoke, ...]
    rings: tuple[str, ...]  # ``points`` attributes of the grid polygons, innermost first
    shape: str  # ``points`` attribute of the values' polygon
    line_height: float  # between the lines of a label (a ``<tspan dy>``)


def polar(centre: Point, radius: float, i: int, n: int) -> Point:
    """The point at ``radius`` on the ``i``-th of ``n`` axes: the first straight up, then clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * i / n
    return Point(centre.x + radius * math.cos(angle), centre.y + radius * math.sin(angle))


def _label(centre: Point, radius: float, at: Point, lines: int, line_height: float) -> tuple[Point, str, str]:
    """Where a label of ``lines`` lines starts so that it grows away from the chart: one above the chart
    ends at ``at``, one below starts there, one beside it is centred on it."""
    dx, dy = at.x - centre.x, at.y - centre.y
    anchor = "middle" if abs(dx) < radius * 0.1 else ("start" if dx > 0 else "end")
    extra = (lines - 1) * line_height
    if dy < -radius / 2:
        return Point(at.x, at.y - extra), anchor, "auto"
    if dy > radius / 2:
        return at, anchor, "hanging"
    return Point(at.x, at.y - extra / 2), anchor, "middle"


def radar(
    values: Sequence[float | None],
    *,
    centre: Point,
    radius: float,
    top: float = 100,
    rings: int = 4,
    label_gap: float = 14,
    lines: int = 1,
    line_height: float = 15,
) -> Radar:
    """A radar of ``values`` (each of ``0..top``; ``None`` drawn at the centre) on as many axes, with
    ``rings`` evenly spaced grid polygons and each axis's label (``lines`` lines of ``line_height``)
    ``label_gap`` beyond its end."""
    n = len(values)
    if n < 3:
        raise ValueError("a radar needs at least three axes")
    spokes = []
    for i, value in enumerate(values):
        share = 0.0 if value is None else min(max(value, 0.0), top) / top
        label, anchor, baseline = _label(centre, radius, polar(centre, radius + label_gap, i, n), lines, line_height)
        spokes.append(Spoke(polar(centre, radius, i, n), polar(centre, radius * share, i, n), label, anchor, baseline))
    grid = tuple(points_attr([polar(centre, radius * (k + 1) / rings, i, n) for i in range(n)]) for k in range(rings))
    return Radar(centre, radius, tuple(spokes), grid, points_attr([s.dot for s in spokes]), line_height)
