"""删除个人信息: erase a creator's personal data at their request (docs/privacy.md), from their console page.

One page, two steps: it shows what will be removed, kept and lapsed, and asks for the reason (the ticket
of the person's request) and, as the confirmation, the creator's platform id typed again. Only a post with
both erases; anything else shows the page again. Afterwards the creator is in no console list, so the
operator lands on the creator search with a note."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import ActionForm, is_duplicate
from creators import selectors as creator_selectors
from levels.erasure import creator_erase, erasure_preview
from lib.errors import ApplicationError


class EraseForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("删除原因"),
        max_length=300,
        help_text=gettext_lazy("如申请工单号；不要写达人的姓名、联系方式等个人信息，审计日志会永久保留这段文字。"),
    )
    confirm = forms.CharField(label=gettext_lazy("再次输入达人ID以确认"), max_length=64)

    def __init__(self, *args, external_id: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.external_id = external_id

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.external_id:
            raise forms.ValidationError(_("输入的达人ID与要删除的达人不一致。"))
        return value


@console_required
@require_http_methods(["GET", "HEAD", "POST"])
def creator_erase_view(request: ConsoleRequest, external_id: str) -> HttpResponse:
    """GET: what erasure would do, and the form for whoever may erase (a viewer sees the page without it).
    POST: erase."""
    if request.method == "POST":
        return _erase(request, external_id)
    creator = creator_selectors.creator_get(external_id=external_id)
    return _page(request, creator, EraseForm(external_id=creator.external_id), status=200)


@permission_required(permissions.ERASE_CREATOR)
def _erase(request: ConsoleRequest, external_id: str) -> HttpResponse:
    creator = creator_selectors.creator_get(external_id=external_id)
    form = EraseForm(request.POST, external_id=creator.external_id)
    if not form.is_valid():
        return _page(request, creator, form, status=400)
    try:
        creator_erase(
            creator=creator,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request_id=form.cleaned_data["request_id"],
            at=timezone.now(),
        )
    except ApplicationError as error:
        if not is_duplicate(error):  # a second post of the same form: the first one erased
            form.add_error(None, error.message)
            return _page(request, creator, form, status=400)
    messages.success(request, _("已删除该达人的个人信息，台账以匿名身份保留。"))
    return redirect("console:creators")


def _page(request: ConsoleRequest, creator, form: EraseForm, *, status: int) -> HttpResponse:
    context = {"creator": creator, "form": form, "preview": erasure_preview(creator=creator)}
    return render(request, "console/creator_erase.html", context, status=status)
