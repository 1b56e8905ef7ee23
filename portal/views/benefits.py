"""我的权益: the current level's benefits with their states, the 领取 action, the guarantee-card wallet,
this period's extra dispatches, and what the next level would unlock."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from benefits.models import Entitlement
from benefits.services import grants
from lib.errors import ApplicationError
from lib.kept import keep_until
from portal import clock, kept
from portal.access import CreatorRequest, creator_required
from portal.presenters.benefits import benefit_row_of, benefits_page


@creator_required
@kept.kept(kept.BENEFITS)
@require_safe
def my_benefits(request: CreatorRequest) -> HttpResponse:
    page = benefits_page(creator=request.creator, at=clock.now())
    keep_until(page.until)
    # The summary line refreshes itself after a claim (hx-trigger="benefitsChanged from:body").
    if request.htmx and request.htmx.target == "benefit-summary":
        return render(request, "portal/benefits.html#summary", {"page": page})
    return render(request, "portal/benefits.html", {"page": page})


@creator_required
@require_POST
def claim(request: CreatorRequest, entitlement_id: int) -> HttpResponse:
    """领取, exactly once: the service's conditional UPDATE lets one press through; a repeat answers
    已领取 and changes nothing; a lapsed or auto benefit is refused with the reason. Another creator's
    id is not found."""
    now = clock.now()
    claimed = False
    try:
        entitlement = grants.entitlement_claim(creator=request.creator, entitlement_id=entitlement_id, at=now)
        claimed = True
        text, level = _("已领取「%(name)s」") % {"name": entitlement.benefit.display_name}, "success"
    except Entitlement.DoesNotExist:
        raise Http404 from None
    except ApplicationError as error:
        text, level = error.message, ("info" if error.code == "already_claimed" else "error")
    if request.htmx:
        row = benefit_row_of(creator=request.creator, entitlement_id=entitlement_id, at=now)
        response = render(
            request, "portal/benefits.html#claim-result", {"row": row, "toast": {"text": text, "level": level}}
        )
        if claimed:
            trigger_client_event(response, "benefitsChanged", {"id": entitlement_id})
        return response
    getattr(messages, level)(request, text)
    return redirect(reverse("benefits") + f"#benefit-{entitlement_id}")
