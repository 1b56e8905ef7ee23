"""达人: find a creator, and one creator's whole picture (issue 8, screen 3).

The creator page shows the same requirement rows the creator sees on 权益中心: it reads
``levels.selectors.creator_progress`` (the engine's single-creator measurement, now) and builds the rows
with ``portal.presenters.rows``, the one place rows are drawn. The ledger tabs are anchors on one page,
so they work without JavaScript; every tab is one query however long it is.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from benefits import selectors as benefit_selectors
from console.access import ConsoleRequest, console_required
from console.rows import ROW_FIELDS, creator_rows
from console.views.overrides import override_panel
from creators import selectors as creator_selectors
from creators.signin import lockouts_current
from levels import selectors as level_selectors
from levels.models import RequirementCode
from levels.rules import LEVELS, load_rules
from levels.versions import level_judged_by
from lib.format import figure
from lib.paging import CappedPaginator
from portal.presenters.rows import rows_for

PER_PAGE = 50
# The list counts its matches this far past the page shown (``lib.paging.CappedPaginator``): exact below,
# "more than" above, so a view never counts every creator.
COUNT_CAP = 10_000
LEVEL_CHOICES = (0, *LEVELS)
# The engine's 30-day activity metrics shown as the creator's recent figures.
ACTIVITY = ("posts_30d", "avg_plays_30d", "likes_30d", "submissions_30d", "orders_30d")
RECENT = 50  # messages and audit rows shown on the page; the rest are in the inbox and the audit log


def _requirement_label(code: str) -> str:
    """A failed requirement as people read it; a code the current catalogue no longer has, as is."""
    try:
        return str(RequirementCode(code).label)
    except ValueError:
        return code


def _level_filter(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) in LEVEL_CHOICES else None


@console_required
@require_safe
def creator_list(request: ConsoleRequest) -> HttpResponse:
    """Search by external id or nickname (``q``), filter by level held (``level``), ``region``,
    ``industry`` and ``at_risk`` (the level held is above what the creator's latest level run measured
    them qualified for: ``levels.selectors.creators_with_standing``), 50 a page; the matches are counted up
    to ``COUNT_CAP`` past the page."""
    params = request.GET
    filters = {
        "q": params.get("q", "").strip(),
        "level": _level_filter(params.get("level", "")),
        "region": params.get("region", "").strip(),
        "industry": params.get("industry", "").strip(),
        "at_risk": params.get("at_risk") == "1",
    }
    creators = level_selectors.creators_with_standing(
        creator_selectors.creators_search(q=filters["q"], region=filters["region"], industry=filters["industry"]),
        at=timezone.now(),
    )
    if filters["level"] is not None:
        creators = creators.filter(held=filters["level"])
    if filters["at_risk"]:
        creators = creators.filter(at_risk=True)
    creators = creators.values_list(*ROW_FIELDS, named=True)  # what the rows show, not whole models
    page = CappedPaginator(creators, PER_PAGE, cap=COUNT_CAP).get_page(params.get("page"))
    context = {
        "page": page,
        "rows": creator_rows(page.object_list),
        "filters": filters,
        "levels": LEVEL_CHOICES,
        "regions": creator_selectors.regions(),
    }
    return render(request, "console/creators.html", context)


@console_required
@require_safe
def creator_detail(request: ConsoleRequest, external_id: str) -> HttpResponse:
    creator = creator_selectors.creator_get(external_id=external_id)
    progress = level_selectors.creator_progress(creator=creator, at=timezone.now(), rules=load_rules())
    rules, evaluation, level = progress.rules, progress.evaluation, progress.level
    next_level = level + 1 if level < rules.top_level else None
    since = level_selectors.level_since(creator=creator)
    messages = creator_selectors.messages_of(creator=creator)
    audit = creator_selectors.audit_of(creator=creator)
    history = level_selectors.level_changes_of(creator=creator)
    context = {
        "creator": creator,
        "progress": progress,
        "since": since,
        "judged_by": level_judged_by(creator=creator, at=progress.at),
        "hold_rows": rows_for(rules.effective(level), evaluation.metrics, evaluation.failed[level], rules)
        if level
        else [],
        "next_level": next_level,
        "next_rows": rows_for(rules.effective(next_level), evaluation.metrics, evaluation.failed[next_level], rules)
        if next_level
        else [],
        "activity": [(RequirementCode(code).label, figure(evaluation.metrics[code])) for code in ACTIVITY],
        "window_days": rules.window_days,
        "entitlements": list(benefit_selectors.entitlements_of(creator=creator).order_by("-granted_at", "-pk")),
        "cards": list(benefit_selectors.cards_ledger(creator=creator)),
        "recommendations": list(benefit_selectors.recommendations_of(creator=creator)),
        "dispatches": list(benefit_selectors.dispatches_of(creator=creator)),
        "credits": list(benefit_selectors.dou_plus_credits_of(creator=creator)),
        "messages": creator_selectors.messages_named(messages[:RECENT]),
        "messages_total": messages.count(),
        "history": [(change, [_requirement_label(code) for code in change.failed]) for change in history],
        "audit": list(audit[:RECENT]),
        "audit_total": audit.count(),
        "recent": RECENT,
        "panel": override_panel(request, creator=creator, override=progress.override),
        "signin_locks": lockouts_current(at=timezone.now(), username=creator.user.get_username()).count()
        if creator.user
        else 0,
    }
    return render(request, "console/creator.html", context)
