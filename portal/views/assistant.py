"""经营助手: the creator's figures over the assessment window, the exposure their level benefits give
(FAQ Q8: "具体的曝光效果可以在经营助手看到") and a placeholder for the Xingtu index (docs/program.md §4, a
later issue). Opening it records ``assistant_viewed`` (docs/program.md §1, LV1 for 10万+ creators)."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from benefits.card_selectors import exposure_of
from creators.models import PortalEvent
from creators.selectors import Span, stats_window
from creators.services import event_record
from levels.rules import load_rules
from levels.selectors import level_of
from lib.format import figure
from lib.periods import local
from portal import clock
from portal.access import CreatorRequest, creator_required

CHART_W, CHART_H = 340, 180
CHART_TOP, CHART_BOTTOM = 26, 34  # room for the value above a bar and the dates under it


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    cx: float
    ty: float
    value: str
    exact: int
    label: str
    posts: int


def plays_chart(spans: tuple[Span, ...]) -> list[Bar]:
    """Bars of effective plays per slice of the window, scaled to the tallest, with their numbers."""
    peak = max((s.plays for s in spans), default=0) or 1
    slot = CHART_W / max(len(spans), 1)
    usable = CHART_H - CHART_TOP - CHART_BOTTOM
    bars = []
    for i, s in enumerate(spans):
        height = max(2.0, usable * s.plays / peak) if s.plays else 0.0
        x = i * slot + slot * 0.2
        last_day = local(s.end - (s.end - s.start) / 1000)  # the slice's last day, not the next slice's first
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(CHART_H - CHART_BOTTOM - height, 1),
                width=round(slot * 0.6, 1),
                height=round(height, 1),
                cx=round(i * slot + slot / 2, 1),
                ty=round(CHART_H - CHART_BOTTOM - height - 6, 1),
                value=figure(s.plays),
                exact=s.plays,
                label=f"{local(s.start):%m/%d}–{last_day:%m/%d}",
                posts=s.posts,
            )
        )
    return bars


@creator_required
@require_GET
def assistant(request: CreatorRequest) -> HttpResponse:
    now = clock.now()
    event_record(creator=request.creator, name=PortalEvent.Name.ASSISTANT_VIEWED, at=now)
    rules = load_rules()
    stats = stats_window(creator=request.creator, at=now, days=rules.window_days)
    return render(
        request,
        "portal/assistant.html",
        {
            "stats": stats,
            "days": rules.window_days,
            "bars": plays_chart(stats.spans),
            "chart": {"w": CHART_W, "h": CHART_H, "base": CHART_H - CHART_BOTTOM, "label_y": CHART_H - 12},
            "exposure": exposure_of(creator=request.creator),
            "level": level_of(creator=request.creator),
        },
    )
