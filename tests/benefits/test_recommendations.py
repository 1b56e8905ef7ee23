"""Recording a 1对1 client recommendation (docs/program.md §3): one owed unit delivered per record, the
entitlement delivered with its last unit, never more than owed, one audit row and one message each; what
close_period, 我的权益 and creator_report then say about it."""

import json
import re
import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connections

from benefits.models import Benefit, ClientRecommendation, Entitlement, EntitlementStatus
from benefits.services.recommendations import recommendation_record
from creators.models import AssistantMessage, AuditLog, Creator
from lib.errors import ApplicationError
from portal import clock
from tests.builders import AT, creator_at_level

pytestmark = pytest.mark.django_db
DAY = AT + timedelta(days=8)  # 2026-12-09 in Shanghai


def owed(creator: Creator, *, quantity: int = 1, code: str = "client_recommendation", **extra) -> Entitlement:
    return Entitlement.objects.create(
        creator=creator, benefit=Benefit.objects.get(code=code), kind="basic", level=3,
        period=extra.pop("period", "2026-12"), quantity=quantity, status=extra.pop("status", "pending"),
        granted_at=AT, **extra,
    )  # fmt: skip


def record(entitlement: Entitlement, *, actor, request_id: str = "r1", client: str = "某美妆品牌", on=None, **extra):
    return recommendation_record(
        entitlement_id=entitlement.pk, client=client, on=on or DAY.date(), channel=extra.pop("channel", "phone"),
        note=extra.pop("note", "约了下周面谈"), actor=actor, request_id=request_id, at=DAY,
    )  # fmt: skip


def written() -> tuple[int, int, int]:
    return ClientRecommendation.objects.count(), AuditLog.objects.count(), AssistantMessage.objects.count()


@pytest.fixture
def creator(db) -> Creator:
    return Creator.objects.create(external_id="c-rec", nickname="桃桃爱旅行", fans=400_000)


@pytest.fixture
def ops(db) -> User:
    return User.objects.create_user("ops1", password="pw")


def test_recording_one_of_two_delivers_one_unit(creator, ops) -> None:
    entitlement = owed(creator, quantity=2)
    rec = record(entitlement, actor=ops)
    entitlement.refresh_from_db()
    assert (entitlement.delivered, entitlement.status) == (1, "pending")
    assert (rec.client_name, rec.recommended_on, rec.channel, rec.note, rec.operator, rec.creator) == (
        "某美妆品牌", date(2026, 12, 9), "phone", "约了下周面谈", ops, creator,
    )  # fmt: skip
    audit = AuditLog.objects.get()
    assert (audit.action, audit.actor, audit.creator_id) == ("recommendation.fulfil", ops, creator.pk)
    assert audit.request_id == "r1"
    assert (audit.target_type, audit.target_id) == ("benefits.Entitlement", str(entitlement.pk))
    assert audit.before == {"delivered": 0, "status": "pending"}
    assert audit.after == {"delivered": 1, "status": "pending"}
    message = AssistantMessage.objects.get(creator=creator)
    assert message.template == "recommendation_made" and message.url_name == "benefits"
    assert message.params == {"period": "2026-12", "client": "某美妆品牌", "delivered": 1, "quantity": 2}


def test_recording_the_last_unit_delivers_the_entitlement_and_keeps_it_marked_late(creator, ops) -> None:
    entitlement = owed(creator, quantity=2, delivered=1, overdue=True)
    record(entitlement, actor=ops)
    entitlement.refresh_from_db()
    assert (entitlement.delivered, entitlement.status, entitlement.overdue) == (2, "delivered", True)
    assert AuditLog.objects.get().after == {"delivered": 2, "status": "delivered"}


def test_recording_more_than_owed_is_refused_and_writes_nothing(creator, ops) -> None:
    entitlement = owed(creator)
    record(entitlement, actor=ops)
    before = written()
    with pytest.raises(ApplicationError) as refused:
        record(entitlement, actor=ops, request_id="r2")
    assert refused.value.code == "fully_delivered"
    assert refused.value.message == "本期应推 1 次，已全部完成。"
    assert written() == before
    entitlement.refresh_from_db()
    assert (entitlement.delivered, entitlement.status) == (1, "delivered")


def test_a_lapsed_recommendation_is_not_owed(creator, ops) -> None:
    entitlement = owed(creator, status=EntitlementStatus.LAPSED)
    with pytest.raises(ApplicationError) as refused:
        record(entitlement, actor=ops)
    assert refused.value.code == "not_owed" and "已失效" in refused.value.message
    assert written() == (0, 0, 0)


def test_another_benefits_entitlement_is_refused(creator, ops) -> None:
    dispatch = owed(creator, code="extra_dispatch", quantity=2)
    with pytest.raises(ApplicationError) as refused:
        record(dispatch, actor=ops)
    assert refused.value.code == "not_recommendation"
    assert written() == (0, 0, 0)
    assert Entitlement.objects.get(pk=dispatch.pk).delivered == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [({"client": "  "}, "client_required"), ({"on": date(2026, 12, 10)}, "future_date"),
     ({"channel": "fax"}, "unknown_channel")],
)  # fmt: skip
def test_bad_input_is_refused_and_writes_nothing(creator, ops, change, code) -> None:
    with pytest.raises(ApplicationError) as refused:
        record(owed(creator), actor=ops, **change)
    assert refused.value.code == code
    assert written() == (0, 0, 0)


