"""1对1 client recommendations (interfaces §4.1): the queue of what is owed, overdue and fulfilled, and
recording one recommendation, which delivers one owed unit through
``benefits.services.recommendations.recommendation_record``.

The row's 记录推荐 link opens the inline form: an ordinary link to the same page with ``record=<id>``
(without JavaScript the whole page comes back with that row's form open); with HTMX only that row is
fetched (the request targets ``rec-<id>``) and swapped in place. Posting the form answers, for HTMX, the
row again (closed once recorded) with the tab counts out of band and a toast; otherwise PRG."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from benefits.models import Entitlement, RecommendationChannel
from benefits.recommendation_selectors import (
    QueueFilter,
    RecommendationState,
    owed_rows,
    recommendation_counts,
    recommendation_entitlement,
    recommendation_periods,
    recommendations_fulfilled,
    recommendations_owed,
)
from benefits.services.recommendations import recommendation_record
from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import ActionForm, is_duplicate
from levels.rules import LEVELS
from lib.errors import ApplicationError

PER_PAGE = 50
TEMPLATE = "console/recommendations.html"


class QueueFilterForm(forms.Form):
    """The queue's GET parameters; an invalid one is ignored rather than refused."""

    state = forms.ChoiceField(choices=RecommendationState.choices, required=False)
    period = forms.CharField(max_length=7, required=False)
    level = forms.TypedChoiceField(
        choices=[("", gettext_lazy("全部"))] + [(str(n), f"LV{n}") for n in LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    creator = forms.CharField(max_length=64, required=False)
    operator = forms.CharField(max_length=150, required=False)


INPUT = {"class": "input"}


class RecommendationForm(ActionForm):
    # The inline form opens with the client field focused (docs/ui.md "Operator console").
    client = forms.CharField(
        label=gettext_lazy("客户"), max_length=100, widget=forms.TextInput(attrs={**INPUT, "autofocus": True})
    )
    date = forms.DateField(
        label=gettext_lazy("推荐日期"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("渠道"),
        choices=[("", "—"), *RecommendationChannel.choices],
        required=False,
        widget=forms.Select(attrs=INPUT),
    )
    note = forms.CharField(
        label=gettext_lazy("备注"), max_length=500, required=False, widget=forms.TextInput(attrs=INPUT)
    )


def _queue_params(request: ConsoleRequest) -> tuple[QueueFilter, str]:
    form = QueueFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data  # the fields that parsed
    filters = QueueFilter(
        period=data.get("period", ""),
        level=data.get("level"),
        creator=data.get("creator", "").strip(),
        operator=data.get("operator", "").strip(),
    )
    return filters, data.get("state") or RecommendationState.OWED


def _tabs(filters: QueueFilter, state: str) -> list[dict]:
    counts = recommendation_counts(filters=filters)
    return [{"state": s, "label": s.label, "count": counts[s], "current": s == state} for s in RecommendationState]


def _record_form(entitlement_id: int) -> RecommendationForm:
    """A fresh form for one row (its own request id; today's date to start from)."""
    return RecommendationForm(initial={"date": timezone.localdate()}, auto_id=f"rec-{entitlement_id}-%s")


def _page(
    request: ConsoleRequest, *, open_id: int | None = None, form: RecommendationForm | None = None
) -> HttpResponse:
    """The whole queue page for the tab and filters of the query string."""
    filters, state = _queue_params(request)
    if state == RecommendationState.FULFILLED:
        page = Paginator(recommendations_fulfilled(filters=filters), PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    else:
        owed = recommendations_owed(overdue=state == RecommendationState.OVERDUE, filters=filters)
        page = Paginator(owed, PER_PAGE).get_page(request.GET.get("page"))
        rows = owed_rows(page.object_list, at=timezone.now())
    if open_id is not None and form is None:
        form = _record_form(open_id)
    return render(
        request,
        TEMPLATE,
        {
            "state": state,
            "tabs": _tabs(filters, state),
            "filters": filters,
            "levels": LEVELS,
            "periods": recommendation_periods(),
            "page": page,
            "rows": rows,
            "open_id": open_id,
            "form": form,
        },
    )


def _row(request: ConsoleRequest, entitlement: Entitlement, partial: str = "owed-row", **context) -> HttpResponse:
    """One owed row (``rec-<id>``), its inline form open when ``open_id`` is its id."""
    row = owed_rows([entitlement], at=timezone.now())[0]
    return render(request, f"{TEMPLATE}#{partial}", {"row": row, **context})


def _open_id(request: ConsoleRequest) -> int | None:
    record = request.GET.get("record", "")
    return int(record) if record.isdigit() else None


@console_required
@require_safe
def queue(request: ConsoleRequest) -> HttpResponse:
    open_id = _open_id(request) if request.user.has_perm(permissions.FULFIL_RECOMMENDATION) else None
    target = (request.htmx.target or "") if request.htmx else ""
    if target.startswith("rec-") and target[4:].isdigit():
        # Open (``record``) or close one row's inline form in place.
        try:
            entitlement = recommendation_entitlement(entitlement_id=int(target[4:]))
        except Entitlement.DoesNotExist:
            raise Http404 from None
        form = _record_form(entitlement.pk) if open_id == entitlement.pk else None
        return _row(request, entitlement, open_id=open_id, form=form)
    return _page(request, open_id=open_id)


@permission_required(permissions.FULFIL_RECOMMENDATION)
@require_POST
def fulfil(request: ConsoleRequest, entitlement_id: int) -> HttpResponse:
    """Record one recommendation of entitlement ``entitlement_id`` (fields ``client``, ``date``,
    ``channel``, ``note``, ``request_id``). A refusal keeps the form open with the reason; the same
    form posted again acts once and says so."""
    try:
        entitlement = recommendation_entitlement(entitlement_id=entitlement_id)
    except Entitlement.DoesNotExist:
        raise Http404 from None
    form = RecommendationForm(request.POST, auto_id=f"rec-{entitlement_id}-%s")
    toast = None  # None while the form is invalid
    if form.is_valid():
        data = form.cleaned_data
        try:
            recommendation_record(
                entitlement_id=entitlement_id,
                client=data["client"],
                on=data["date"],
                channel=data["channel"],
                note=data["note"],
                actor=request.user,
                request_id=data["request_id"],
                at=timezone.now(),
            )
            toast = {"text": _("已记录推荐：%(client)s") % {"client": data["client"].strip()}, "level": "success"}
        except ApplicationError as error:
            if is_duplicate(error):
                toast = {"text": error.message, "level": "info"}
            else:  # refused: the reason in the form and in a toast (the row may be complete by now)
                form.add_error(None, error.message)
                toast = {"text": error.message, "level": "error"}
    open_id = entitlement_id if form.errors else None
    if request.htmx:
        entitlement = recommendation_entitlement(entitlement_id=entitlement_id)
        filters, state = _queue_params(request)
        tabs = _tabs(filters, state)
        return _row(request, entitlement, "row-result", open_id=open_id, form=form, toast=toast, tabs=tabs)
    if toast:
        getattr(messages, toast["level"])(request, toast["text"])
    if open_id is not None:
        return _page(request, open_id=open_id, form=form)
    query = request.GET.urlencode()
    return redirect(reverse("console:recommendations") + (f"?{query}" if query else "") + f"#rec-{entitlement_id}")
