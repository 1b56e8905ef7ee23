"""概览: the state of the program at a glance (issue 8, screen 2). Each figure is one selector of the app
that owns it; the page reads a fixed number of queries however many creators there are."""

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from benefits import selectors as benefit_selectors
from benefits.card_selectors import EXPIRING_SOON_DAYS
from benefits.dispatch_selectors import dispatch_quotas, dispatch_totals
from console.access import ConsoleRequest, console_required
from levels import selectors as level_selectors
from lib.periods import Month, local_date

CHART_HEIGHT = 160  # px of the tallest bar in the level chart
CHART_TOP = 24  # room above the tallest bar for its count
BASELINE = CHART_TOP + CHART_HEIGHT
BAR_WIDTH, BAR_GAP = 56, 24


@dataclass(frozen=True)
class Bar:
    """One level's bar of the chart, in SVG user units (the baseline is at ``BASELINE``)."""

    level: int
    count: int
    x: int
    height: int

    @property
    def y(self) -> int:
        return BASELINE - self.height

    @property
    def label_x(self) -> int:
        return self.x + BAR_WIDTH // 2


def level_bars(counts: dict[int, int]) -> list[Bar]:
    """Bars scaled to the largest count; a level with creators keeps at least a visible sliver."""
    top = max(counts.values(), default=0)
    bars = []
    for i, (level, count) in enumerate(sorted(counts.items())):
        height = round(count * CHART_HEIGHT / top) if top else 0
        bars.append(Bar(level, count, BAR_GAP + i * (BAR_WIDTH + BAR_GAP), max(height, 2) if count else 0))
    return bars


@console_required
@require_safe
def dashboard(request: ConsoleRequest) -> HttpResponse:
    now = timezone.now()
    today = local_date(now)
    period = Month.of(now).key
    per_level = level_selectors.creators_per_level()
    monthly = level_selectors.last_monthly_run()
    moves = level_selectors.moves_of(run=monthly) if monthly else {}
    context = {
        "total": sum(per_level.values()),
        "bars": level_bars(per_level),
        "chart_width": BAR_GAP + len(per_level) * (BAR_WIDTH + BAR_GAP),
        "baseline": BASELINE,
        "bar_width": BAR_WIDTH,
        "monthly": monthly,
        "moves": [(level, moves.get(level, {"up": 0, "down": 0})) for level in per_level],
        "recommendations": benefit_selectors.recommendations_queue_counts(),
        "cases_waiting": benefit_selectors.cases_waiting_count(),
        "expiring": benefit_selectors.cards_expiring_count(start=now, end=now + timedelta(days=EXPIRING_SOON_DAYS)),
        "expiring_from": today,
        "expiring_to": today + timedelta(days=EXPIRING_SOON_DAYS),
        "expiring_days": EXPIRING_SOON_DAYS,
        "period": period,
        "shortfall": dispatch_totals(dispatch_quotas(period=period)),
        "runs": level_selectors.job_runs_recent(),
    }
    return render(request, "console/dashboard.html", context)
