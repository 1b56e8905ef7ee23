"""The Content-Security-Policy and Permissions-Policy headers, and what keeps pages within the policy: no
inline script or style anywhere a page's HTML comes from, htmx configured to need neither.

tests/web/test_browser_csp.py loads every page in Chromium under the policy and fails on any violation."""

import io
import json
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from config.permissions_policy import header_value
from tests.activity_builders import with_login
from tests.architecture.test_layering import ALLOWED as PACKAGES  # every package of the project
from tests.builders import creator_at_level

ROOT = Path(__file__).resolve().parents[2]
STRING_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/console/", "/admin/login/", "/healthz", "/metrics"])
def test_every_response_carries_the_enforced_policy(client: Client, path: str) -> None:
    client.force_login(with_login(creator_at_level(2)).user)

    response = client.get(path)

    assert response.status_code in (200, 302, 403), response.status_code
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)
    assert "Content-Security-Policy-Report-Only" not in response
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy.split(", ")


def test_the_policy_has_no_way_around_it() -> None:
    """No 'unsafe-inline', 'unsafe-eval', nonce, hash or other site in any directive."""
    values = [v for sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].values() for v in sources]
    assert set(values) <= {"'self'", "'none'"}
    assert not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE


def test_the_policy_is_enforced_with_debug_on_too(tmp_path: Path) -> None:
    """Read in a fresh interpreter with DEBUG=1 and the plain settings, as `make run` does."""
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/accounts/login/'); "
        "print(json.dumps([r.status_code, r.get('Content-Security-Policy'), "
        "r.get('Content-Security-Policy-Report-Only'), r.get('Permissions-Policy')]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    env = {**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path),
           "ALLOWED_HOSTS": "testserver", "READ_DOT_ENV": "0"}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=True)  # fmt: skip
    status, policy, report_only, permissions = json.loads(result.stdout)

    assert status == 200
    assert directives(policy) == directives(POLICY)
    assert report_only is None
    assert "camera=()" in permissions


@pytest.mark.parametrize(
    ("policy", "value"),
    [
        ({"camera": [], "usb": []}, "camera=(), usb=()"),
        ({"fullscreen": ["self", "https://a.example"]}, 'fullscreen=(self "https://a.example")'),
        ({"sync-xhr": ["*"]}, "sync-xhr=*"),
        ({}, ""),
    ],
)
def test_permissions_policy_header_value(policy: dict, value: str) -> None:
    assert header_value(policy) == value


def test_the_permissions_policy_turns_off_what_no_page_uses() -> None:
    assert all(origins == [] for origins in settings.PERMISSIONS_POLICY.values())
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(settings.PERMISSIONS_POLICY)


@pytest.mark.django_db
def test_htmx_is_configured_for_the_policy(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()

    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body).group(1))

    assert config == {"selfRequestsOnly": True, "allowEval": False, "allowScriptTags": False,
                      "includeIndicatorStyles": False}  # fmt: skip


# Where a page's HTML comes from: every template (its comments aside), and the string literals of Python code
# (format_html, mark_safe, SVG builders); Python comments and docstrings may name what they avoid.
TEMPLATES = sorted(
    p for p in (*ROOT.glob("*/templates/**/*.html"), *(ROOT / "templates").rglob("*.html")) if ".venv" not in p.parts
)
PYTHON = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)
SCRIPTS = sorted((ROOT / "static" / "js").rglob("*.js"))
INLINE = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["'{]"""),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event-handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']"""),
    "hx-on attribute": re.compile(r"\b(?:data-)?hx-on[:-]", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I),
    "js: value (needs eval)": re.compile(r"""hx-(?:vals|headers|vars)\s*=\s*["']\s*(?:js|javascript):""", re.I),
    "hx-trigger filter (needs eval)": re.compile(r"""hx-trigger\s*=\s*["'][^"']*\[""", re.I),
}
TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)


def markup(path: Path) -> str:
    """What of ``path`` can end up in a page: a template without its comments, Python's string literals."""
    text = path.read_text()
    if path.suffix == ".html":
        return TEMPLATE_COMMENT.sub("", text)
    strings = (t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type in STRING_TOKENS)
    return "\n".join(strings)


def inline_in(text: str) -> list[str]:
    return [what for what, pattern in INLINE.items() if pattern.search(text)]


@pytest.mark.parametrize(
    "line",
    [
        '<span style="--pct: 40%">',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<button hx-on:click="go()">',
        '<a href="javascript:go()">',
        "<div hx-vals='js:{a: 1}'>",
        "<input hx-trigger=\"keyup[key=='Enter']\">",
    ],
)
def test_the_scan_finds_each_kind_of_inline_code(line: str) -> None:
    assert len(inline_in(line)) == 1


def test_the_sources_of_pages_have_nothing_inline() -> None:
    assert len(TEMPLATES) > 30 and len(PYTHON) > 100  # the globs found the project
    found = [f"{path.relative_to(ROOT)}: {what}" for path in TEMPLATES + PYTHON for what in inline_in(markup(path))]
    assert found == []


def test_scripts_write_no_style_attribute_or_markup() -> None:
    """JS may set element.style (CSSOM, allowed) but not a style attribute or markup that carries one."""
    assert SCRIPTS
    for path in SCRIPTS:
        text = path.read_text()
        assert not re.search(r"setAttribute\(\s*[\"']style|innerHTML|insertAdjacentHTML|eval\(|new Function", text)
