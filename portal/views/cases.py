"""学院精选案例 (FAQ Q10): the creator's case form under a claimed featured-case benefit, and the public
gallery of approved cases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from benefits import selectors as benefit_selectors
from benefits.models import CaseStatus, Entitlement, EntitlementStatus
from benefits.services import cases as case_services
from lib.errors import ApplicationError
from portal import clock
from portal.access import CreatorRequest, creator_required
from portal.forms import CaseForm

CASES_PER_PAGE = 20


def _case_context(entitlement: Entitlement, form: CaseForm | None) -> dict:
    cases = list(entitlement.cases.all())  # prefetched, newest first
    latest = cases[0] if cases else None
    can_submit = entitlement.status == EntitlementStatus.CLAIMED and (
        latest is None or latest.status == CaseStatus.REJECTED
    )
    if form is None and can_submit:
        # A rejected case comes back prefilled, so fixing it is an edit, not a rewrite.
        fields = ("title", "link", "recommendation")
        form = CaseForm(initial={name: getattr(latest, name) for name in fields} if latest else None)
    return {"entitlement": entitlement, "latest": latest, "cases": cases, "form": form, "can_submit": can_submit}


def _entitlement(request: CreatorRequest, entitlement_id: int) -> Entitlement:
    try:
        return benefit_selectors.featured_case_entitlement(creator=request.creator, entitlement_id=entitlement_id)
    except Entitlement.DoesNotExist:
        raise Http404 from None


@creator_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_form(request: CreatorRequest, entitlement_id: int) -> HttpResponse:
    entitlement = _entitlement(request, entitlement_id)
    if request.method != "POST":
        return render(request, "portal/case_form.html", _case_context(entitlement, None))

    form = CaseForm(request.POST)
    if form.is_valid():
        try:
            case_services.case_submit(creator=request.creator, entitlement_id=entitlement.pk, at=clock.now(),
                                      **form.cleaned_data)  # fmt: skip
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            text = _("已提交，审核通过后将在精选案例上线")
            if request.htmx:
                entitlement = _entitlement(request, entitlement.pk)
                context = {**_case_context(entitlement, None), "toast": {"text": text, "level": "success"}}
                return render(request, "portal/case_form.html#case-result", context)
            messages.success(request, text)
            return redirect("case-form", entitlement_id=entitlement.pk)
    # Invalid input: the form again with its errors (200, so htmx swaps it in).
    context = _case_context(entitlement, form)
    template = "portal/case_form.html#case-panel" if request.htmx else "portal/case_form.html"
    return render(request, template, context)


@login_required
@require_safe
def gallery(request) -> HttpResponse:
    """精选案例: approved cases, newest first; any signed-in user may read them."""
    page = Paginator(benefit_selectors.cases_online(), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/cases.html", {"page": page})
