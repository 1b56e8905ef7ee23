"""``can``: the console actions the signed-in user may take, for showing or hiding action buttons;
``console_section``: which console page this is."""

from functools import cache

from django.http import HttpRequest

from .access import abilities


def console(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)

    @cache
    def can() -> dict[str, bool]:
        if user is None or not user.is_authenticated:
            return {}
        return abilities(user)

    # The console page's section ("" on the dashboard), to mark the current console nav link.
    parts = request.path.strip("/").split("/")
    section = parts[1] if len(parts) > 1 and parts[0] == "console" else ""
    return {"can": can, "console_section": section}
