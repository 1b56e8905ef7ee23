"""任务运行: the job runs (filterable by job and state), one run's progress, chunks and level moves with
live polling while it runs, starting a job's run of a period (``levels.runs.run_start``, through Celery)
and resuming a failed or stuck run (``levels.runs.run_resume``). Every load sends the runs waiting for
the broker if it answers again (``levels.dispatch``)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from console import permissions
from console.access import ConsoleRequest, abilities, console_required, permission_required
from console.forms import ActionForm, is_duplicate
from console.rows import run_rows, run_state
from levels import jobs
from levels import run_selectors as selectors
from levels.models import JobRun
from levels.runs import PERIODS, STARTABLE, run_resume, run_start
from levels.tasks import dispatch_waiting_if_broker
from lib import kept
from lib.errors import ApplicationError
from lib.paging import CountedPaginator
from lib.widgets import Select, TextInput

PER_PAGE = 50
LEVELS = range(5)
Job = JobRun.Job
# The counts runs keep in their summary, by name (a job's own other counts show under their key).
SUMMARY_LABELS = {
    "assessed": gettext_lazy("评估"),
    "up": gettext_lazy("升级"),
    "down": gettext_lazy("降级"),
    "same": gettext_lazy("不变"),
    "passed": gettext_lazy("达成"),
    "at_risk": gettext_lazy("保级风险"),
    "expired": gettext_lazy("过期保底卡"),
    "settled": gettext_lazy("结算投稿"),
    "dispatch_closed": gettext_lazy("结算派发权益"),
    "dou_plus_credits": gettext_lazy("DOU+ 补偿笔数"),
    "dou_plus": gettext_lazy("DOU+ 补偿合计"),
    "overdue_recommendations": gettext_lazy("逾期推荐"),
    "indexed": gettext_lazy("有指数的达人"),
}


class StartForm(ActionForm):
    job = forms.ChoiceField(
        label=pgettext_lazy("job run", "任务"),
        choices=[(job, Job(job).label) for job in STARTABLE],
        widget=Select({"class": "input"}),  # lib.widgets: the same HTML, no template per option
    )
    period = forms.CharField(
        label=gettext_lazy("周期"),
        max_length=20,
        widget=TextInput({"class": "input", "placeholder": "2026-12 · 2026Q4 · 2026-12-05"}),
    )


def _filters(query: QueryDict) -> dict:
    job, status = query.get("job", ""), query.get("status", "")
    return {"job": job if job in Job.values else "", "status": status if status in JobRun.Status.values else ""}


def _duration(run: JobRun) -> str:
    """How long a finished run took, as h:mm:ss ("" while it runs)."""
    if run.finished_at is None:
        return ""
    seconds = int((run.finished_at - run.started_at).total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _list_context(query: QueryDict, *, form: StartForm, dispatch: bool = False) -> dict:
    """The list's context; with ``dispatch``, the runs waiting for the broker are sent first if it answers
    again (``dispatch_waiting_if_broker``, asked only when the count says one waits)."""
    filters = _filters(query)
    listed, waiting = selectors.runs_counted(**filters)
    if dispatch and waiting and dispatch_waiting_if_broker():
        listed, _ = selectors.runs_counted(**filters)  # a run sent may have changed its state
    page = CountedPaginator(selectors.runs_list(**filters), PER_PAGE, count=listed).get_page(query.get("page"))
    page.object_list = list(page.object_list)
    for run in page.object_list:
        run.duration = _duration(run)
    return {
        "rows": run_rows(page.object_list),
        "filters": filters,
        "jobs": Job.choices,
        "statuses": JobRun.Status.choices,
        "formats": [(Job(job).label, form_) for job, (form_, _parse, _day) in PERIODS.items()],
        "page": page,
        "form": form,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def runs(request: ConsoleRequest) -> HttpResponse:
    if request.method == "POST":
        return _start(request)
    return _list(request)


def _kept_key(request: ConsoleRequest, _note: object) -> tuple | None:
    """The list is kept (``lib.kept``) under its runs' fingerprint, read with the operator's permissions,
    and what the user may do (the start form shows or not); while a run waits for the broker (no
    fingerprint) it is drawn, to send that run if it answers."""
    fingerprint = request.read_with_permissions
    return None if fingerprint is None else (fingerprint, tuple(abilities(request.user).items()))


@permission_required(permissions.VIEW, reading=selectors.runs_fingerprint_sql)
@kept.kept(key=_kept_key, now=lambda: timezone.now())  # as it is then (tests set it)
def _list(request: ConsoleRequest) -> HttpResponse:
    kept.keep_until(kept.NO_LIMIT)  # no moment on the list moves with the clock
    # A run waiting for the broker leaves the wait once it answers.
    return render(request, "console/runs.html", _list_context(request.GET, form=StartForm(), dispatch=True))


@permission_required(permissions.START_RUN)
def _start(request: ConsoleRequest) -> HttpResponse:
    """Start a run, then show it (post/redirect/get); a period that already has its run shows that run.
    Refused: the list again with the form and the reason (400)."""
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            run, created = run_start(
                job=form.cleaned_data["job"],
                period=form.cleaned_data["period"],
                actor=request.user,
                request_id=form.cleaned_data["request_id"],
            )
        except ApplicationError as error:
            if is_duplicate(error):
                messages.info(request, error.message)
                return redirect(reverse("console:runs"))
            form.add_error("period", error.message)
        else:
            if created:
                messages.success(
                    request, _("已启动 %(period)s 的“%(job)s”。") % {"period": run.period, "job": run.get_job_display()}
                )
            else:
                messages.info(
                    request,
                    _("%(period)s 的“%(job)s”已经有运行，这就是它。")
                    % {"period": run.period, "job": run.get_job_display()},
                )
            return redirect(reverse("console:run", args=[run.pk]))
    return render(request, "console/runs.html", _list_context(QueryDict(), form=form), status=400)


def _run_context(run: JobRun) -> dict:
    run.duration = _duration(run)
    stuck = jobs.run_is_stale(run, now=timezone.now())
    return {
        "run": run,
        "state": run_state(run, stuck=stuck),
        "summary": [(SUMMARY_LABELS.get(name, name), value) for name, value in run.summary.items()],
        "stuck": stuck,
        "resume_form": ActionForm(),
    }


@console_required
def run_detail(request: ConsoleRequest, run_id: int) -> HttpResponse:
    """The run's summary and chunks; ``?from=&to=`` lists the creators of one move. An HTMX poll gets
    only the progress partial (which stops polling once the run is no longer running)."""
    dispatch_waiting_if_broker()  # as on the list, and on every poll of a running run
    run = get_object_or_404(selectors.runs_list(), pk=run_id)
    context = _run_context(run)
    if request.htmx and request.GET.get("part") == "progress":
        return render(request, "console/run.html#progress", context)
    counts = {(a, b): n for a, b, n in selectors.run_moves(run)}
    context["moves"] = [(a, [(b, counts.get((a, b), 0)) for b in LEVELS]) for a in LEVELS] if counts else []
    context["levels"] = LEVELS
    context["chunks"] = selectors.run_chunks(run)
    move = _move(request.GET)
    if move is not None:
        context["move"] = move
        context["movers"] = Paginator(
            selectors.run_movers(run, from_level=move[0], to_level=move[1]), PER_PAGE
        ).get_page(request.GET.get("page"))
    return render(request, "console/run.html", context)


def _move(query: QueryDict) -> tuple[int, int] | None:
    values = (query.get("from", ""), query.get("to", ""))
    if all(v in {str(n) for n in LEVELS} for v in values):
        return int(values[0]), int(values[1])
    return None


@permission_required(permissions.START_RUN)
@require_POST
def resume(request: ConsoleRequest, run_id: int) -> HttpResponse:
    """Resume a failed or stuck run, then show it again (post/redirect/get, a message either way)."""
    run = get_object_or_404(JobRun, pk=run_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("表单已失效，请刷新页面后重试。"))
    else:
        try:
            run_resume(run_id=run.pk, actor=request.user, request_id=form.cleaned_data["request_id"])
        except ApplicationError as error:
            (messages.info if is_duplicate(error) else messages.error)(request, error.message)
        else:
            messages.success(request, _("已继续运行。"))
    return redirect(reverse("console:run", args=[run.pk]))
