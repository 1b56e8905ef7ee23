"""The broker down while an operator starts a run: the run is created and audited and waits for the
broker (等待任务队列) instead of failing the request; pages, claims and /healthz keep answering, /healthz
saying the broker is down. Once Redis answers again, the next load of the console's runs page sends the
run, a real worker does it and it finishes — minutes, not the hour the reconciler used to take.

"Down" is the broker's address pointing at a port nothing listens on (the Redis server is shared with
other tests and cannot be stopped); "back" is the real address again."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benefits.models import Benefit, BenefitKind, Delivery, Entitlement, EntitlementStatus
from config.celery_app import app
from console.forms import new_request_id
from creators.models import AuditLog
from levels.models import JobRun
from levels.schedule import due_now
from tests.builders import creator_at_level
from tests.celery_broker import reconnect
from tests.faults.conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
DOWN = "redis://127.0.0.1:1/7"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_run_started_while_the_broker_is_down_waits_and_finishes_once_it_is_back(broker, start_worker):
    for level in (1, 2, 3):
        creator_at_level(level)
    operator = User.objects.create_user("ops1", password="pw", is_staff=True)
    operator.groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))
    console = signed_in(operator)
    creator = creator_at_level(3)
    creator.user = User.objects.create_user("alice", password="pw")
    creator.save(update_fields=["user"])
    benefit = Benefit.objects.filter(delivery=Delivery.CLAIM).first()
    claimable = Entitlement.objects.create(creator=creator, benefit=benefit, kind=BenefitKind.BASIC, level=3,
                                           period="2026-01", status=EntitlementStatus.AVAILABLE,
                                           granted_at=timezone.now() - timedelta(days=1))  # fmt: skip
    portal = signed_in(creator.user)
    month = due_now(JobRun.Job.ASSESS_MONTHLY, timezone.now()).period  # the latest monthly run that is due
    real = settings.REDIS_URL

    app.conf.broker_url = settings.REDIS_URL = DOWN
    reconnect()
    try:
        response = console.post(reverse("console:runs"), {"job": "assess_monthly", "period": month,
                                                          "request_id": new_request_id()})  # fmt: skip
        assert response.status_code == 302
        run = JobRun.objects.get(job=JobRun.Job.ASSESS_MONTHLY, period=month)
        assert run.status == JobRun.Status.RUNNING and run.awaiting_broker_since is not None
        assert AuditLog.objects.filter(action="run.start", target_id=str(run.pk)).exists()
        page = console.get(reverse("console:runs"))
        assert page.status_code == 200 and "等待任务队列" in page.content.decode()
        health = console.get("/healthz")
        assert health.status_code == 200 and health.json()["broker"] != "ok"
        assert portal.get(reverse("home")).status_code == 200
        assert portal.post(reverse("benefit-claim", args=[claimable.pk])).status_code == 302
        claimable.refresh_from_db()
        assert claimable.status == EntitlementStatus.CLAIMED
        assert JobRun.objects.get(pk=run.pk).awaiting_broker_since is not None  # still waiting
    finally:
        app.conf.broker_url = settings.REDIS_URL = real
        reconnect()

    worker = start_worker()
    assert console.get(reverse("console:runs")).status_code == 200  # sends the waiting run
    assert JobRun.objects.get(pk=run.pk).awaiting_broker_since is None
    wait_for(
        lambda: JobRun.objects.filter(pk=run.pk, status=JobRun.Status.DONE).exists(),
        seconds=60,
        what="the run to finish once the broker was back",
        process=worker,
    )
    run.refresh_from_db()
    assert run.summary["assessed"] == 4
    assert console.get("/healthz").json()["broker"] == "ok"
