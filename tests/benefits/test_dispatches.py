"""Extra dispatches (FAQ Q9, Q15): ``dispatch_record`` against the period's quota, its refusals (which
write nothing), the per-period overview, and the period's close crediting DOU+ for the shortfall only."""

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connections

from benefits.dispatch_selectors import dispatch_quotas, dispatch_totals
from benefits.models import DouPlusCredit, Entitlement, ExtraDispatch
from benefits.services.dispatches import dispatch_record
from creators.models import AssistantMessage, AuditLog, Creator, SubmissionTask
from lib.errors import ApplicationError
from tests.builders import AT, creator_at_level, uid

pytestmark = pytest.mark.django_db
WHEN = AT + timedelta(days=1)  # inside benefit period 2026-12, granted at AT


def assess() -> None:
    call_command("assess_levels", "--at", AT.isoformat(), "--mode", "monthly", stdout=StringIO(), stderr=StringIO())


def task(title: str = "优质投稿任务", **extra) -> SubmissionTask:
    """A task open from a week before ``WHEN`` to a week after, unless told otherwise."""
    window = {"opens_at": WHEN - timedelta(days=7), "closes_at": WHEN + timedelta(days=7), **extra}
    return SubmissionTask.objects.create(code=uid("task"), title=title, **window)


def quota(creator: Creator) -> Entitlement:
    return Entitlement.objects.get(creator=creator, benefit__code="extra_dispatch", period="2026-12")


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_user("ops", password="pw")


@pytest.fixture
def cohort(db) -> dict[int, Creator]:
    """An LV1, an LV2 and an LV3 creator, assessed at ``AT`` (one run: assessing again is a no-op)."""
    creators = {level: creator_at_level(level) for level in (1, 2, 3)}
    assess()
    return creators


@pytest.fixture
def lv2(cohort) -> Creator:
    return cohort[2]


def record(creator: Creator, t: SubmissionTask, actor, *, request_id: str | None = None, at=WHEN):
    return dispatch_record(creator_external_id=creator.external_id, task_code=t.code, actor=actor,
                           request_id=request_id or uid("req"), at=at)  # fmt: skip


def written() -> tuple[int, int, int]:
    return (
        ExtraDispatch.objects.count(),
        AuditLog.objects.count(),
        AssistantMessage.objects.filter(template="task_dispatched").count(),
    )


def test_a_dispatch_delivers_one_unit_with_an_audit_row_and_a_message(lv2, operator) -> None:
    t = task("夏日饮品种草")
    dispatch = record(lv2, t, operator)
    assert (dispatch.creator, dispatch.task, dispatch.operator, dispatch.dispatched_at) == (lv2, t, operator, WHEN)
    e = quota(lv2)
    assert (e.quantity, e.delivered, e.status) == (8, 1, "pending")
    audit = AuditLog.objects.get()
    assert (audit.action, audit.actor, audit.creator_id, audit.target_id) == (
        "dispatch.record", operator, lv2.pk, str(dispatch.pk)
    )  # fmt: skip
    assert (audit.before, audit.after) == ({"delivered": 0, "status": "pending"}, {"delivered": 1, "status": "pending"})
    message = AssistantMessage.objects.get(creator=lv2, template="task_dispatched")
    assert "夏日饮品种草" in message.display_body and "1/8" in message.display_body
    assert message.url == f"/tasks/{t.code}/"


def test_the_last_unit_delivers_the_entitlement_and_a_full_quota_is_refused(lv2, operator) -> None:
    for i in range(8):
        record(lv2, task(f"任务{i}"), operator)
    assert (quota(lv2).delivered, quota(lv2).status) == (8, "delivered")
    before = written()
    with pytest.raises(ApplicationError, match="本期 8 次已派满") as refused:
        record(lv2, task("第九个"), operator)
    assert refused.value.code == "quota_full" and written() == before


def test_no_quota_is_refused_and_writes_nothing(cohort, operator) -> None:
    with pytest.raises(ApplicationError, match="该达人本期没有额外派发名额"):
        record(cohort[3], task(), operator)  # extra dispatches are an LV1/LV2 benefit
    assert written() == (0, 0, 0)


def test_a_closed_period_or_a_lapsed_quota_has_no_room(lv2, operator) -> None:
    Entitlement.objects.filter(pk=quota(lv2).pk).update(status="lapsed")
    with pytest.raises(ApplicationError, match="没有额外派发名额"):
        record(lv2, task(), operator)
    Entitlement.objects.filter(pk=quota(lv2).pk).update(status="pending", closed_at=WHEN)
    with pytest.raises(ApplicationError, match="没有额外派发名额"):
        record(lv2, task(), operator)
    assert written() == (0, 0, 0)


def test_a_task_that_is_not_open_is_refused(lv2, operator) -> None:
    closed = task("已截止的任务", closes_at=WHEN - timedelta(hours=1))
    with pytest.raises(ApplicationError, match="当前不在投稿时间内") as refused:
        record(lv2, closed, operator)
    assert refused.value.code == "task_closed" and written() == (0, 0, 0)
    assert quota(lv2).delivered == 0


