"""Answering permission questions in one query (``settings.AUTHENTICATION_BACKENDS``).

Every console page asks ``has_perm`` a dozen times (its own permission, then ``can`` for the action
buttons). Django's model backend answers the first by loading all of the user's permissions in two
queries the ORM builds anew on each request (their own, their groups'), which cost a console page more
than its own data. ``PermissionsBackend`` loads the same set in one hand-written query
(``lib.perms.held``) and keeps it where the model backend keeps it, ``user._perm_cache``.

It is listed before ``ModelBackend`` and answers only permission questions: it signs nobody in (no
``get_user``), so signing in and the sessions already open stay the model backend's, unchanged. A
question it answers "no" goes on to ``ModelBackend``, which finds the set in its cache and asks the
database nothing; with the same set, both give Django's answers (an inactive or anonymous user holds
nothing, an active superuser everything, ``has_perm`` on an object nothing from either).
tests/console/test_backends.py compares the answers with ``ModelBackend`` alone.

A page that reads something else from the database on every view (a kept page's fingerprint) reads it in
the same query (``permissions_load``).
"""

from collections.abc import Sequence

from lib.perms import held, held_and


def permissions_load(user, expression: str, params: Sequence) -> object:
    """Load ``user``'s permissions into the cache the backends answer from, with the value of
    ``expression`` (``lib.perms.held_and``), which is returned."""
    permissions, value = held_and(user, expression, params)
    if user.is_active and not user.is_anonymous:
        user._perm_cache = permissions
    return value


class PermissionsBackend:
    def authenticate(self, request, **credentials) -> None:
        """Signs nobody in: ``ModelBackend`` checks passwords."""
        return None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        """As ``ModelBackend.get_all_permissions`` (the same cache), loaded in one query."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = held(user_obj)
        return user_obj._perm_cache

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj=obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return user_obj.is_active and any(
            perm[: perm.index(".")] == app_label for perm in self.get_all_permissions(user_obj)
        )
