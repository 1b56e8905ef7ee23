"""规则模拟 (what-if): edited thresholds of a version run against every creator next to the version
itself (``levels.whatif``), its progress and results, and saving the draft as a new version.

Starting one needs ``CREATE_RULE_VERSION``: a simulation writes only its own row, but it reads every
creator twice, which is an operator's decision to spend; anyone with the console's view permission may
look at a simulation's results."""

import re

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
from console.views.rules import ThresholdsForm, VersionForm
from creators.selectors import creator_ids_by_external_id
from levels.models import RequirementCode, RuleSet, Simulation
from levels.rules import LEVELS, symbol
from levels.tasks import simulation_enqueue
from levels.versions import REWARD_FIELDS, rule_set_versions, version_requirements
from levels.whatif import changes_from_json, draft_requirements, simulation_start
from lib.errors import ApplicationError
from lib.format import bars, figure, figures, moneys
from lib.periods import Month

COST_ROWS = (
    ("cards", gettext_lazy("保底卡（张）")),
    ("cards_amount", gettext_lazy("保底卡金额（¥）")),
    ("recommendations", gettext_lazy("客户推荐（次）")),
    ("dispatches", gettext_lazy("额外派单（次）")),
    ("dou_plus", gettext_lazy("未派单时的 DOU+ 补偿")),
)


class SimulateForm(ThresholdsForm):
    """The thresholds to try (the version page's fields), the instant to judge at (default: now) and,
    optionally, the creators to simulate (platform ids; empty: all creators)."""

    at = forms.DateTimeField(label=gettext_lazy("评估时刻"), required=False)
    sample = forms.CharField(label=gettext_lazy("仅模拟这些达人（空 = 全部）"), required=False)

    def clean_sample(self) -> list[int] | None:
        external_ids = list(dict.fromkeys(re.split(r"[\s,,、]+", self.cleaned_data["sample"].strip()) or []))
        external_ids = [e for e in external_ids if e]
        if not external_ids:
            return None
        found = creator_ids_by_external_id(external_ids=external_ids)
        unknown = [e for e in external_ids if e not in found]
        if unknown:
            raise forms.ValidationError(_("没有这些达人：%(ids)s") % {"ids": "、".join(unknown)})
        return [found[e] for e in external_ids]


@permission_required(permissions.CREATE_RULE_VERSION)
@require_POST
def rules_simulate(request: ConsoleRequest) -> HttpResponse:
    """Start a simulation of ``base`` with the posted thresholds and show it; refused: back to the
    version's page with the reasons."""
    base = get_object_or_404(rule_set_versions(), pk=request.POST.get("base") or 0)
    requirements, rewards = version_requirements(base)
    form = SimulateForm(request.POST, requirements=requirements, rewards=rewards)
    if form.is_valid():
        try:
            simulation = simulation_start(
                base=base,
                changes=form.changes(),
                at=form.cleaned_data["at"] or timezone.now(),
                actor=request.user,
                enqueue=simulation_enqueue,
                sample=form.cleaned_data["sample"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect(reverse("console:rules-simulation", args=[simulation.pk]))
    problems = [str(e) for errors in form.errors.values() for e in errors]
    messages.error(request, _("无法模拟：%(reasons)s") % {"reasons": " ".join(problems)})
    return redirect(reverse("console:rule", args=[base.pk]))


def _changed(base: RuleSet, simulation: Simulation) -> tuple[list[dict], VersionForm]:
    """The thresholds the draft changes (before → after) and the save form holding the draft's values."""
    requirements, rewards = version_requirements(base)
    draft, draft_rewards = draft_requirements(base, changes_from_json(simulation.changes))
    changed = [
        {"level": a.level, "label": a.get_code_display(), "symbol": symbol(a.comparison), "before": a.threshold,
         "after": b.threshold}
        for a, b in zip(requirements, draft, strict=True) if a.threshold != b.threshold
    ] + [
        {"level": a.level, "label": name, "symbol": "", "before": getattr(a, name), "after": getattr(b, name)}
        for a, b in zip(rewards, draft_rewards, strict=True) for name in REWARD_FIELDS
        if getattr(a, name) != getattr(b, name)
    ]  # fmt: skip
    for change in changed:  # both thresholds in one unit (docs/ui.md "Look")
        change["shown"] = bars(change["before"], change["after"])
    initial = {"effective_month": Month.of(timezone.now()).next().key, "name": base.name}
    return changed, VersionForm(initial=initial, requirements=draft, rewards=draft_rewards)


def _deciding(value: dict) -> str:
    """A mover's deciding value against the draft's threshold, in one unit: "28.6万 / 30万"."""
    if value["threshold"] is None:
        return figure(value["value"])
    shown = figures(value["value"], value["threshold"])
    return f"{shown.value} / {shown.threshold}"


def _cost_row(label: str, key: str, cost: dict) -> tuple[str, str, str]:
    """One cost line, the base's and the draft's figures in one unit (money for the cards' amount)."""
    write = moneys if key == "cards_amount" else bars
    before, after = write(cost["base"][key], cost["draft"][key])
    return label, before, after


@console_required
def rules_simulation(request: ConsoleRequest, simulation_id: int) -> HttpResponse:
    """A simulation: its progress while it runs (an HTMX poll gets only that part, which stops polling
    once the simulation is no longer running), then its results and the form saving the draft."""
    simulation = get_object_or_404(Simulation.objects.select_related("base", "created_by"), pk=simulation_id)
    context: dict = {"simulation": simulation, "levels": (0, *LEVELS)}
    if simulation.status == Simulation.Status.DONE:
        result = simulation.result
        context["changed"], context["form"] = _changed(simulation.base, simulation)
        context["matrix"] = list(zip(context["levels"], result["matrix"], strict=True))
        context["blockers"] = [{**b, "label": RequirementCode(b["code"]).label} for b in result["blockers"]]
        context["sample"] = [
            {**m, "deciding": [{**d, "label": RequirementCode(d["code"]).label, "shown": _deciding(d)}
                               for d in m["deciding"]]}
            for m in result["sample"]
        ]  # fmt: skip
        context["cost"] = [_cost_row(label, key, result["cost"]) for key, label in COST_ROWS]
    template = "console/whatif.html#body" if request.htmx else "console/whatif.html"
    return render(request, template, context)
