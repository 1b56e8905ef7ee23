"""额外派发 (FAQ Q9, Q15): per benefit period, each LV1/LV2 creator's quota, what was dispatched, the
shortfall and the DOU+ the period's close will credit for it, largest shortfall first; and recording a
dispatch (a creator and an open task) against the current period through
``benefits.services.dispatches.dispatch_record``."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from benefits.dispatch_selectors import dispatch_quotas, dispatch_totals
from benefits.services.dispatches import dispatch_record
from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import ActionForm, is_duplicate
from creators.models import SubmissionTask
from creators.selectors import tasks_open
from lib.errors import ApplicationError
from lib.periods import Month

PER_PAGE = 50
TEMPLATE = "console/dispatches.html"
LEVELS = (1, 2)  # the levels whose basic benefits include extra dispatches (docs/program.md §3)


class DispatchForm(ActionForm):
    creator = forms.CharField(label=gettext_lazy("达人ID"), max_length=64, widget=forms.TextInput({"class": "input"}))
    # A select of the open tasks, validated by the service (a task that closed since the page was drawn
    # is refused with the reason, not as "not a valid choice").
    task = forms.CharField(label=gettext_lazy("进行中的任务"), max_length=64, widget=forms.Select({"class": "input"}))

    def __init__(self, *args, tasks: list[SubmissionTask], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].widget.choices = [("", _("选择任务")), *((t.code, f"{t} · {t.code}") for t in tasks)]


def _filters(query: QueryDict, *, now_key: str) -> dict:
    """The page's filters from its query string: ``period`` (``YYYY-MM``, the current one by default),
    ``level`` (1 or 2) and ``creator`` (external id or part of a nickname)."""
    try:
        period = Month.parse(query.get("period", "")).key
    except ValueError:
        period = now_key
    level = query.get("level", "")
    return {
        "period": period,
        "level": int(level) if level in {str(n) for n in LEVELS} else None,
        "creator": query.get("creator", "").strip(),
    }


def _form(*, now, data=None, initial=None) -> DispatchForm:
    return DispatchForm(data, initial=initial, tasks=list(tasks_open(at=now)))


@require_http_methods(["GET", "HEAD", "POST"])
def dispatches(request: ConsoleRequest) -> HttpResponse:
    if request.method == "POST":
        return _record(request)
    return _overview(request)


@console_required
def _overview(request: ConsoleRequest) -> HttpResponse:
    now = timezone.now()
    record_for = request.GET.get("record", "")  # a row's 派发 link fills the form with its creator
    form = _form(now=now, initial={"creator": record_for})
    if record_for:
        form.fields["task"].widget.attrs["autofocus"] = True  # the creator is given: pick the task
    return render(request, TEMPLATE, _page_context(request.GET, now=now, form=form))


def _page_context(query: QueryDict, *, now, form: DispatchForm) -> dict:
    filters = _filters(query, now_key=Month.of(now).key)
    quotas = dispatch_quotas(**filters)
    page = Paginator(quotas, PER_PAGE).get_page(query.get("page"))
    return {
        "filters": filters,
        "levels": LEVELS,
        "current_period": Month.of(now).key,
        "totals": dispatch_totals(quotas),
        "page": page,
        "form": form,
    }


@permission_required(permissions.RECORD_DISPATCH)
def _record(request: ConsoleRequest) -> HttpResponse:
    """Record one dispatch. HTMX: a fresh form, the creator's row and the totals (out of band, for the
    filters of the page it came from) and a toast; refused: the form with the reason (200, so it swaps).
    Without JavaScript: post/redirect/get, or the page again with the reason (400)."""
    now = timezone.now()
    form = _form(now=now, data=request.POST)
    toast = None
    if form.is_valid():
        try:
            dispatch = dispatch_record(
                creator_external_id=form.cleaned_data["creator"],
                task_code=form.cleaned_data["task"],
                actor=request.user,
                request_id=form.cleaned_data["request_id"],
                at=now,
            )
        except ApplicationError as error:
            if is_duplicate(error):
                toast = {"text": error.message, "level": "info"}
            else:
                form.add_error(None, error.message)
        else:
            entitlement = dispatch.entitlement
            toast = {
                "text": _("已向 %(creator)s 派发“%(task)s”（本期 %(delivered)s/%(quantity)s）")
                % {"creator": dispatch.creator.nickname, "task": dispatch.task, "delivered": entitlement.delivered,
                   "quantity": entitlement.quantity},
                "level": "success",
            }  # fmt: skip
    if not request.htmx:
        if toast:
            messages.add_message(
                request, messages.INFO if toast["level"] == "info" else messages.SUCCESS, toast["text"]
            )
            return redirect(reverse("console:dispatches"))
        return render(request, TEMPLATE, _page_context(QueryDict(), now=now, form=form), status=400)
    if not toast:
        return render(request, f"{TEMPLATE}#record-form", {"form": form, "current_period": Month.of(now).key})
    # Done: a fresh form for the next dispatch (same creator: one often gets several tasks), and the
    # creator's row and the totals as they are now, for the filters of the page the form was on.
    creator = form.cleaned_data["creator"].strip()
    filters = _filters(QueryDict(urlsplit(request.htmx.current_url or "").query), now_key=Month.of(now).key)
    current = filters["period"] == Month.of(now).key
    context = {
        "form": _form(now=now, initial={"creator": creator}),
        "toast": toast,
        "totals": dispatch_totals(dispatch_quotas(**filters)),
        "rows": dispatch_quotas(**filters).filter(creator__external_id=creator) if current else [],
        "current_period": Month.of(now).key,
        "oob": True,
    }
    return render(request, f"{TEMPLATE}#record-result", context)
