"""Values the base template needs on every page."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest

from console import permissions as console_permissions
from lib.perms import holds


def navigation(request: HttpRequest) -> dict[str, object]:
    """`nav_section`: the first path segment ("" on the home page), to mark the current nav link.
    `is_operator`: whether to show the 运营后台 link (the console's view permission); `is_client`: whether
    the user is an advertiser. They are callables so templates that never ask cost no query; Django
    calls one on first use, and `cache` keeps the answer for the request."""
    user = getattr(request, "user", None)

    @cache
    def is_operator() -> bool:
        if user is None or not user.is_authenticated:
            return False
        # Read already with the page's own row when its access check could (``portal.access``).
        return holds(user, console_permissions.VIEW, granted=getattr(request, "console_view", None))

    @cache
    def is_client() -> bool:
        """An advertiser (the ``clients`` group): the pages it cannot open point it to the square."""
        if user is None or not user.is_authenticated:
            return False
        return user.groups.filter(name=settings.CLIENTS_GROUP).exists()

    return {
        "nav_section": request.path.strip("/").split("/", 1)[0],
        "is_operator": is_operator,
        "is_client": is_client,
    }
