"""经营助手's effective-plays chart: one bar per slice of the rules' window (whole local days, no day in two
slices — ``creators.selectors.stats_window``), scaled to the tallest, with its numbers as text."""

from dataclasses import dataclass

from creators.selectors import Span
from lib.format import figure
from lib.svg import num

CHART_W, CHART_H = 340, 180
CHART_TOP, CHART_BOTTOM = 26, 34  # room for the value above a bar and the dates under it
BASE, LABEL_Y = CHART_H - CHART_BOTTOM, CHART_H - 12


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    cx: str
    ty: str
    value: str
    exact: int
    label: str
    posts: int


def span_label(span: Span) -> str:
    """``11/07–11/12``; a one-day slice reads ``11/07``."""
    if span.first == span.last:
        return f"{span.first:%m/%d}"
    return f"{span.first:%m/%d}–{span.last:%m/%d}"


def plays_chart(spans: tuple[Span, ...]) -> list[Bar]:
    """Bars of effective plays per slice of the window, scaled to the tallest, with their numbers."""
    peak = max((s.plays for s in spans), default=0) or 1
    slot = CHART_W / max(len(spans), 1)
    usable = CHART_H - CHART_TOP - CHART_BOTTOM
    bars = []
    for i, s in enumerate(spans):
        height = max(2.0, usable * s.plays / peak) if s.plays else 0.0
        bars.append(
            Bar(
                x=num(i * slot + slot * 0.2),
                y=num(BASE - height),
                width=num(slot * 0.6),
                height=num(height),
                cx=num(i * slot + slot / 2),
                ty=num(BASE - height - 6),
                value=figure(s.plays),
                exact=s.plays,
                label=span_label(s),
                posts=s.posts,
            )
        )
    return bars
