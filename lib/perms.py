"""Permission questions in one query each, with Django's answers: an inactive user holds nothing, a superuser
everything, anyone else what they or one of their groups were given. ``held``: every permission of a user
(Django's model backend reads them in two queries; ``console.backends`` answers ``has_perm`` from this).
``holds``: one question, for a page that asks only that (the navigation's 运营后台 link on every page),
alone or — ``granted_sql``, ``granted_expression`` — as an expression of a query the page makes anyway."""

from collections.abc import Sequence
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from lib.sql import column, execute_prepared, table


@cache
def _granted_ids_sql() -> str:
    """The ids of the permissions given to one user (parameters: their id, twice): their own and their
    groups', as Django's model backend reads them."""
    user_model = get_user_model()
    direct, member, granted = user_model.user_permissions.through, user_model.groups.through, Group.permissions.through
    return (
        f"SELECT d.{column(direct, 'permission')} FROM {table(direct)} d WHERE d.{column(direct, 'user')} = %s"
        f" UNION ALL SELECT g.{column(granted, 'permission')} FROM {table(member)} m INNER JOIN {table(granted)} g"
        f" ON g.{column(granted, 'group')} = m.{column(member, 'group')} WHERE m.{column(member, 'user')} = %s"
    )


@cache
def _named_from() -> str:
    """Every permission (``p``) with its content type (``c``): what the questions below select from."""
    perm, kind = Permission, ContentType
    return (
        f" FROM {table(perm)} p INNER JOIN {table(kind)} c ON c.{column(kind, 'id')} = p.{column(perm, 'content_type')}"
    )


@cache
def _named_sql() -> str:
    """Every permission as ``app_label`` and ``codename``."""
    return f"SELECT c.{column(ContentType, 'app_label')}, p.{column(Permission, 'codename')}{_named_from()}"


@cache
def _exists_sql() -> str:
    """The question as SQL (parameters: app label, codename, user id twice), written once per process from
    the auth models' tables: as the ORM builds it, the query took six times as long to build as to run."""
    perm, kind = Permission, ContentType
    return (
        f"EXISTS ({_named_sql()} WHERE c.{column(kind, 'app_label')} = %s"
        f" AND p.{column(perm, 'codename')} = %s AND p.{column(perm, 'id')} IN ({_granted_ids_sql()}))"
    )


def _params(user, permission: str) -> list:
    app_label, codename = permission.split(".", 1)
    return [app_label, codename, user.pk, user.pk]


def granted_sql() -> str:
    """Whether a permission was given to a user or one of their groups, as a boolean SQL expression for the
    query a page makes anyway (its parameters: ``granted_params``; pass the answer to ``holds`` as
    ``granted``)."""
    return _exists_sql()


def granted_params(user, permission: str) -> list:
    return _params(user, permission)


def granted_expression(user, permission: str) -> RawSQL:
    """``granted_sql`` as an expression to annotate a queryset with."""
    return RawSQL(granted_sql(), granted_params(user, permission), output_field=BooleanField())


def holds(user, permission: str, *, granted: bool | None = None) -> bool:
    """``user.has_perm(permission)``: ``granted`` is ``granted_expression``'s answer when the caller read
    it with another row; without it, one query."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if granted is not None:
        return granted
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_exists_sql()}", _params(user, permission))
        return bool(cursor.fetchone()[0])


def held(user) -> set[str]:
    """Every permission ``user`` holds, as ``"app_label.codename"``, in one query: what Django's model
    backend's ``get_all_permissions`` answers in two built by the ORM (``console.backends``). The same
    rules as ``holds``: an inactive or anonymous user holds nothing, a superuser every permission there is."""
    return held_and(user, "NULL", [])[0]


def held_and(user, expression: str, params: Sequence) -> tuple[set[str], object]:
    """``held``, and the value of ``expression`` — SQL that reads no column of the permissions (a scalar
    subquery), with its parameters — read in the same query, at one snapshot: for a page that reads the
    permissions anyway and one more thing (a kept page's fingerprint, ``lib.kept``). The value is None
    where nothing is read (an inactive or anonymous user) or the user holds nothing (no row). Prepared
    once per connection: the permissions' own query is as quick to run as to plan."""
    if not user.is_active or user.is_anonymous:
        return set(), None
    columns = f"c.{column(ContentType, 'app_label')}, p.{column(Permission, 'codename')}, {expression}"
    sql, params = f"SELECT {columns}{_named_from()}", [*params]
    if not user.is_superuser:
        sql, params = f"{sql} WHERE p.{column(Permission, 'id')} IN ({_granted_ids_sql()})", [*params, user.pk, user.pk]
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        rows = cursor.fetchall()
    return {f"{app_label}.{codename}" for app_label, codename, _value in rows}, (rows[0][2] if rows else None)