def test_the_same_task_twice_in_the_period_is_refused(lv2, operator) -> None:
    t = task()
    record(lv2, t, operator)
    with pytest.raises(ApplicationError, match="这个任务本期已派发给该达人") as refused:
        record(lv2, t, operator)
    assert refused.value.code == "already_dispatched" and written() == (1, 1, 1)
    assert quota(lv2).delivered == 1


def test_unknown_creator_or_task_is_refused(lv2, operator) -> None:
    with pytest.raises(ApplicationError, match="找不到达人 c-nobody"):
        dispatch_record(creator_external_id="c-nobody", task_code=task().code, actor=operator, request_id="r1", at=WHEN)
    with pytest.raises(ApplicationError, match="找不到任务 t-nothing"):
        dispatch_record(creator_external_id=lv2.external_id, task_code="t-nothing", actor=operator, request_id="r2",
                        at=WHEN)  # fmt: skip
    assert written() == (0, 0, 0)


def test_the_same_request_twice_acts_once(lv2, operator) -> None:
    record(lv2, task(), operator, request_id="same-form")
    with pytest.raises(ApplicationError) as refused:
        record(lv2, task("另一个任务"), operator, request_id="same-form")
    assert refused.value.code == "duplicate_request"
    assert written() == (1, 1, 1) and quota(lv2).delivered == 1


# --- the period's close ----------------------------------------------------------------------------------


def test_close_after_dispatches_credits_the_shortfall_the_overview_announced(cohort, operator) -> None:
    lv2, full = cohort[2], cohort[1]  # LV1: a quota of 4, all dispatched
    for i in range(3):
        record(lv2, task(f"任务{i}"), operator)
    for i in range(4):
        record(full, task(f"满额{i}"), operator)
    announced = {e.creator_id: e.dou_plus for e in dispatch_quotas(period="2026-12")}
    assert announced == {lv2.pk: 5 * 20, full.pk: 0}

    out = StringIO()
    call_command("close_period", "--period", "2026-12", stdout=out, stderr=StringIO())

    assert json.loads(out.getvalue())["dou_plus"] == 100
    assert {c.creator_id: (c.missing, c.amount) for c in DouPlusCredit.objects.all()} == {lv2.pk: (5, 100)}
    closed = Entitlement.objects.filter(benefit__code="extra_dispatch")
    assert {(e.status, e.closed_at is not None) for e in closed} == {("delivered", True)}
    with pytest.raises(ApplicationError, match="没有额外派发名额"):  # closed: no more dispatches
        record(lv2, task("结算后"), operator)


# --- the overview --------------------------------------------------------------------------------------


def test_overview_largest_shortfall_first_with_totals_and_filters(cohort, operator) -> None:
    lv1, lv2 = cohort[1], cohort[2]
    Creator.objects.filter(pk=lv1.pk).update(nickname="小鹿日记")
    for i in range(2):
        record(lv2, task(f"任务{i}"), operator)
    rows = list(dispatch_quotas(period="2026-12"))
    assert [(e.creator_id, e.quantity, e.delivered, e.shortfall, e.dou_plus) for e in rows] == [
        (lv2.pk, 8, 2, 6, 120), (lv1.pk, 4, 0, 4, 80),
    ]  # fmt: skip
    assert dispatch_totals(dispatch_quotas(period="2026-12")) == {
        "quota": 12, "dispatched": 2, "shortfall": 10, "dou_plus": 200,
    }  # fmt: skip
    assert [e.creator_id for e in dispatch_quotas(period="2026-12", level=1)] == [lv1.pk]
    assert [e.creator_id for e in dispatch_quotas(period="2026-12", creator="小鹿")] == [lv1.pk]
    assert [e.creator_id for e in dispatch_quotas(period="2026-12", creator=lv2.external_id)] == [lv2.pk]
    assert list(dispatch_quotas(period="2026-11")) == []
    assert dispatch_totals(dispatch_quotas(period="2026-11")) == {"quota": 0, "dispatched": 0, "shortfall": 0,
                                                                   "dou_plus": 0}  # fmt: skip


# --- races ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_dispatches_for_the_last_unit_let_one_through() -> None:
    """Two operators dispatch different tasks to a creator with one unit left: the entitlement row is
    locked, so the second sees the quota full (on SQLite the writes serialise the same way)."""
    creator = creator_at_level(2)
    assess()  # the only assessment of this test's database
    operator = User.objects.create_user("ops-race", password="pw")
    Entitlement.objects.filter(pk=quota(creator).pk).update(delivered=7)
    tasks = [task("甲"), task("乙")]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def dispatch(t: SubmissionTask) -> None:
        try:
            barrier.wait()
            record(creator, t, operator)
            results.append("ok")
        except ApplicationError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatch, args=(t,)) for t in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["ok", "quota_full"]
    assert (quota(creator).delivered, ExtraDispatch.objects.count(), AuditLog.objects.count()) == (8, 1, 1)
