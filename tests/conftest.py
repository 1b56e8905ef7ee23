"""Fixtures shared by every test package."""

import os

import pytest

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
