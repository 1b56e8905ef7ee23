"""The run list kept (``lib.kept``, ``levels.run_selectors.runs_fingerprint``): what an operator sees is what
a fresh draw shows after any write to the runs or to a running run's chunks, however it is made; a page
viewed again with nothing changed costs three queries; each answer's form carries a request id of its own;
while a run waits for the broker every view draws the list (and sends the run if it can)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from levels import jobs
from levels.models import JobChunk, JobRun
from lib import kept as store
from tests.builders import AT

pytestmark = pytest.mark.django_db
URL = "/console/runs/"
KEPT = 3  # session, user, the permissions with the fingerprint
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"x-csrftoken": ")[A-Za-z0-9]+')
REQUEST_ID = re.compile(r'name="request_id" value="([0-9a-f]+)"')


def page(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return REQUEST_ID.sub('name="request_id" value="…"', CSRF.sub(r"\1…", response.content.decode()))


def drawn(client: Client) -> str:
    store.clear()
    return page(client)


def queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def run(period: str, *, chunks: int = 2) -> JobRun:
    claimed, _created = jobs.run_claim(job="assess_upgrade", key=period, period=period, at=AT)
    JobChunk.objects.bulk_create(JobChunk(run=claimed, index=i, first_id=i, last_id=i) for i in range(chunks))
    return claimed


@pytest.fixture
def runs() -> dict[str, JobRun]:
    """A run in progress, one done, one failed with a failed chunk."""
    found = {"running": run("2026-12-02"), "done": run("2026-12-03"), "failed": run("2026-12-04")}
    JobChunk.objects.filter(run=found["done"]).update(status=JobChunk.Status.DONE)
    JobRun.objects.filter(pk=found["done"].pk).update(status=JobRun.Status.DONE, finished_at=AT, summary={"up": 7})
    JobChunk.objects.filter(run=found["failed"], index=0).update(status=JobChunk.Status.FAILED)
    JobRun.objects.filter(pk=found["failed"].pk).update(status=JobRun.Status.FAILED, finished_at=AT)
    return found


# Writes as jobs and people make them (the ORM's update(), which sends no signal), each changing the list.
WRITES = {
    "run started": lambda r: run("2026-12-09"),
    "chunk done": lambda r: JobChunk.objects.filter(run=r["running"], index=0).update(status=JobChunk.Status.DONE),
    "run finished": lambda r: JobRun.objects.filter(pk=r["running"].pk).update(
        status=JobRun.Status.DONE, finished_at=AT, summary={"up": 3}
    ),
    "run deleted": lambda r: JobRun.objects.filter(pk=r["done"].pk).delete(),
    "run reopened": lambda r: jobs.run_reopen(r["failed"].pk, now=AT),
    "started by": lambda r: JobRun.objects.filter(pk=r["done"].pk).update(started_by="console:someone"),
}


@pytest.mark.parametrize("write", WRITES)
def test_after_any_write_the_next_view_is_what_a_fresh_draw_shows(operator_client: Client, runs, write) -> None:
    before = drawn(operator_client)
    assert page(operator_client) == before
    if store.supported():
        assert queries(operator_client) == KEPT

    WRITES[write](runs)

    after = page(operator_client)
    assert after != before
    assert after == drawn(operator_client)


def test_each_answer_of_a_kept_list_carries_a_request_id_of_its_own(operator_client: Client, runs) -> None:
    ids = set()
    for _ in range(3):
        response = operator_client.get(URL)
        assert response.status_code == 200
        ids.update(REQUEST_ID.findall(response.content.decode()))
    assert len(ids) == 3 and all(len(i) == 32 for i in ids)
    if store.supported():
        assert queries(operator_client) == KEPT


def test_while_a_run_waits_for_the_broker_every_view_draws_the_list(operator_client: Client, runs) -> None:
    JobRun.objects.filter(pk=runs["running"].pk).update(awaiting_broker_since=AT)
    page(operator_client)
    assert queries(operator_client) > KEPT
    JobRun.objects.filter(pk=runs["running"].pk).update(awaiting_broker_since=None)
    page(operator_client)
    assert (queries(operator_client) == KEPT) == store.supported()


def test_a_user_who_may_no_longer_start_runs_no_longer_sees_the_form(operator_client: Client, operator, runs) -> None:
    assert 'id="start-form"' in page(operator_client)
    operator.groups.remove(Group.objects.get(name=settings.OPERATORS_GROUP))
    operator.groups.add(Group.objects.get(name=settings.VIEWERS_GROUP))
    assert 'id="start-form"' not in page(operator_client)
    assert page(operator_client) == drawn(operator_client)
