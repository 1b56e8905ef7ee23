"""Audit rows are append-only in PostgreSQL itself (creators.append_only): an UPDATE or DELETE of a
committed row is refused whoever sends it, while the writing transaction may still fill its own row in,
and deleting a user or a creator still nulls their id on the rows (SET_NULL). And the uniqueness check
of ``levels.invariants``, which the database's constraint otherwise keeps from ever firing."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from benefits.models import Entitlement
from creators.models import AuditLog, Creator
from creators.services import audit_action, audit_target
from levels import jobs
from levels.invariants import entitlement_unique
from levels.models import JobRun
from tests.builders import AT, creator_at_level

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def row() -> AuditLog:
    """A row written as every operator action writes it: inserted, then filled in, in one transaction."""
    creator = creator_at_level(1)
    actor = User.objects.create_user("ops", password="pw")
    with audit_action(actor=actor, action="test.action", reason="为了测试", request_id="r1") as audit:
        audit_target(audit, creator, creator_id=creator.pk)
        audit.after = {"done": True}
    return AuditLog.objects.get(pk=audit.pk)


def test_the_writer_fills_its_row_in(row):
    assert (row.target_type, row.after) == ("creators.Creator", {"done": True})


CHANGES = {
    "update reason": lambda pk: AuditLog.objects.filter(pk=pk).update(reason="改过"),
    "update after": lambda pk: AuditLog.objects.filter(pk=pk).update(after={"done": False}),
    "null actor and more": lambda pk: AuditLog.objects.filter(pk=pk).update(actor=None, reason="改过"),
    "delete": lambda pk: AuditLog.objects.filter(pk=pk).delete(),
}
RAW = ("UPDATE creators_auditlog SET action = 'x' WHERE id = %s", "DELETE FROM creators_auditlog WHERE id = %s")


def raw(sql: str):
    def run(pk: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])

    return run


def test_a_committed_row_cannot_be_changed_or_deleted(row):
    for name, change in [*CHANGES.items(), *((sql, raw(sql)) for sql in RAW)]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change(row.pk)
            pytest.fail(f"{name} was not refused")
    assert AuditLog.objects.get(pk=row.pk).reason == "为了测试"


def test_deleting_the_actor_or_the_creator_nulls_their_ids(row):
    User.objects.filter(pk=row.actor_id).delete()
    Creator.objects.filter(pk=row.creator_id).delete()

    kept = AuditLog.objects.get(pk=row.pk)
    assert (kept.actor_id, kept.creator_id, kept.reason) == (None, None, "为了测试")


def test_an_entitlement_granted_twice_is_named():
    """With the unique constraint dropped (in a transaction rolled back), a second row is counted."""
    creator_at_level(2)
    jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
    assert entitlement_unique()["violations"] == 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE benefits_entitlement DROP CONSTRAINT entitlement_unique_period")
        twin = Entitlement.objects.first()
        twin.pk = None
        twin.save()
        assert entitlement_unique()["violations"] == 1
        transaction.set_rollback(True)
    assert entitlement_unique()["violations"] == 0
