"""任务大厅: open submission tasks, one task with the creator's entries and how they settled, and
joining a task with one of the creator's own items (and, on a guarantee task, a guarantee card).

Opening the hall records ``task_hall_viewed`` (docs/program.md §1, an LV1 requirement)."""

from datetime import datetime
from itertools import groupby

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benefits.card_selectors import cards_usable, entries_of
from benefits.dispatch_selectors import tasks_marked_dispatched
from benefits.models import GuaranteeCard
from benefits.selectors import card_terms
from benefits.services import cards as card_services
from creators.models import PortalEvent, SubmissionTask
from creators.selectors import contents_to_submit, task_get, task_is_open, tasks_open
from creators.services import event_record
from lib.errors import ApplicationError
from lib.periods import days_left, local_date
from portal import clock
from portal.access import CreatorRequest, creator_required
from portal.forms_tasks import JoinForm

RECENT_ENTRIES = 10


@creator_required
@require_GET
def task_hall(request: CreatorRequest) -> HttpResponse:
    now = clock.now()
    event_record(creator=request.creator, name=PortalEvent.Name.TASK_HALL_VIEWED, at=now)
    # A task sent to this creator as an extra dispatch (FAQ Q9) is marked 额外派发.
    tasks = list(tasks_marked_dispatched(tasks=tasks_open(at=now, creator=request.creator), creator=request.creator))
    for task in tasks:
        task.days_left = days_left(now, task.closes_at) if task.closes_at else None
    return render(
        request,
        "portal/tasks.html",
        {
            "tasks": tasks,
            "guarantee_count": sum(1 for t in tasks if t.is_guarantee),
            "dispatched_count": sum(1 for t in tasks if t.dispatched),
            "cards_count": cards_usable(creator=request.creator, at=now).count(),
            "entries": entries_of(creator=request.creator, limit=RECENT_ENTRIES),
        },
    )


def _task_context(request: CreatorRequest, task: SubmissionTask, *, at: datetime, form: JoinForm | None = None) -> dict:
    is_open = task_is_open(task=task, at=at)
    context = {
        "task": task,
        "is_open": is_open,
        "not_started": task.opens_at is not None and at < task.opens_at,
        "days_left": days_left(at, task.closes_at) if task.closes_at and is_open else None,
        "entries": entries_of(creator=request.creator, task=task),
        "form": form,
        "contents": [],
        "cards": [],
        "card_terms": card_terms() if task.is_guarantee else None,
    }
    if is_open:
        context["form"] = form or JoinForm(creator=request.creator, task=task, at=at)
        context["contents"] = contents_to_submit(creator=request.creator, task=task)
        if task.is_guarantee:
            context["cards"] = card_choices(list(cards_usable(creator=request.creator, at=at)))
    return context


def card_choices(cards: list[GuaranteeCard]) -> list[dict]:
    """Cards are interchangeable within an amount and expiry day: offer one choice per group (its
    soonest-expiring card), with how many the creator holds, rather than a row per card."""
    groups = groupby(cards, key=lambda c: (c.amount, local_date(c.expires_at)))
    return [{"card": group[0], "count": len(group)} for group in (list(g) for _, g in groups)]


@creator_required
@require_GET
def task_detail(request: CreatorRequest, code: str) -> HttpResponse:
    task = task_get(code=code)
    return render(request, "portal/task.html", _task_context(request, task, at=clock.now()))


@creator_required
@require_POST
def join(request: CreatorRequest, code: str) -> HttpResponse:
    """Submit an item (and maybe a card). HTMX: the task's activity region (entries + form) comes back,
    with errors in it when refused (200: htmx 2 does not swap 4xx). A full page: redirect on success,
    the page again with errors and 400 when refused."""
    task = task_get(code=code)
    now = clock.now()
    form = JoinForm(request.POST, creator=request.creator, task=task, at=now)
    toast = ""
    if form.is_valid():
        card = form.cleaned_data.get("card")
        try:
            card_services.task_join_with_card(
                creator=request.creator,
                task=task,
                content=form.cleaned_data["content"],
                card_id=card.pk if card else None,
                at=now,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            toast = _("投稿成功，已使用 1 张保底卡") if card else _("投稿成功")
    if not request.htmx:
        if toast:
            messages.success(request, toast)
            return redirect("task", code=task.code)
        return render(request, "portal/task.html", _task_context(request, task, at=now, form=form), status=400)
    context = _task_context(request, task, at=now, form=None if toast else form)
    context["toast"] = {"text": toast, "level": "success"} if toast else None
    return render(request, "portal/task.html#task-activity", context)
