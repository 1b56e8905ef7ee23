"""Who may do what in the console (interfaces §4.1), defined once.

Console actions check a permission, not a group: each action names the model permission of the ledger
row it writes, so the admin and the console agree on what a user may do. The groups are data: a
migration (and ``groups_sync``, safe to run again) gives ``operators`` everything below and
``ops_viewers`` only the view permissions.
"""

from django.conf import settings

from creators.selectors import VIEW_CREATORS

# The console's pages: anyone who may view creators may look.
VIEW = VIEW_CREATORS

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
