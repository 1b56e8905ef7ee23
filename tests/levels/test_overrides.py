"""Manual level override (docs/program.md §3): set at once like a monthly move, held through the runs
until ``until``, judged normally by the first monthly run after it, ended early, refused with reasons."""

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections

from benefits.models import Entitlement, GuaranteeCard
from benefits.selectors import catalogue_load
from benefits.services import grants
from creators.models import AssistantMessage, AuditLog
from levels.models import Assessment, CreatorLevel, LevelChange, LevelOverride
from levels.overrides import override_end, override_set
from levels.selectors import creator_report
from lib.errors import ApplicationError
from lib.periods import Month
from portal import clock
from tests.builders import AT, creator_at_level
from tests.portal.support import NOW, text, with_login

pytestmark = pytest.mark.django_db
DEC, JAN, FEB = Month(2026, 12), Month(2027, 1), Month(2027, 2)


@pytest.fixture
def ops(django_user_model):
    return django_user_model.objects.create_user("ops1")


def run(at, mode: str = "monthly", *creators: str) -> list[dict]:
    out = StringIO()
    picked = [arg for c in creators for arg in ("--creator", c)]
    call_command("assess_levels", "--at", at.isoformat(), "--mode", mode, *picked, "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def level(creator) -> int:
    return CreatorLevel.objects.filter(creator=creator).values_list("level", flat=True).first() or 0


def hold(creator, value: int) -> None:
    """``creator`` holds ``value`` since last month, with last month's benefits of it."""
    CreatorLevel.objects.update_or_create(creator=creator, defaults={"level": value, "since": AT - timedelta(days=30)})
    if value:
        grants.entitlements_grant_level(
            creators=CreatorLevel.objects.filter(creator=creator).values("creator_id"),
            level=value,
            month=Month(2026, 11),
            at=AT - timedelta(days=30),
            catalogue=catalogue_load(),
        )


def ledger(creator) -> tuple[list, list]:
    """The creator's entitlements and cards as comparable rows (no ids, no creator)."""
    entitlements = sorted(
        Entitlement.objects.filter(creator=creator).values_list(
            "benefit__code", "kind", "level", "period", "quantity", "delivered", "status", "granted_at", "lapsed_at"
        )
    )
    cards = sorted(GuaranteeCard.objects.filter(creator=creator).values_list("amount", "status", "issued_at"))
    return entitlements, cards


def set_(creator, ops, level: int = 3, until: Month = JAN, request_id: str = "r1", **extra):
    return override_set(creator=creator, level=level, reason=extra.pop("reason", "合作补偿"), until=until,
                        actor=ops, request_id=request_id, at=extra.pop("at", AT))  # fmt: skip


@pytest.mark.parametrize(("before", "after"), [(1, 3), (3, 1), (3, 0), (0, 4)])
def test_an_override_grants_and_lapses_exactly_as_a_monthly_move(ops, before, after):
    moved = creator_at_level(after, external_id="c-moved")  # the rules move it to ``after`` at AT
    overridden = creator_at_level(0, external_id="c-set")
    hold(moved, before)
    hold(overridden, before)

    run(AT, "monthly", "c-moved")
    set_(overridden, ops, level=after, until=DEC)

    assert level(moved) == level(overridden) == after
    assert ledger(overridden) == ledger(moved)
    change = LevelChange.objects.get(creator=overridden)
    assert (change.from_level, change.to_level, change.reason, change.run) == (before, after, "override", None)


def test_set_changes_the_level_at_once_tells_the_creator_and_is_audited(ops):
    creator = creator_at_level(1)
    hold(creator, 1)

    override = set_(creator, ops, level=3, until=JAN)

    assert level(creator) == 3
    assert (override.previous_level, override.level, override.until, override.set_by) == (1, 3, "2027-01", ops)
    message = AssistantMessage.objects.get(creator=creator, template="level_override_set")
    assert "LV3" in message.display_title and "2027-01" in message.display_body and "合作补偿" in message.display_body
    audit = AuditLog.objects.get()
    assert (audit.action, audit.reason, audit.creator_id) == ("level.override", "合作补偿", creator.pk)
    assert (audit.before, audit.after) == ({"level": 1}, {"level": 3, "until": "2027-01"})


def test_override_holds_through_daily_and_monthly_runs_until_its_month_then_the_rules_judge(ops):
    creator = creator_at_level(1, external_id="c-1")
    hold(creator, 1)
    set_(creator, ops, level=3, until=JAN)
    jan, feb = JAN.start + timedelta(hours=2), FEB.start + timedelta(hours=2)

    [daily, _] = run(AT + timedelta(days=2), "upgrade")
    [monthly, _] = run(jan)

    assert level(creator) == 3
    assert LevelChange.objects.filter(creator=creator).count() == 1  # the override's own
    assert daily["level"] == 3 and daily["qualified_level"] < 3
    # The runs still record what the rules said: the level qualified for, every level above it failing.
    result = Assessment.objects.get(creator=creator, run__at=jan)
    assert result.level == 3 and result.qualified_level == monthly["qualified_level"] < 3
    assert set(result.failed) == {str(lv) for lv in range(result.qualified_level + 1, 5)}
    # The month's benefits are those of the level held, like every creator's.
    assert Entitlement.objects.filter(creator=creator, period="2027-01", level=3).exists()
    assert LevelOverride.objects.get().ended_at is None

    run(feb)

    judged = creator_report(creator=creator)
    assert judged["level"] < 3 and judged["override"] is None
    assert LevelChange.objects.filter(creator=creator).order_by("at").last().reason == "monthly"
    ended = LevelOverride.objects.get()
    assert (ended.ended_at, ended.end_reason) == (feb, "到期")


def test_the_last_month_of_an_override_is_not_at_risk_in_the_daily_warning_only_after(ops):
    creator = creator_at_level(1)
    hold(creator, 1)
    set_(creator, ops, level=3, until=JAN)

    call_command("warn_at_risk", "--at", (AT + timedelta(days=10)).isoformat(), stdout=StringIO())
    assert not AssistantMessage.objects.filter(creator=creator, kind="at_risk").exists()

    call_command("warn_at_risk", "--at", (JAN.start + timedelta(days=10)).isoformat(), stdout=StringIO())
    assert AssistantMessage.objects.filter(creator=creator, kind="at_risk").exists()


def test_ending_early_keeps_the_level_until_the_next_monthly_run_judges(ops):
    creator = creator_at_level(1)
    hold(creator, 1)
    set_(creator, ops, level=3, until=FEB)
    ended_at = AT + timedelta(days=3)

    override = override_end(creator=creator, reason="数据已恢复", actor=ops, request_id="r2", at=ended_at)

    assert (override.ended_at, override.ended_by, override.end_reason) == (ended_at, ops, "数据已恢复")
    assert level(creator) == 3
    assert AssistantMessage.objects.filter(creator=creator, template="level_override_ended").count() == 1
    audit = AuditLog.objects.get(action="level.override_end")
    assert audit.after == {"level": 3, "override": None} and audit.reason == "数据已恢复"
    run(JAN.start + timedelta(hours=2))
    assert level(creator) < 3


def test_ending_without_an_open_override_is_refused(ops):
    creator = creator_at_level(1)
    with pytest.raises(ApplicationError) as refused:
        override_end(creator=creator, reason="x", actor=ops, request_id="r1", at=AT)
    assert refused.value.code == "no_override"
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"reason": "  "}, "reason_required"),
        ({"until": Month(2026, 11)}, "until_past"),
        ({"level": 5}, "level_invalid"),
        ({"level": -1}, "level_invalid"),
    ],
)
def test_refusals_write_nothing(ops, extra, code):
    creator = creator_at_level(1)
    hold(creator, 1)
    messages = AssistantMessage.objects.count()
    with pytest.raises(ApplicationError) as refused:
        set_(creator, ops, **extra)
    assert refused.value.code == code
    assert not LevelOverride.objects.exists() and not LevelChange.objects.exists() and not AuditLog.objects.exists()
    assert AssistantMessage.objects.count() == messages and level(creator) == 1


