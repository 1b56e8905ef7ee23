"""审计日志: every console action and every admin change to program data, newest first, filtered by actor,
action, creator and local date. Read-only: no page changes or deletes an audit row."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from console import permissions
from console.access import ConsoleRequest, permission_required
from creators.models import AuditLog
from creators.selectors import audit_rows
from lib.periods import at_local, day_end

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(
        label=_("动作"), required=False, max_length=80, help_text=_("完整动作名，或以点结尾的前缀，如 card.")
    )
    creator = forms.CharField(label=_("达人ID"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _changes(row: AuditLog) -> list[tuple[str, object, object]]:
    """The row's before → after as (field, before, after), fields in the order they were written; a
    field missing on one side (an add, a delete) shows as None there."""
    before, after = row.before or {}, row.after or {}
    return [(key, before.get(key), after.get(key)) for key in dict.fromkeys([*before, *after])]


@permission_required(permissions.VIEW_AUDIT)
@require_safe
def audit_log(request: ConsoleRequest) -> HttpResponse:
    """``GET /console/audit/?actor=&action=&creator=&date_from=&date_to=`` (dates are Asia/Shanghai days,
    both included). A filter that does not parse is shown with its error and not applied."""
    form = AuditFilterForm(request.GET)
    form.is_valid()
    wanted = form.cleaned_data
    date_from, date_to = wanted.get("date_from"), wanted.get("date_to")
    rows = audit_rows(
        actor=(wanted.get("actor") or "").strip(),
        action=(wanted.get("action") or "").strip(),
        creator=(wanted.get("creator") or "").strip(),
        since=at_local(date_from) if date_from else None,
        until=day_end(date_to) if date_to else None,
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    entries = [(row, _changes(row)) for row in page]
    return render(request, "console/audit.html", {"form": form, "page": page, "entries": entries})
