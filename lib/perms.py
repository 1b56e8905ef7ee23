"""One permission question in one query: ``user.has_perm(permission)`` without loading all of the user's
permissions. Django's model backend (the only one configured besides django-axes' gate) answers
``has_perm`` by loading every permission the user has, their own and their groups', in two queries; a page
that asks one question (the navigation's 运营后台 link on every page) asks it here, alone or as an
expression of a query it makes anyway. Same answer: an inactive user holds nothing, a superuser everything,
anyone else what they or one of their groups were given."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from lib.sql import column, table


@cache
def _exists_sql() -> str:
    """The question as SQL (parameters: app label, codename, user id twice), written once per process from
    the auth models' tables: as the ORM builds it, the query took six times as long to build as to run."""
    user_model = get_user_model()
    perm, kind = Permission, ContentType
    direct, member, granted = user_model.user_permissions.through, user_model.groups.through, Group.permissions.through
    return (
        f"EXISTS (SELECT 1 FROM {table(perm)} p INNER JOIN {table(kind)} c"
        f" ON c.{column(kind, 'id')} = p.{column(perm, 'content_type')}"
        f" WHERE c.{column(kind, 'app_label')} = %s AND p.{column(perm, 'codename')} = %s AND ("
        f"EXISTS (SELECT 1 FROM {table(direct)} d WHERE d.{column(direct, 'permission')} = p.{column(perm, 'id')}"
        f" AND d.{column(direct, 'user')} = %s)"
        f" OR EXISTS (SELECT 1 FROM {table(member)} m INNER JOIN {table(granted)} g"
        f" ON g.{column(granted, 'group')} = m.{column(member, 'group')}"
        f" WHERE m.{column(member, 'user')} = %s AND g.{column(granted, 'permission')} = p.{column(perm, 'id')})))"
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
