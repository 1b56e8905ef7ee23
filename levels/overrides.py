"""An operator's manual level for one creator (docs/program.md §3 "Manual level override").

Setting one moves the creator at once through ``levels_move``, the path the runs' moves take, so the
history row, the lapses and the grants are those of a monthly move to that level. While the override is
in force (``levels.selectors.override_in_force``) the runs record what the rules said without moving
the creator; the first monthly run of a month after ``until`` judges them normally and closes it.
Ending one early changes no level: the level stays until a run judges the creator normally again."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from benefits.selectors import catalogue_load
from creators.messages import Link
from creators.models import Creator
from creators.services import audit_action, audit_target, messages_send_for_each
from lib.errors import ApplicationError
from lib.periods import Month

from .models import LevelOverride
from .rules import LEVELS
from .selectors import level_of
from .services import Move, levels_move

LEVEL_CHOICES = (0, *LEVELS)
REASON_MAX = LevelOverride._meta.get_field("reason").max_length
LEVEL_CENTER = Link("levels")


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("请填写原因。"), code="reason_required")
    if len(reason) > REASON_MAX:
        raise ApplicationError(_("原因最多 %(n)s 个字。") % {"n": REASON_MAX}, code="reason_too_long")
    return reason


def _locked(creator: Creator) -> None:
    """Take the creator's row lock, so two operators acting on one creator at once go one after the other."""
    Creator.objects.select_for_update().filter(pk=creator.pk).values_list("pk", flat=True).get()


def override_set(
    *, creator: Creator, level: int, reason: str, until: Month, actor, request_id: str, at: datetime
) -> LevelOverride:
    """Hold ``creator`` at ``level`` until the month ``until`` (this month or later), with a reason.

    The level held changes at once (a history row with reason ``override``, the new level's benefits
    granted and the old one's lapsed as a monthly move does), the creator is told, and one audit row
    (``level.override``, the level before and after) is written. Refused, writing nothing: a level
    outside 0–4, no reason, a past month, or an override already open (end it first)."""
    if level not in LEVEL_CHOICES:
        raise ApplicationError(_("等级须为 0–4。"), code="level_invalid")
    reason = _reason(reason)
    if until < Month.of(at):
        raise ApplicationError(_("截至月份不能早于本月。"), code="until_past")
    with audit_action(actor=actor, action="level.override", reason=reason, request_id=request_id) as row:
        _locked(creator)
        if LevelOverride.objects.filter(creator=creator, ended_at__isnull=True).exists():
            raise ApplicationError(_("这位达人已有运营设定的等级，请先结束它。"), code="override_open")
        previous = level_of(creator=creator)
        try:
            with transaction.atomic():
                override = LevelOverride.objects.create(
                    creator=creator, level=level, previous_level=previous, reason=reason, until=until.key,
                    set_by=actor, set_at=at,
                )  # fmt: skip
        except IntegrityError:  # one open override per creator, also where row locks do not serialize
            raise ApplicationError(_("这位达人已有运营设定的等级，请先结束它。"), code="override_open") from None
        if level != previous:
            levels_move(
                moves=[Move(creator.pk, previous, level, [])], at=at, run=None, catalogue=catalogue_load(), grant=True
            )
        audit_target(row, override, creator_id=creator.pk)
        row.before, row.after = {"level": previous}, {"level": level, "until": until.key}
        messages_send_for_each(
            creators=LevelOverride.objects.filter(pk=override.pk).values("creator_id"),
            text="level_override_set",
            params={"override": override.pk, "level": level, "until": until.key, "reason": reason},
            link=LEVEL_CENTER,
            at=at,
            dedupe_key="override:{override}:set:{id}",
        )
    return override


def override_end(*, creator: Creator, reason: str, actor, request_id: str, at: datetime) -> LevelOverride:
    """End the creator's open override early, with a reason: the row keeps its history (ended at, by,
    why), one audit row (``level.override_end``) and a message. The level held stays as it is; the
    next run judges the creator normally (a daily upgrade check may raise it, the monthly one decides)."""
    reason = _reason(reason)
    with audit_action(actor=actor, action="level.override_end", reason=reason, request_id=request_id) as row:
        _locked(creator)
        override = LevelOverride.objects.filter(creator=creator, ended_at__isnull=True).first()
        if override is None:
            raise ApplicationError(_("这位达人没有运营设定的等级。"), code="no_override")
        override.ended_at, override.ended_by, override.end_reason = at, actor, reason
        override.save(update_fields=["ended_at", "ended_by", "end_reason"])
        held = level_of(creator=creator)
        audit_target(row, override, creator_id=creator.pk)
        row.before = {"level": held, "override": {"level": override.level, "until": override.until}}
        row.after = {"level": held, "override": None}
        messages_send_for_each(
            creators=LevelOverride.objects.filter(pk=override.pk).values("creator_id"),
            text="level_override_ended",
            params={"override": override.pk, "level": held, "reason": reason},
            link=LEVEL_CENTER,
            at=at,
            dedupe_key="override:{override}:ended:{id}",
        )
    return override
