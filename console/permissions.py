"""Who may do what in the console (interfaces §4.1), defined once.

Console actions check a permission, not a group: each action names the model permission of the ledger
row it writes, so the admin and the console agree on what a user may do. The groups are data: a
migration (and ``groups_sync``, safe to run again) gives ``operators`` everything below and
``ops_viewers`` only the view permissions.
"""

from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from lib.sql import column, table

# The console's pages: anyone who may view creators may look.
VIEW = "creators.view_creator"

# Each console action → the permission it needs.
FULFIL_RECOMMENDATION = "benefits.add_clientrecommendation"
ISSUE_CARDS = "benefits.add_guaranteecard"
REVOKE_CARD = "benefits.change_guaranteecard"
REVIEW_CASE = "benefits.change_featuredcase"
RECORD_DISPATCH = "benefits.add_extradispatch"
MANAGE_TOKENS = "creators.add_ingesttoken"
START_RUN = "levels.add_jobrun"
OVERRIDE_LEVEL = "levels.add_leveloverride"
CREATE_RULE_VERSION = "levels.add_ruleset"
VIEW_AUDIT = "creators.view_auditlog"
# Lifting a sign-in lock deletes django-axes' attempt row (creators.signin.lockout_release).
UNLOCK_SIGNIN = "axes.delete_accessattempt"
# Erasing a creator's personal data on request (docs/privacy.md): the row is pseudonymised, never deleted.
ERASE_CREATOR = "creators.delete_creator"

ACTIONS = {
    "fulfil_recommendation": FULFIL_RECOMMENDATION,
    "issue_cards": ISSUE_CARDS,
    "revoke_card": REVOKE_CARD,
    "review_case": REVIEW_CASE,
    "record_dispatch": RECORD_DISPATCH,
    "manage_tokens": MANAGE_TOKENS,
    "start_run": START_RUN,
    "override_level": OVERRIDE_LEVEL,
    "create_rule_version": CREATE_RULE_VERSION,
    "unlock_signin": UNLOCK_SIGNIN,
    "erase_creator": ERASE_CREATOR,
}

# Program data operators and viewers may read (the console, and the admin for support).
VIEWABLE_MODELS = {
    "creators": ["creator", "content", "order", "fansdaily", "creditdaily", "portalevent", "submissiontask",
                 "submissionentry", "quote", "assistantmessage", "auditlog", "ingesttoken"],
    "academy": ["course", "lesson", "courseprogress", "lessonview"],
    "benefits": ["benefit", "levelbenefit", "levelpackage", "entitlement", "guaranteecard", "clientrecommendation",
                 "extradispatch", "doupluscredit", "cardissue", "featuredcase"],
    "levels": ["ruleset", "levelrequirement", "rewardrequirement", "creatorlevel", "levelchange", "assessment",
               "jobrun", "jobchunk", "leveloverride"],
    "axes": ["accessattempt"],
}  # fmt: skip


def _view_permissions() -> set[str]:
    return {f"{app}.view_{model}" for app, models in VIEWABLE_MODELS.items() for model in models}


GROUPS: dict[str, set[str]] = {
    settings.OPERATORS_GROUP: _view_permissions() | set(ACTIONS.values()) | {"creators.change_ingesttoken"},
    settings.VIEWERS_GROUP: _view_permissions(),
    settings.CLIENTS_GROUP: set(),
}


@cache
def _granted_sql() -> str:
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
    """Every permission as ``app_label`` and ``codename``: what the hand-written queries below select from."""
    perm, kind = Permission, ContentType
    return (
        f"SELECT c.{column(kind, 'app_label')}, p.{column(perm, 'codename')} FROM {table(perm)} p"
        f" INNER JOIN {table(kind)} c ON c.{column(kind, 'id')} = p.{column(perm, 'content_type')}"
    )


@cache
def _holds_sql() -> str:
    """``holds``' one query, written once per process from the auth models' tables: as the ORM builds it,
    the query took six times as long to build as to run, on every page that draws the navigation."""
    perm, kind = Permission, ContentType
    return (
        f"SELECT EXISTS ({_named_sql()} WHERE c.{column(kind, 'app_label')} = %s"
        f" AND p.{column(perm, 'codename')} = %s AND p.{column(perm, 'id')} IN ({_granted_sql()}))"
    )


def holds(user, permission: str) -> bool:
    """``user.has_perm(permission)`` in one query, for a page that asks one question (the navigation's
    运营后台 link on every page), where ``held`` would read all of the user's permissions. Same answer:
    an inactive user holds nothing, a superuser everything, anyone else what they or one of their groups
    were given."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    app_label, codename = permission.split(".", 1)
    with connection.cursor() as cursor:
        cursor.execute(_holds_sql(), [app_label, codename, user.pk, user.pk])
        return bool(cursor.fetchone()[0])


def held(user) -> set[str]:
    """Every permission ``user`` holds, as ``"app_label.codename"``, in one query: what Django's model
    backend's ``get_all_permissions`` answers in two built by the ORM (``console.backends``). The same
    rules as ``holds``: an inactive user holds nothing, a superuser every permission there is."""
    if not user.is_active or user.is_anonymous:
        return set()
    sql, params = _named_sql(), []
    if not user.is_superuser:
        sql, params = f"{sql} WHERE p.{column(Permission, 'id')} IN ({_granted_sql()})", [user.pk, user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}


def groups_sync(apps, schema_editor=None) -> None:
    """Create the groups and give each exactly its permissions (a data migration runs this; running it
    again repairs a group someone edited). Permissions are created first: Django only makes them after
    all migrations have run."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # A migration's app registry has no models modules, and create_permissions skips such apps.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codes = {tuple(p.split(".")) for p in wanted}
        permissions = [
            p for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in codes
        ]  # fmt: skip
        missing = codes - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise LookupError(f"unknown permissions for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)
