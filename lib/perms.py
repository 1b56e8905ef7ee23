"""Permission questions in one query each, with Django's answers: an inactive user holds nothing, a superuser
everything, anyone else what they or one of their groups were given. ``held``: every permission of a user
(Django's model backend reads them in two queries; ``console.backends`` answers ``has_perm`` from this).
``holds``: one question, for a page that asks only that (the navigation's 运营后台 link on every page),
alone or — ``granted_sql``, ``granted_expression`` — as an expression of a query the page makes anyway."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from lib.sql import column, table


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
def _named_sql() -> str:
    """Every permission as ``app_label`` and ``codename``: what the questions below select from."""
    perm, kind = Permission, ContentType
    return (
        f"SELECT c.{column(kind, 'app_label')}, p.{column(perm, 'codename')} FROM {table(perm)} p"
        f" INNER JOIN {table(kind)} c ON c.{column(kind, 'id')} = p.{column(perm, 'content_type')}"
    )


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
    if not user.is_active or user.is_anonymous:
        return set()
    sql, params = _named_sql(), []
    if not user.is_superuser:
        sql, params = f"{sql} WHERE p.{column(Permission, 'id')} IN ({_granted_ids_sql()})", [user.pk, user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}