def test_the_same_request_id_acts_once(creator, ops) -> None:
    entitlement = owed(creator, quantity=3)
    record(entitlement, actor=ops, request_id="same")
    with pytest.raises(ApplicationError) as again:
        record(entitlement, actor=ops, request_id="same")
    assert again.value.code == "duplicate_request"
    assert written() == (1, 1, 1)
    assert Entitlement.objects.get(pk=entitlement.pk).delivered == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_recording_the_last_unit_at_once_deliver_it_once() -> None:
    """Different forms (request ids), one unit left: the row lock lets one through (on SQLite the first
    write serialises the two transactions, with the same outcome)."""
    creator = Creator.objects.create(external_id="c-race", nickname="并发", fans=400_000)
    entitlement = owed(creator, quantity=2, delivered=1)
    operators = [User.objects.create_user(f"ops{i}") for i in (1, 2)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def post(actor: User) -> None:
        try:
            barrier.wait()
            record(entitlement, actor=actor, request_id=f"form-{actor.username}")
            results.append("ok")
        except ApplicationError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(actor,)) for actor in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["fully_delivered", "ok"]
    entitlement.refresh_from_db()
    assert (entitlement.delivered, entitlement.status) == (2, "delivered")
    assert written() == (1, 1, 1)


# --- what the rest of the program then says -----------------------------------------------------------


def call(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def lv3(db) -> Creator:
    """An LV3 creator assessed for 2026-12, owed one recommendation, with a portal login."""
    creator = creator_at_level(3, external_id="c-lv3")
    creator.user = User.objects.create_user("carol", password="pw")
    creator.save(update_fields=["user"])
    call("assess_levels", "--at", AT.isoformat(), "--mode", "monthly")
    return creator


def recommendation_of(creator: Creator) -> Entitlement:
    return Entitlement.objects.get(creator=creator, benefit__code="client_recommendation")


def benefit_row(body: str, pk: int) -> str:
    match = re.search(rf'<li class="benefit-row[^"]*" id="benefit-{pk}">.*?</li>', body, re.S)
    assert match, f"no row for entitlement {pk}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def test_a_recorded_recommendation_is_delivered_everywhere_and_close_flags_nothing(lv3, ops, client, monkeypatch):
    entitlement = recommendation_of(lv3)
    rec = record(entitlement, actor=ops)
    result = json.loads(call("close_period", "--period", "2026-12"))
    assert result["overdue_recommendations"] == 0
    entitlement.refresh_from_db()
    assert (entitlement.status, entitlement.overdue, entitlement.delivered) == ("delivered", False, 1)

    monkeypatch.setattr(clock, "now", lambda: DAY)
    client.force_login(lv3.user)
    assert benefit_row(client.get("/benefits/").content.decode(), entitlement.pk).endswith("1/1 已发放")

    report = json.loads(call("creator_report", "c-lv3"))
    assert report["recommendations"] == [
        {"id": rec.pk, "entitlement": entitlement.pk, "period": "2026-12", "status": "fulfilled",
         "client": "某美妆品牌", "fulfilled_on": "2026-12-09"},
    ]  # fmt: skip
    assert next(e for e in report["entitlements"] if e["id"] == entitlement.pk)["status"] == "delivered"


def test_an_unrecorded_recommendation_is_flagged_and_reported_overdue(lv3) -> None:
    entitlement = recommendation_of(lv3)
    report = json.loads(call("creator_report", "c-lv3"))
    owed_row = {"id": None, "entitlement": entitlement.pk, "period": "2026-12", "status": "owed", "client": None,
                "fulfilled_on": None}  # fmt: skip
    assert report["recommendations"] == [owed_row]
    assert json.loads(call("close_period", "--period", "2026-12"))["overdue_recommendations"] == 1
    assert json.loads(call("creator_report", "c-lv3"))["recommendations"] == [owed_row | {"status": "overdue"}]


def test_the_report_lists_each_unit_given_and_owed(creator, ops) -> None:
    entitlement = owed(creator, quantity=3)
    first = record(entitlement, actor=ops, client="甲品牌", on=date(2026, 12, 3), request_id="a")
    second = record(entitlement, actor=ops, client="乙品牌", on=date(2026, 12, 2), request_id="b")
    rows = json.loads(call("creator_report", "c-rec"))["recommendations"]
    assert [(r["id"], r["status"], r["client"], r["fulfilled_on"]) for r in rows] == [
        (second.pk, "fulfilled", "乙品牌", "2026-12-02"),
        (first.pk, "fulfilled", "甲品牌", "2026-12-03"),
        (None, "owed", None, None),
    ]
    assert {r["entitlement"] for r in rows} == {entitlement.pk}


def test_a_lapsed_recommendation_owes_nothing_in_the_report(creator) -> None:
    owed(creator, quantity=2, status=EntitlementStatus.LAPSED)
    assert json.loads(call("creator_report", "c-rec"))["recommendations"] == []
