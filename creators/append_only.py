"""Audit rows are append-only in the database itself, not only in the pages (PostgreSQL; SQLite, the
laptop's database, has no such trigger): migration 0009 installs the trigger below, and
``levels.invariants`` checks it is in place. It refuses every DELETE, and every UPDATE except:

- by the transaction that inserted the row, before it commits (``creators.services.audit_action``
  inserts the row first, to hold the form's ``request_id``, and fills in the target and the before/after
  at the end of the same transaction): the row's ``xmin`` is then a transaction still in progress, and
  a row another transaction inserted and has not committed is invisible to this one, so only the
  writer's own rows pass;
- setting ``actor_id`` or ``creator_id`` to NULL and nothing else: the ``SET_NULL`` Django applies when
  the user or the creator is deleted.

TRUNCATE is not a row event and stays possible (the test suite empties tables with it).
"""

from django.db import connection

FUNCTION = "audit_log_append_only"
TRIGGER = "audit_log_append_only"
TABLE = "creators_auditlog"

CREATE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current bigint := txid_current();
    written bigint;
    kept {TABLE}%ROWTYPE;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- The 32-bit xmin widened to the 64-bit id nearest the current transaction's (txid_status wants it).
        written := (current & ~x'FFFFFFFF'::bigint) | (OLD.xmin::text)::bigint;
        IF written > current + 2147483648 THEN
            written := written - 4294967296;
        END IF;
        IF txid_status(written) = 'in progress' THEN
            RETURN NEW;
        END IF;
        kept := NEW;
        kept.actor_id := OLD.actor_id;
        kept.creator_id := OLD.creator_id;
        IF kept IS NOT DISTINCT FROM OLD
           AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
           AND (NEW.creator_id IS NULL OR NEW.creator_id = OLD.creator_id) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: % of % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""
DROP = f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}; DROP FUNCTION IF EXISTS {FUNCTION}();"


def trigger_installed() -> bool:
    """Whether the trigger is on the audit table and enabled (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass AND tgenabled <> 'D'",
            [TRIGGER, TABLE],
        )
        return cursor.fetchone() is not None