def test_a_second_override_while_one_is_open_is_refused(ops):
    creator = creator_at_level(1)
    set_(creator, ops, level=3)
    with pytest.raises(ApplicationError) as refused:
        set_(creator, ops, level=4, request_id="r2")
    assert refused.value.code == "override_open"
    assert LevelOverride.objects.count() == 1 and AuditLog.objects.count() == 1 and level(creator) == 3


def test_the_same_request_twice_acts_once(ops):
    creator = creator_at_level(1)
    set_(creator, ops, level=3)
    with pytest.raises(ApplicationError) as again:
        set_(creator, ops, level=3)
    assert again.value.code == "duplicate_request"
    assert LevelOverride.objects.count() == LevelChange.objects.count() == AuditLog.objects.count() == 1


def test_report_shows_the_open_override(ops):
    creator = creator_at_level(1)
    assert creator_report(creator=creator)["override"] is None
    set_(creator, ops, level=3, until=FEB, reason="活动扶持")
    report = creator_report(creator=creator)
    assert report["override"] == {"level": 3, "reason": "活动扶持", "until": "2027-02", "by": "ops1"}
    assert report["level"] == 3 and report["level_history"][-1]["reason"] == "override"


def test_the_portal_shows_the_level_set_by_operations_with_its_explanation(client, ops, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    creator = with_login(creator_at_level(1), "carol")
    hold(creator, 1)
    set_(creator, ops, level=3, until=FEB)
    client.force_login(creator.user)

    home, center = text(client.get("/")), text(client.get("/levels/"))

    assert "运营设定 · 至 2027-02" in home and "运营设定 · 至 2027-02" in center
    assert "LV3" in home and "本月底前完成" not in home  # held by operations: not at risk this month
    assert "粉丝量" in center  # the level's explanation still lists its requirement rows


@pytest.mark.django_db(transaction=True)
def test_two_operators_setting_one_creator_at_once_set_it_once(django_user_model):
    creator = creator_at_level(0, external_id="c-race")
    ops = [django_user_model.objects.create_user(f"ops-{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def post(n: int) -> None:
        try:
            barrier.wait()
            set_(creator, ops[n], level=n + 2, until=DEC, request_id=f"form-{n}")
            results.append("ok")
        except ApplicationError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["ok", "override_open"]
    assert LevelOverride.objects.count() == LevelChange.objects.count() == AuditLog.objects.count() == 1
    assert level(creator) == LevelOverride.objects.get().level
