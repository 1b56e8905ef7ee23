"""资料与设置: intro, region, industries, task types, quotes and the Douyin binding status, with the
LV1 requirements this page satisfies (profile_complete, tasks_enabled, quote_set — docs/program.md §1).

A save that would make a requirement of the level held fail (the intro cleared, both task types
unticked) is not made at once: the page names the requirements and asks to confirm, and only a post
that confirms exactly those saves."""

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from creators.models import Creator, Quote
from creators.selectors import fans_at
from creators.services import profile_update
from levels import selectors as level_selectors
from levels.export import creator_export_download, export_filename
from levels.rules import Rules, load_rules
from portal import clock
from portal.access import CreatorRequest, creator_required
from portal.forms_profile import ProfileForm
from portal.presenters.profile import loss_notice, profile_rows


def _quotes(creator: Creator) -> dict:
    return dict(Quote.objects.filter(creator=creator).values_list("kind", "amount"))


def _context(request: CreatorRequest, *, form: ProfileForm, fans: int, rules: Rules, quotes: dict) -> dict:
    rows = profile_rows(creator=request.creator, fans=fans, has_quote=bool(quotes), rules=rules)
    return {
        "form": form,
        "fans": fans,
        "creator": request.creator,
        "requirements": rows,
        "met_count": sum(1 for r in rows if r.met),
    }


def _confirmed(request: CreatorRequest, loss: level_selectors.ProfileLoss | None) -> bool:
    """Nothing breaks, or the post confirms every requirement that would (a confirmation given for
    fewer — the creator cleared one more field on the confirm step — asks again)."""
    if loss is None:
        return True
    confirmed = set(request.POST.get("confirm", "").split(","))
    return {r.code for r in loss.requirements} <= confirmed


@creator_required
@require_http_methods(["GET", "POST"])
def profile(request: CreatorRequest) -> HttpResponse:
    """GET the form; POST saves it. HTMX: the form fragment (and the requirements card out of band)
    comes back, with errors when invalid (200, as htmx 2 does not swap 4xx). A full page: redirect
    after saving, the page again with errors and 400 when invalid. A save that would break a
    requirement of the level held comes back as a confirm step (200, nothing saved) either way."""
    now = clock.now()
    rules = load_rules()
    creator = request.creator
    fans = fans_at(creator=creator, at=now)
    quotes = _quotes(creator)
    options = {"creator": creator, "fans": fans, "rules": rules}
    if request.method == "GET":
        form = ProfileForm(quotes=quotes, **options)
        return render(
            request, "portal/profile.html", _context(request, form=form, fans=fans, rules=rules, quotes=quotes)
        )

    form = ProfileForm(request.POST, quotes=quotes, **options)
    saved, confirm = False, None
    if form.is_valid():
        loss = level_selectors.profile_loss(
            creator=creator,
            saved=level_selectors.ProfileFacts.saved(creator, has_quote=bool(quotes)),
            draft=form.profile(),
            fans=fans,
            rules=rules,
        )
        if _confirmed(request, loss):
            _save(form, creator=creator, at=now)
            saved = True
        else:
            confirm = loss_notice(loss=loss, fans=fans, rules=rules)
    if saved and not request.htmx:
        messages.success(request, _("资料已保存"))
        return redirect("profile")
    if saved:
        quotes = _quotes(creator)
        form = ProfileForm(quotes=quotes, **options)
    context = _context(request, form=form, fans=fans, rules=rules, quotes=quotes) | {"confirm": confirm}
    if not request.htmx:
        return render(request, "portal/profile.html", context, status=200 if confirm else 400)
    context |= {"oob": True, "toast": {"text": _("资料已保存"), "level": "success"} if saved else None}
    return render(request, "portal/profile.html#profile-form", context)


def _save(form: ProfileForm, *, creator: Creator, at) -> None:
    data = form.cleaned_data
    profile_update(
        creator=creator,
        intro=data["intro"],
        region=data["region"],
        industries=data["industries"],
        submission_enabled=data["submission_enabled"],
        spread_enabled=data["spread_enabled"],
        quotes=form.quotes(),
        at=at,
    )


@creator_required
@require_GET  # not HEAD: every export is audited, and a HEAD would audit one never sent
def export(request: CreatorRequest) -> HttpResponse:
    """下载我的数据: the signed-in creator's own data as a JSON attachment (docs/privacy.md), streamed."""
    now = clock.now()
    stream = creator_export_download(creator=request.creator, actor=request.user, at=now)
    response = StreamingHttpResponse(stream, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(request.creator, now)}"'
    response["Cache-Control"] = "no-store"
    return response
