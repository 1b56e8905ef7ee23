"""Values the base template needs on every page."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    """`nav_section`: the first path segment ("" on the home page), to mark the current nav link.
    `is_operator`: whether to show the 运营后台 link. It is a callable so templates that never ask
    cost no query; Django calls it on first use, and `cache` keeps the answer for the request."""
    user = getattr(request, "user", None)

    @cache
    def is_operator() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return user.is_superuser or user.groups.filter(name=settings.OPERATORS_GROUP).exists()

    return {"nav_section": request.path.strip("/").split("/", 1)[0], "is_operator": is_operator}
