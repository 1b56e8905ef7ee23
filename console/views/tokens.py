"""接入令牌: the data platform's bearer tokens for ``POST /api/v1/ingest`` (docs/interfaces.md §1). Creating
one shows the raw token once, in the response to the creating POST itself — never in a redirect, a
cookie, the session or the messages framework, since only its hash is kept."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import ActionForm, refusal_level
from creators.selectors import tokens_all
from creators.tokens import token_create, token_revoke
from lib.errors import ApplicationError


class TokenCreateForm(ActionForm):
    name = forms.CharField(
        label=gettext_lazy("名称"), max_length=100, help_text=gettext_lazy("谁在用它，如「数据平台」")
    )


def _page(request: ConsoleRequest, form: TokenCreateForm | None = None, **context) -> HttpResponse:
    # Each row's revoke form carries its own request_id, so revoking two tokens from one page acts twice.
    rows = [(token, ActionForm()) for token in tokens_all()]
    return render(request, "console/tokens.html", {"rows": rows, "form": form or TokenCreateForm(), **context})


@console_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: ConsoleRequest) -> HttpResponse:
    """GET: the tokens. POST (``name``, ``request_id``): create one and show it on this response."""
    if request.method == "POST":
        return _create(request)
    return _page(request)


@permission_required(permissions.MANAGE_TOKENS)
def _create(request: ConsoleRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form)
    try:
        token, raw = token_create(
            name=form.cleaned_data["name"], actor=request.user, request_id=form.cleaned_data["request_id"]
        )
    except ApplicationError as error:
        level = refusal_level(error)
        # A duplicate: the first post's response showed the token; this one draws a fresh form.
        return _page(request, form=form if level == "error" else None, notice={"text": error.message, "level": level})
    return _page(request, created=token, raw_token=raw)


@permission_required(permissions.MANAGE_TOKENS)
@require_POST
def revoke(request: ConsoleRequest, token_id: int) -> HttpResponse:
    """``POST /console/tokens/<id>/revoke/`` (``request_id``): the integration's next call is refused."""
    form = ActionForm(request.POST)
    if not form.is_valid():
        text, level = _("表单已失效，请刷新页面后重试。"), "error"
    else:
        try:
            token = token_revoke(
                token_id=token_id, actor=request.user, request_id=form.cleaned_data["request_id"], at=timezone.now()
            )
        except ApplicationError as error:
            text, level = error.message, refusal_level(error)
        else:
            text, level = _("已吊销令牌 %(name)s") % {"name": token.name}, "success"
    if request.htmx:
        token = tokens_all().filter(pk=token_id).first()
        context = {"token": token, "revoke_form": ActionForm(), "toast": {"text": text, "level": level}}
        return render(request, "console/tokens.html#revoke-result", context)
    messages.add_message(request, {"success": messages.SUCCESS, "info": messages.INFO}.get(level, messages.ERROR), text)
    return redirect("console:tokens")
