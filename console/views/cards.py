"""保底卡 (issue 8 item 5, interfaces §4.1): every guarantee card, filtered, counted by state and by
source; manual issuance to one creator or many, previewed before anything is written; revocation of
an active card with a reason, inline in its row."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from benefits import card_selectors
from benefits.card_selectors import CardFilter
from benefits.models import CardStatus, GuaranteeCard
from benefits.services import card_issues, cards
from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import is_duplicate, refusal_level
from console.forms_cards import CardFilterForm, CardIssueForm, CardRevokeForm
from levels.selectors import held_level
from lib.errors import ApplicationError

PER_PAGE = 50
LEVELS = {"success": messages.SUCCESS, "info": messages.INFO, "error": messages.ERROR}


@dataclass(frozen=True)
class CardRow:
    """One card of the list (annotated with its creator's ``level``) and, for whoever may revoke an
    active card, its revoke form."""

    card: GuaranteeCard
    form: CardRevokeForm | None
    open: bool = False  # the revoke form shows (it was posted with errors)


def _row(request: ConsoleRequest, card: GuaranteeCard, form: CardRevokeForm | None = None) -> CardRow:
    revocable = card.status == CardStatus.ACTIVE and request.user.has_perm(permissions.REVOKE_CARD)
    if not revocable:
        return CardRow(card, None)
    return CardRow(card, form or CardRevokeForm(auto_id=f"revoke-{card.pk}-%s"), open=form is not None)


def _cards(filters: CardFilter):
    return card_selectors.cards_listed(filters=filters).annotate(level=held_level())


@console_required
@require_safe
def card_list(request: ConsoleRequest) -> HttpResponse:
    listed, context = _filtered(request.GET)
    sources = card_selectors.card_source_counts(cards=listed)
    if context["state"]:
        listed = listed.filter(status=context["state"])
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    context |= {"sources": sources, "page": page, "rows": [_row(request, card) for card in page]}
    return render(request, "console/cards.html", context)


def _filtered(query: QueryDict) -> tuple[QuerySet, dict]:
    """The cards the list's filters in ``query`` select, all states, and the context of the filter form
    and the state tabs, whose counts are of what the other filters leave: each tab says what clicking it
    shows."""
    form = CardFilterForm(query)
    listed = _cards(form.filters())
    if (level := form.cleaned_data.get("level")) is not None:
        listed = listed.filter(level=level)
    states = card_selectors.card_state_counts(cards=listed)
    return listed, {
        "form": form,
        "query": query,
        "state": form.cleaned_data.get("state"),
        "tabs": [(value, label, states[value]) for value, label in CardStatus.choices],
        "total": sum(states.values()),
    }


@console_required
@require_http_methods(["GET", "POST"])
def issue(request: ConsoleRequest) -> HttpResponse:
    """GET: the form. POST without ``confirm``: the preview (nothing written); with ``confirm=1``: issue,
    all or nothing, then back to the list (a repeat of the same form is told it was done already)."""
    if request.method == "GET":
        return render(request, "console/cards_issue.html", {"form": CardIssueForm()})
    if not request.user.has_perm(permissions.ISSUE_CARDS):
        return render(request, "console/forbidden.html", status=403)
    form = CardIssueForm(request.POST, request.FILES)
    plan = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = card_issues.cards_issue_preview(lines=data["lines"], count=data["count"])
            if data["confirm"] and plan.issuable:
                card_issues.cards_issue_manual(
                    lines=data["lines"], count=data["count"], reason=data["reason"], actor=request.user,
                    request_id=data["request_id"], at=timezone.now(),
                )  # fmt: skip
                text = _("已向 %(n)s 位达人各发放 %(count)s 张保底卡。") % {
                    "n": len(plan.creators), "count": plan.count,
                }  # fmt: skip
                return _done(request, text, messages.SUCCESS)
        except ApplicationError as error:
            if is_duplicate(error):
                return _done(request, error.message, messages.INFO)
            form.add_error(None, error.message)
    # The confirm form posts the resolved ids back as typed text (an uploaded file is not posted twice).
    confirm_ids = "\n".join(c.external_id for c in plan.creators) if plan else ""
    context = {"form": form, "plan": plan, "confirm_ids": confirm_ids}
    template = "console/cards_issue.html#issue-panel" if request.htmx else "console/cards_issue.html"
    return render(request, template, context, status=200 if request.htmx or form.is_valid() else 400)


def _done(request: ConsoleRequest, text: str, level: int) -> HttpResponse:
    messages.add_message(request, level, text)
    url = reverse("console:cards") + "?source=manual"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@permission_required(permissions.REVOKE_CARD)
@require_POST
def revoke(request: ConsoleRequest, card_id) -> HttpResponse:
    """Revoke one card with a reason. HTMX: the row comes back in place with a toast (the form open with
    its errors when the reason is missing); a full page: back to the list with a message."""
    form = CardRevokeForm(request.POST, auto_id=f"revoke-{card_id}-%s")
    text, level = "", "error"
    if form.is_valid():
        try:
            cards.card_revoke(card_id=card_id, reason=form.cleaned_data["reason"], actor=request.user,
                              request_id=form.cleaned_data["request_id"], at=timezone.now())  # fmt: skip
            text, level, form = _("保底卡已撤销，已通知达人。"), "success", None
        except ApplicationError as error:
            text, level = error.message, refusal_level(error)
            form = None if is_duplicate(error) else form
    if not request.htmx:
        messages.add_message(request, LEVELS[level], text or _("请填写撤销原因。"))
        return redirect("console:cards")
    card = get_object_or_404(_cards(CardFilter()), pk=card_id)
    context = {"row": _row(request, card, form), "toast": {"text": text, "level": level} if text else None}
    if level == "success":  # the state tabs count again, under the filters of the page the row is on
        _cards_listed, tabs = _filtered(_page_query(request))
        context |= tabs | {"oob": True}
    return render(request, "console/cards.html#card-result", context)


def _page_query(request: ConsoleRequest) -> QueryDict:
    """The query string of the page an HTMX request came from (``HX-Current-URL``)."""
    return QueryDict(urlsplit(request.htmx.current_url or "").query)
