"""资料与设置: intro, region, industries, task types, quotes and the Douyin binding status, with the
LV1 requirements this page satisfies (profile_complete, tasks_enabled, quote_set — docs/program.md §1)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creators.models import Creator, Quote
from creators.selectors import fans_at
from creators.services import profile_update
from levels.rules import Rules, load_rules
from portal import clock
from portal.access import CreatorRequest, creator_required
from portal.forms_profile import ProfileForm
from portal.presenters.profile import profile_rows


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


@creator_required
@require_http_methods(["GET", "POST"])
def profile(request: CreatorRequest) -> HttpResponse:
    """GET the form; POST saves it. HTMX: the form fragment (and the requirements card out of band)
    comes back, with errors when invalid (200, as htmx 2 does not swap 4xx). A full page: redirect
    after saving, the page again with errors and 400 when invalid."""
    now = clock.now()
    rules = load_rules()
    creator = request.creator
    fans = fans_at(creator=creator, at=now)
    quotes = _quotes(creator)
    options = {"creator": creator, "fans": fans, "tasks_min_fans": rules.tasks_min_fans,
               "large_creator_fans": rules.large_creator_fans}  # fmt: skip
    if request.method == "GET":
        form = ProfileForm(quotes=quotes, **options)
        return render(
            request, "portal/profile.html", _context(request, form=form, fans=fans, rules=rules, quotes=quotes)
        )

    form = ProfileForm(request.POST, quotes=quotes, **options)
    saved = form.is_valid()
    if saved:
        data = form.cleaned_data
        profile_update(
            creator=creator,
            intro=data["intro"],
            region=data["region"],
            industries=data["industries"],
            submission_enabled=data["submission_enabled"],
            spread_enabled=data["spread_enabled"],
            quotes=form.quotes(),
            at=now,
        )
        if not request.htmx:
            messages.success(request, _("资料已保存"))
            return redirect("profile")
        quotes = _quotes(creator)
        form = ProfileForm(quotes=quotes, **options)
    context = _context(request, form=form, fans=fans, rules=rules, quotes=quotes)
    if not request.htmx:
        return render(request, "portal/profile.html", context, status=400)
    context |= {"oob": True, "toast": {"text": _("资料已保存"), "level": "success"} if saved else None}
    return render(request, "portal/profile.html#profile-form", context)
