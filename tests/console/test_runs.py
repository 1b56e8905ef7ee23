"""任务运行: starting a period's run from the console (one run per job and period, through Celery, eager
in tests), watching it by polling, resuming a failed run; what a viewer sees; query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from console.forms import new_request_id
from creators.models import AuditLog
from insights.models import DailyIndex
from levels import jobs, services
from levels.models import CreatorLevel, JobRun
from levels.runs import run_due
from lib.errors import ApplicationError
from tests.builders import AT, creator_at_level

pytestmark = pytest.mark.django_db
NOW = AT + timedelta(days=1)


@pytest.fixture
def clock(monkeypatch):
    """The day after the 2026-12 monthly assessment is due (the builders' data is for it)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def start(client, job: str, period: str, *, request_id: str | None = None):
    data = {"job": job, "period": period, "request_id": request_id or new_request_id()}
    return client.post(reverse("console:runs"), data)


def test_periods_map_to_the_runs_beat_makes():
    assert run_due(job="assess_monthly", period="2026-12") == jobs.level_due(AT)
    close = run_due(job="close_period", period="2026-11")
    assert (close.period, close.key, timezone.localtime(close.at).isoformat()) == (
        "2026-11",
        "2026-11",
        "2026-12-01T01:00:00+08:00",
    )
    rewards = run_due(job="assess_rewards", period="2026Q4")
    assert (rewards.key, timezone.localtime(rewards.at).isoformat()) == ("2026Q4", "2027-01-01T03:00:00+08:00")
    assert run_due(job="assess_upgrade", period="2026-12-05").at == AT.replace(day=5, hour=4)
    assert run_due(job="compute_index", period="2026-12-05") == jobs.daily_due(AT.replace(day=5, hour=5))
    for job, period in [("assess_monthly", "2026Q4"), ("assess_rewards", "2026-12"), ("assess_upgrade", "20261205"),
                        ("compute_index", "2026-12"), ("expire_cards", "2026-12-01")]:  # fmt: skip
        with pytest.raises(ApplicationError):
            run_due(job=job, period=period)


def test_operator_starts_the_monthly_run_and_it_completes_through_celery(
    operator_client, operator, clock, django_capture_on_commit_callbacks
):
    for level in (1, 2, 3):
        creator_at_level(level)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = start(operator_client, "assess_monthly", "2026-12")
    assert len(callbacks) == 1  # the chunks go to the workers after commit
    run = JobRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("console:run", args=[run.pk])
    assert (run.status, run.key, run.started_by, run.summary["up"]) == (
        "done",
        jobs.level_due(AT).key,
        "console:ops1",
        3,
    )
    audit = AuditLog.objects.get()
    assert (audit.action, audit.target_id, audit.after["period"]) == ("run.start", str(run.pk), "2026-12")

    # The same period again (a new form): that run is shown, no second run, nothing audited.
    response = start(operator_client, "assess_monthly", "2026-12")
    assert response["Location"] == reverse("console:run", args=[run.pk])
    assert (JobRun.objects.count(), AuditLog.objects.count()) == (1, 1)

    page = operator_client.get(reverse("console:run", args=[run.pk]))
    assert page.status_code == 200
    assert "hx-trigger" not in page.content.decode()  # done: nothing polls
    assert 'href="?from=0&amp;to=3#movers"' in page.content.decode()
    movers = operator_client.get(reverse("console:run", args=[run.pk]), {"from": 0, "to": 3})
    assert movers.status_code == 200 and "LV0 → LV3" in movers.content.decode()


def test_operator_starts_the_days_index_run(operator_client, clock, django_capture_on_commit_callbacks):
    creators = [creator_at_level(level) for level in (1, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = start(operator_client, "compute_index", "2026-12-01")
    run = JobRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("console:run", args=[run.pk])
    assert (run.job, run.period, run.status, run.summary) == (
        "compute_index",
        "2026-12-01",
        "done",
        {"assessed": 2, "indexed": 2},
    )
    assert DailyIndex.objects.filter(creator__in=creators, composite__isnull=False).count() == 2
    page = operator_client.get(reverse("console:run", args=[run.pk])).content.decode()
    assert "星图指数" in page and "有指数的达人" in page


@pytest.mark.parametrize(
    "job, period, message",
    [
        ("assess_monthly", "2027-01", "还没到时间"),
        ("close_period", "2026-12", "还没到时间"),
        ("assess_monthly", "12/2026", "YYYY-MM"),
        ("assess_rewards", "2026Q3", "月度等级评估"),
        ("compute_index", "2026-12-02", "还没到时间"),
        ("compute_index", "2026-12", "YYYY-MM-DD"),
    ],
)
def test_refused_starts_write_nothing_and_say_why(operator_client, clock, job, period, message):
    response = start(operator_client, job, period)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (JobRun.objects.count(), AuditLog.objects.count()) == (0, 0)


def test_a_failed_run_is_shown_with_its_error_and_resumes(
    operator_client, settings, monkeypatch, clock, django_capture_on_commit_callbacks
):
    settings.ASSESS_CHUNK_SIZE = 1
    creators = [creator_at_level(level) for level in (1, 2)]
    real = services.run_chunk
    monkeypatch.setattr(services, "run_chunk", lambda **kw: 1 / 0 if kw["first_id"] == creators[1].pk else real(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        start(operator_client, "assess_monthly", "2026-12")
    run = JobRun.objects.get()
    assert run.status == "failed"
    page = operator_client.get(reverse("console:run", args=[run.pk])).content.decode()
    assert "ZeroDivisionError: division by zero" in page and "继续运行" in page

    monkeypatch.setattr(services, "run_chunk", real)
    resume_url = reverse("console:run-resume", args=[run.pk])
    request_id = new_request_id()
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(resume_url, {"request_id": request_id})
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.summary["assessed"], CreatorLevel.objects.count()) == ("done", 2, 2)
    assert list(AuditLog.objects.values_list("action", flat=True).order_by("pk")) == ["run.start", "run.resume"]
    # The same form again, or a done run: nothing more happens.
    operator_client.post(resume_url, {"request_id": request_id})
    operator_client.post(resume_url, {"request_id": new_request_id()})
    assert AuditLog.objects.count() == 2


def test_a_running_run_polls_and_a_stuck_one_offers_resume(operator_client, viewer):
    run, _ = jobs.run_claim(job="assess_monthly", key="k", period="2026-12", at=AT)
    url = reverse("console:run", args=[run.pk])
    partial = operator_client.get(url, {"part": "progress"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert 'hx-trigger="every 2s"' in body and "<html" not in body and "继续运行" not in body
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    body = operator_client.get(url, {"part": "progress"}, headers={"HX-Request": "true"}).content.decode()
    assert "卡住" in body and "继续运行" in body
    viewer_client = Client()
    viewer_client.force_login(viewer)
    viewer_page = viewer_client.get(url).content.decode()
    assert "卡住" in viewer_page and "继续运行" not in viewer_page
    JobRun.objects.filter(pk=run.pk).update(status="done", finished_at=timezone.now())
    body = operator_client.get(url, {"part": "progress"}, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in body  # the swap drops the trigger: polling stops


def test_viewer_sees_no_start_form_and_cannot_post(viewer_client, clock):
    run, _ = jobs.run_claim(job="assess_monthly", key="k", period="2026-12", at=AT)
    JobRun.objects.filter(pk=run.pk).update(status="failed", error="boom")
    page = viewer_client.get(reverse("console:runs"))
    assert page.status_code == 200 and "启动运行" not in page.content.decode()
    assert "boom" in viewer_client.get(reverse("console:run", args=[run.pk])).content.decode()
    assert start(viewer_client, "assess_monthly", "2026-12").status_code == 403
    resume = viewer_client.post(reverse("console:run-resume", args=[run.pk]), {"request_id": new_request_id()})
    assert resume.status_code == 403
    assert JobRun.objects.get().status == "failed" and not AuditLog.objects.exists()


def _runs(count: int) -> None:
    for i in range(count):
        jobs.run_claim(job="assess_upgrade", key=f"k{JobRun.objects.count()}", period=f"run-period-{i:03d}", at=AT)


def test_the_list_and_a_run_take_the_same_queries_however_many_rows(operator_client, django_assert_num_queries):
    creator_at_level(1)
    _runs(2)
    list_url = reverse("console:runs")
    operator_client.get(list_url)  # warm the session
    # The count also asks whether a run waits for the broker; on PostgreSQL the runs' fingerprint is read
    # with the permissions (a filtered list seen for the first time is drawn, then kept: test_runs_kept.py).
    with django_assert_num_queries(5) as captured:
        response = operator_client.get(list_url, {"job": "assess_upgrade"})
    assert response.status_code == 200 and "run-period-001" in response.content.decode()
    _runs(20)
    with django_assert_num_queries(len(captured)):
        response = operator_client.get(list_url, {"job": "assess_upgrade"})
    assert response.status_code == 200 and "run-period-019" in response.content.decode()
    assert operator_client.get(list_url, {"status": "failed"}).content.decode().count("run-period-") == 0


def test_the_count_follows_the_filters_and_the_pages(operator_client):
    _runs(51)
    jobs.run_claim(job="warn_at_risk", key="other", period="2026-12", at=AT)
    JobRun.objects.filter(period__in=["run-period-000", "run-period-001"]).update(status=JobRun.Status.FAILED)

    def listed(**query) -> tuple[str, int]:
        response = operator_client.get(reverse("console:runs"), query)
        assert response.status_code == 200
        body = response.content.decode()
        pager = body.split('class="pager-at num">')[1].split("<")[0] if 'class="pager-at' in body else ""
        return pager, body.count('<td class="num">run-period-') + body.count('<td class="num">2026-12<')

    assert listed() == ("1 / 2", 50)
    assert listed(page="2") == ("2 / 2", 2)
    assert listed(job="assess_upgrade", page="2") == ("2 / 2", 1)
    assert listed(job="warn_at_risk") == ("", 1)
    assert listed(status="failed") == ("", 2)
    assert listed(job="warn_at_risk", status="failed") == ("", 0)


def _run_page_queries(client, creators: int) -> int:
    for level in [1, 2, 3] * creators:
        creator_at_level(level)
    run, _ = jobs.trigger("assess_monthly", due=jobs.Due("2026-12", f"k{creators}", AT))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("console:run", args=[run.pk]), {"from": 0, "to": 2})
    assert response.status_code == 200 and "LV0 → LV2" in response.content.decode()
    assert response.content.decode().count('class="pill pill-success">完成') == run.chunks.count() + 1
    return len(captured)


def test_a_run_page_takes_the_same_queries_for_1_or_10_chunks(operator_client, settings):
    settings.ASSESS_CHUNK_SIZE = 3
    operator_client.get(reverse("console:runs"))  # warm the session
    one_chunk = _run_page_queries(operator_client, 1)
    assert _run_page_queries(operator_client, 10) == one_chunk


def test_in_english_a_run_is_a_job_that_finished(operator_client):
    """任务 and 结束 read as a job run's words here (translation contexts), not a submission task's."""
    body = operator_client.get(reverse("console:runs"), headers={"Accept-Language": "en"}).content.decode()
    assert '<th scope="col">Job</th>' in body and '<th scope="col">Finished</th>' in body
    assert ">Task<" not in body
