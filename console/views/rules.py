"""规则版本: every rule-set version (in force now, past, future, draft) with the runs that used it, one
version's thresholds, and — for operators — a new version from it with edited thresholds, effective from
a later month (``levels.versions.rule_set_create_version``)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import ActionForm, is_duplicate
from levels.models import Comparison, LevelRequirement, RewardRequirement, RuleSet
from levels.versions import (
    NAME_MAX,
    REWARD_FIELDS,
    Changes,
    assessed_through,
    rule_set_create_version,
    rule_set_locked,
    rule_set_versions,
    version_requirements,
    version_states,
)
from lib.errors import ApplicationError
from lib.periods import Month

STATE_LABELS = {
    "in_force": gettext_lazy("当前生效"),
    "past": gettext_lazy("已过期"),
    "future": gettext_lazy("待生效"),
    "draft": gettext_lazy("草稿"),
}


def _threshold_field(name: str) -> str:
    return f"t-{name}"


class ThresholdsForm(ActionForm):
    """One whole-number field per threshold of a version (yes/no requirements have none), prefilled
    with the given requirements' values."""

    def __init__(self, *args, requirements: list[LevelRequirement], rewards: list[RewardRequirement], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys: dict[str, tuple[str, tuple[int, str]]] = {}
        for r in requirements:
            if r.comparison != Comparison.REQUIRED:
                self._add(f"lv{r.level}-{r.code}", ("thresholds", (r.level, r.code)), r.threshold)
        for r in rewards:
            for name in REWARD_FIELDS:
                self._add(f"reward{r.level}-{name}", ("rewards", (r.level, name)), getattr(r, name))

    def _add(self, name: str, key: tuple[str, tuple[int, str]], value: int) -> None:
        self.fields[_threshold_field(name)] = forms.IntegerField(
            min_value=0, initial=value, widget=forms.NumberInput({"class": "input input-number"})
        )
        self.keys[_threshold_field(name)] = key

    def threshold(self, name: str) -> forms.BoundField:
        return self[_threshold_field(name)]

    def thresholds(self) -> list[forms.BoundField]:
        return [self[name] for name in self.keys]

    def changes(self) -> Changes:
        values: dict[str, dict] = {"thresholds": {}, "rewards": {}}
        for field, (kind, key) in self.keys.items():
            values[kind][key] = self.cleaned_data[field]
        return Changes(**values)


class VersionForm(ThresholdsForm):
    """A new version from ``base``: its thresholds, plus the version's name, effective month and note."""

    name = forms.CharField(label=gettext_lazy("名称"), max_length=NAME_MAX, widget=forms.TextInput({"class": "input"}))
    effective_month = forms.CharField(
        label=gettext_lazy("生效月份"),
        max_length=7,
        widget=forms.TextInput({"class": "input", "placeholder": "2027-01"}),
    )
    note = forms.CharField(label=gettext_lazy("说明"), widget=forms.Textarea({"class": "input", "rows": 2}))


@console_required
def rule_list(request: ConsoleRequest) -> HttpResponse:
    versions = list(rule_set_versions())
    states = version_states(versions, now=timezone.now())
    for version in versions:
        version.state = states[version.pk]
        version.state_label = STATE_LABELS[version.state]
    return render(request, "console/rules.html", {"versions": versions})


def _detail(request: ConsoleRequest, rule_set: RuleSet, *, form: VersionForm | None = None, status: int = 200):
    requirements, rewards = version_requirements(rule_set)
    if form is None:
        initial = {"effective_month": Month.of(timezone.now()).next().key, "name": rule_set.name}
        form = VersionForm(initial=initial, requirements=requirements, rewards=rewards)
    context = {
        "rule_set": rule_set,
        "requirements": [(r, form.threshold(f"lv{r.level}-{r.code}") if r.threshold is not None else None)
                         for r in requirements],
        "rewards": [(r, *(form.threshold(f"reward{r.level}-{n}") for n in REWARD_FIELDS)) for r in rewards],
        "locked": rule_set_locked(rule_set, now=timezone.now(), assessed=assessed_through()),
        "form": form,
    }  # fmt: skip
    return render(request, "console/rule.html", context, status=status)


@console_required
def rule_detail(request: ConsoleRequest, rule_set_id: int) -> HttpResponse:
    return _detail(request, get_object_or_404(rule_set_versions(), pk=rule_set_id))


@permission_required(permissions.CREATE_RULE_VERSION)
@require_POST
def rule_new(request: ConsoleRequest, rule_set_id: int) -> HttpResponse:
    """Create a version from this one, then show it (post/redirect/get). Refused: this version's page
    again with the form and the reason (400)."""
    base = get_object_or_404(rule_set_versions(), pk=rule_set_id)
    requirements, rewards = version_requirements(base)
    form = VersionForm(request.POST, requirements=requirements, rewards=rewards)
    if form.is_valid():
        try:
            version = rule_set_create_version(
                base=base,
                changes=form.changes(),
                effective_month=form.cleaned_data["effective_month"],
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                actor=request.user,
                request_id=form.cleaned_data["request_id"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            if is_duplicate(error):
                messages.info(request, error.message)
                return redirect(reverse("console:rules"))
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("已创建规则版本“%(name)s”，%(month)s 起生效。")
                % {"name": version.name, "month": version.effective_month},
            )
            return redirect(reverse("console:rule", args=[version.pk]))
    return _detail(request, base, form=form, status=400)
