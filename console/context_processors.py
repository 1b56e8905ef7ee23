"""``can``: the console actions the signed-in user may take, for showing or hiding action buttons;
``console_nav``: the console's navigation with this page's section marked, drawn here
(eleven ``{% url %}``, ``{% if %}`` and ``{% translate %}`` cost every console page more than the rest of
its frame; tests/console/test_nav.py compares it with the template block it replaced)."""

from functools import cache

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from lib.markup import escaped

from .access import abilities

# The console's sections in the navigation's order: (route, section, label).
SECTIONS = (
    ("console:dashboard", "", gettext_lazy("概览")),
    ("console:creators", "creators", gettext_lazy("达人")),
    ("console:recommendations", "recommendations", gettext_lazy("1对1推荐")),
    ("console:cards", "cards", gettext_lazy("保底卡")),
    ("console:cases", "cases", gettext_lazy("精选案例")),
    ("console:dispatches", "dispatches", gettext_lazy("额外派发")),
    ("console:runs", "runs", gettext_lazy("任务运行")),
    ("console:rules", "rules", gettext_lazy("规则版本")),
    ("console:audit", "audit", gettext_lazy("审计日志")),
    ("console:tokens", "tokens", gettext_lazy("接入令牌")),
    ("console:lockouts", "lockouts", gettext_lazy("登录锁定")),
)
_CURRENT = ' aria-current="page"'


def navigation(section: str) -> SafeString:
    """``console/base.html``'s ``nav`` block, whitespace included, with ``section``'s link marked current."""
    links = "".join(
        f'\n  <a href="{escaped(reverse(route))}"{_CURRENT if name == section else ""}>{escaped(label)}</a>'
        for route, name, label in SECTIONS
    )
    label = escaped(gettext("运营后台导航"))
    return mark_safe(f'\n<nav class="app-nav console-nav" aria-label="{label}">{links}\n</nav>\n')  # escaped above


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

    @cache
    def nav() -> SafeString:
        return navigation(section)

    return {"can": can, "console_nav": nav}
