"""Ledger rows for the console's read-only pages: entitlements, cards, recommendations, dispatches,
DOU+ credits, cases, messages, level changes, assessments and audit rows, each built directly."""

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from benefits.models import (
    Benefit,
    BenefitKind,
    CardIssue,
    CardStatus,
    CaseStatus,
    ClientRecommendation,
    DouPlusCredit,
    Entitlement,
    EntitlementStatus,
    ExtraDispatch,
    FeaturedCase,
    GuaranteeCard,
)
from creators.models import AssistantMessage, AuditLog, Creator, SubmissionTask
from levels.models import Assessment, CreatorLevel, JobRun, LevelChange

_n = count(1)


def creator(level: int | None = None, **fields) -> Creator:
    """A bare creator; ``level`` gives them a level row (None: no row, which reads as LV0)."""
    n = next(_n)
    fields = {"external_id": f"c-{n}", "nickname": f"达人{n}", "region": "上海", "industries": ["美食"], **fields}
    made = Creator.objects.create(**fields)
    if level is not None:
        CreatorLevel.objects.create(creator=made, level=level, since=timezone.now() - timedelta(days=40))
    return made


def entitlement(
    who: Creator,
    code: str,
    *,
    period: str,
    quantity: int = 1,
    delivered: int = 0,
    status: str = EntitlementStatus.PENDING,
    overdue: bool = False,
    closed: bool = False,
) -> Entitlement:
    return Entitlement.objects.create(
        creator=who,
        benefit=Benefit.objects.get(code=code),
        kind=BenefitKind.BASIC,
        level=3,
        period=period,
        quantity=quantity,
        delivered=delivered,
        status=status,
        overdue=overdue,
        granted_at=timezone.now() - timedelta(days=5),
        closed_at=timezone.now() if closed else None,
    )


def card(who: Creator, *, expires_at: datetime, status: str = CardStatus.ACTIVE, manual: bool = False) -> GuaranteeCard:
    source = {}
    if manual:
        source["issue"] = CardIssue.objects.create(reason="活动补发", per_creator=1, issued_at=timezone.now())
    else:
        source["entitlement"] = entitlement(who, "guarantee_card", period=f"c{next(_n)}", status="delivered")
    return GuaranteeCard.objects.create(
        creator=who,
        serial=1,
        amount=Decimal("50"),
        status=status,
        issued_at=timezone.now() - timedelta(days=1),
        expires_at=expires_at,
        **source,
    )


def case(who: Creator, *, status: str = CaseStatus.PENDING) -> FeaturedCase:
    owner = entitlement(who, "featured_case", period=f"f{next(_n)}", status=EntitlementStatus.CLAIMED)
    return FeaturedCase.objects.create(
        creator=who,
        entitlement=owner,
        title="案例",
        link="https://example.com/v",
        recommendation="好",
        status=status,
        submitted_at=timezone.now(),
    )


def recommendation(who: Creator) -> ClientRecommendation:
    owed = entitlement(
        who, "client_recommendation", period=f"r{next(_n)}", status=EntitlementStatus.DELIVERED, delivered=1
    )
    return ClientRecommendation.objects.create(
        entitlement=owed, creator=who, client_name="某美妆品牌", recommended_on=timezone.localdate(), channel="phone"
    )


def dispatch(who: Creator) -> ExtraDispatch:
    owed = entitlement(who, "extra_dispatch", period=f"d{next(_n)}", quantity=2, delivered=1)
    task = SubmissionTask.objects.create(code=f"task-{next(_n)}", title="优质任务")
    DouPlusCredit.objects.create(creator=who, entitlement=owed, missing=1, amount=20, created_at=timezone.now())
    return ExtraDispatch.objects.create(entitlement=owed, creator=who, task=task, dispatched_at=timezone.now())


def message(who: Creator) -> AssistantMessage:
    return AssistantMessage.objects.create(creator=who, kind="card", title=f"消息{next(_n)}", created_at=timezone.now())


def run(job: str, *, at: datetime, status: str = JobRun.Status.DONE, period: str = "2026-11") -> JobRun:
    return JobRun.objects.create(
        job=job,
        period=period,
        key=f"k{next(_n)}",
        at=at,
        status=status,
        started_at=at,
        finished_at=at if status == JobRun.Status.DONE else None,
    )


def change(who: Creator, *, run: JobRun | None, from_level: int, to_level: int, failed=()) -> LevelChange:
    return LevelChange.objects.create(
        creator=who,
        run=run,
        at=run.at if run else timezone.now(),
        from_level=from_level,
        to_level=to_level,
        reason="monthly",
        failed=list(failed),
    )


def assessment(who: Creator, *, run: JobRun, qualified: int | None) -> Assessment:
    return Assessment.objects.create(
        run=run, creator=who, previous_level=0, level=qualified or 0, qualified_level=qualified
    )


def audit(who: Creator, actor=None) -> AuditLog:
    return AuditLog.objects.create(creator=who, actor=actor, action="card.issue", reason="测试")
