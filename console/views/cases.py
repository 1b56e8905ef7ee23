"""精选案例 review (FAQ Q10): the cases creators submitted, in tabs by review state with their counts;
a waiting case is approved with one click or rejected with a reason typed in an inline form. The
decision is ``benefits.services.cases.case_review`` (audit row, message to the creator, one approved
case per creator); an approved case shows in the creators' 精选案例 gallery."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from benefits.models import CaseStatus, FeaturedCase
from benefits.selectors import case_counts, cases_reviewed
from benefits.services import cases as case_services
from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import ActionForm, is_duplicate
from lib.errors import ApplicationError

PER_PAGE = 50
TEMPLATE = "console/cases.html"


class ReviewForm(ActionForm):
    decision = forms.ChoiceField(choices=[("approve", gettext_lazy("通过")), ("reject", gettext_lazy("未通过"))])
    # Required to reject: the service says so (the creator reads it and fixes the case).
    reason = forms.CharField(label=gettext_lazy("未通过原因"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "autofocus": True, "class": "input"}))  # fmt: skip


def _form(case_id: int, data=None) -> ReviewForm:
    """A case's own form: its own ``request_id`` (two rows approved from one page are two actions) and
    its own element ids."""
    return ReviewForm(data, auto_id=f"case-{case_id}-%s")


def _row(case: FeaturedCase, *, form: ReviewForm | None = None, rejecting: bool = False) -> dict:
    return {"case": case, "form": form or _form(case.pk), "rejecting": rejecting}


def _errors(form: ReviewForm) -> str:
    return "; ".join(message for messages_ in form.errors.values() for message in messages_)


def _status(request: ConsoleRequest) -> str:
    status = request.GET.get("status", "")
    return status if status in CaseStatus.values else CaseStatus.PENDING


@console_required
@require_GET
def case_list(request: ConsoleRequest) -> HttpResponse:
    """One tab of cases (``status``: pending, approved, rejected), 50 a page. ``reject=<id>`` opens that
    waiting case's reason form (HTMX asks for the row alone; without JavaScript the whole page comes
    with the form open); ``case=<id>`` over HTMX gives the row back closed."""
    status = _status(request)
    opened = request.GET.get("reject") or request.GET.get("case")
    if request.htmx and opened:
        return render(request, f"{TEMPLATE}#case-row", _row(_waiting(opened), rejecting="reject" in request.GET))
    page = Paginator(cases_reviewed(status=status), PER_PAGE).get_page(request.GET.get("page"))
    rows = [_row(case, rejecting=str(case.pk) == request.GET.get("reject")) for case in page]
    return render(request, TEMPLATE, {"status": status, "counts": case_counts(), "page": page, "rows": rows})


def _waiting(case_id: str) -> FeaturedCase:
    try:
        return cases_reviewed(status=CaseStatus.PENDING).get(pk=int(case_id))
    except (ValueError, FeaturedCase.DoesNotExist):
        raise Http404 from None


@permission_required(permissions.REVIEW_CASE)
@require_POST
def review(request: ConsoleRequest, case_id: int) -> HttpResponse:
    """Approve or reject one waiting case. Done (or already done by this same form): the row leaves
    the waiting list with a toast. Refused: the row again with the reason, while the case still waits."""
    form = _form(case_id, request.POST)
    toast = None
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            case = case_services.case_review(
                case_id=case_id,
                actor=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
                request_id=form.cleaned_data["request_id"],
                at=timezone.now(),
            )
        except FeaturedCase.DoesNotExist:
            raise Http404 from None
        except ApplicationError as error:
            if is_duplicate(error):
                toast = {"text": error.message, "level": "info"}
            else:
                form.add_error(None, error.message)
        else:
            text = _("已通过“%(title)s”，已在精选案例上线") if approve else _("已将“%(title)s”退回，达人会收到原因")
            toast = {"text": text % {"title": case.title}, "level": "success"}
    rejecting = form.data.get("decision") == "reject"
    if not request.htmx:
        return _after_full_page(request, form, toast=toast, case_id=case_id, rejecting=rejecting)
    still_waiting = cases_reviewed(status=CaseStatus.PENDING).filter(pk=case_id).first()
    if toast or still_waiting is None:
        # Reviewed (now, by this form before, or by someone else): the row leaves the waiting list.
        toast = toast or {"text": _errors(form), "level": "error"}
        return render(
            request,
            f"{TEMPLATE}#review-done",
            {"toast": toast, "counts": case_counts(), "status": CaseStatus.PENDING, "oob": True},
        )
    return render(request, f"{TEMPLATE}#case-row", _row(still_waiting, form=form, rejecting=rejecting))


def _after_full_page(
    request: ConsoleRequest, form: ReviewForm, *, toast: dict | None, case_id: int, rejecting: bool
) -> HttpResponse:
    """Without JavaScript: the outcome as a message on the list (post/redirect/get); a refused reject
    goes back to its reason form."""
    url = reverse("console:cases")
    if toast:
        messages.add_message(request, messages.INFO if toast["level"] == "info" else messages.SUCCESS, toast["text"])
        return redirect(url)
    messages.error(request, _errors(form))
    return redirect(f"{url}?reject={case_id}#case-{case_id}" if rejecting else url)
