"""Production settings pass Django's deployment check with only the five variables README.md "Production"
asks for (DEBUG off): `manage.py check --deploy --fail-level WARNING` exits 0. Run in a fresh interpreter
with exactly that environment, so nothing from the test run (DEBUG, SECURE_COOKIES=false, …) leaks in."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "SECRET_KEY": "x7Lq-9vR2_mZp4Kc8Wd1-Ny6Tb3Hs0Fj5Ga8Ue2Io7Yw4Qe1Rt9Pz3Xc6Vb0Nm5",
    "ALLOWED_HOSTS": "levels.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://levels.example.com",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_SSL_REDIRECT": "true",
}


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_environment_passes_the_deploy_check() -> None:
    result = deploy_check(PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_check_fails_without_https_redirect() -> None:
    # The check itself is live: leave one variable out and it reports it.
    result = deploy_check({key: value for key, value in PRODUCTION.items() if key != "SECURE_SSL_REDIRECT"})

    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


NAMES = ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]


def settings_of(env: dict[str, str], names: list[str]) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*[getattr(settings, name) for name in {names!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_secure_cookies_carry_the_host_prefix_and_hsts_covers_subdomains() -> None:
    names = [*NAMES, "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]

    assert settings_of(PRODUCTION, names) == ["__Host-sessionid", "__Host-csrftoken", "True", "True", "True", "True"]


def test_the_local_http_run_keeps_plain_cookie_names() -> None:
    # `make run` is DEBUG=1 on http://127.0.0.1: browsers drop __Host- cookies that are not Secure.
    assert settings_of({"DEBUG": "1"}, NAMES) == ["sessionid", "csrftoken", "False", "False"]


def test_the_throttle_is_configured_from_the_environment() -> None:
    env = {"DEBUG": "1", "AXES_FAILURE_LIMIT": "5", "AXES_COOLOFF_MINUTES": "60", "TRUSTED_PROXY_COUNT": "1"}

    assert settings_of(env, ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "TRUSTED_PROXY_COUNT"]) == [
        "5",
        "1:00:00",
        "1",
    ]


def test_a_throttle_setting_that_cannot_work_stops_the_start_up() -> None:
    for name in ("AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES"):
        with pytest.raises(subprocess.CalledProcessError) as failed:
            settings_of({"DEBUG": "1", name: "0"}, ["AXES_FAILURE_LIMIT"])
        assert "must be at least 1" in failed.value.stderr
