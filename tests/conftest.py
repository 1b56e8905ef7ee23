"""Fixtures shared by every test package."""

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.test import TestCase

# Playwright's sync API keeps its event loop marked as running in the main thread from the first
# browser test to the end of the session, so Django's async-safety check would refuse every ORM
# call after it (test bodies, live_server's flush), browser test or not. Tests are the one place
# where that check guards nothing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Every browser test runs Debian's Chromium (never a Playwright download). The extra flags
    keep it from reaching out to the network, which this machine's closed network refuses."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """Browse as a creator in mainland China would: Chinese first (Chromium defaults to en-US, which
    LocaleMiddleware would honour), in Shanghai time."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """Where browser tests save their screenshots: ``$SCREENSHOTS_DIR`` (relative to the project
    folder), by default the ignored ``test-results/screenshots/`` so a test run leaves the tree clean.
    ``make screenshots`` points it at the tracked ``docs/screenshots/`` to refresh them on purpose."""
    folder = ROOT / os.environ.get("SCREENSHOTS_DIR", "test-results/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# What the data migrations write, each function idempotent: operators group, rule set, benefit
# catalogue (and its English), beat schedule.
MIGRATION_DATA = (
    ("console.permissions", "groups_sync"),  # what console migration 0001 runs
    ("levels.migrations.0002_seed_rule_set", "seed"),
    ("benefits.migrations.0002_seed_catalogue", "seed"),
    ("benefits.migrations.0005_catalogue_wording", "forwards"),
    ("benefits.migrations.0007_catalogue_english_texts", "english"),
    ("levels.schedule", "beat_schedule_sync"),  # what migration 0004 runs
    ("square.migrations.0002_listing_refresh_schedule", "schedule_add"),
    ("levels.migrations.0014_prune_history_schedule", "schedule_add"),
)


@pytest.fixture(autouse=True)
def _cold_rules() -> None:
    """Every test starts as a fresh process would: no rules kept from another test's rule sets."""
    from levels.rules import forget_read_only_rules

    forget_read_only_rules()


@pytest.fixture(autouse=True)
def _no_kept_pages() -> None:
    """Every test starts as a fresh process would: no page kept from another test (``lib.kept``)."""
    from lib import kept

    kept.clear()


@pytest.fixture(autouse=True)
def _no_impressions_held() -> Iterator[None]:
    """Every test starts and ends holding no page view's impressions (``insights.impressions``): another
    test's would be written into this one's database, and a test's into none at the process's exit."""
    from insights.impressions import impressions_forget

    impressions_forget()
    yield
    impressions_forget()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Every test starts in the site's language, as a fresh thread would: a request before it may have left
    another active (``LocaleMiddleware`` activates the browser's and nothing deactivates it)."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _migration_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (races, browser journeys) end with a flush that empties what the data
    migrations wrote, and ``serialized_rollback`` cannot bring it back once Playwright has started
    (its event loop makes asgiref hand out a fresh connection without the serialized copy). So before
    each transactional test the data migrations' functions run again; they skip what exists."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        migration_data_seed()
        return
    # pytest may order a database test after a transactional one (its fixture grouping outranks
    # pytest-django's sort), so that flush can precede it too: restore the data if it is gone.
    if marker or "db" in request.fixturenames:
        request.getfixturevalue("db")
    elif not issubclass(getattr(request.node, "cls", None) or object, TestCase):
        return
    with request.getfixturevalue("django_db_blocker").unblock():
        if not django_apps.get_model("levels", "RuleSet").objects.exists():
            migration_data_seed()


def migration_data_seed() -> None:
    for module, function in MIGRATION_DATA:
        getattr(importlib.import_module(module), function)(django_apps, None)
