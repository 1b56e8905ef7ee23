"""Sign-in throttling (django-axes, config/settings.py "Sign-in throttling"): a username that fails
AXES_FAILURE_LIMIT times from one IP address is locked there for the cool-off, the right password
included; other users and other addresses are not; /admin/login/ is guarded the same way; failures are
logged without the password."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "correct-horse-1"
WRONG = "wrong-password-7"


@pytest.fixture
def creator(django_user_model):
    return django_user_model.objects.create_user(username="creator", password=PASSWORD)


@pytest.fixture
def other(django_user_model):
    return django_user_model.objects.create_user(username="other", password=PASSWORD)


def fail(client: Client, times: int, *, username: str = "creator", url: str = LOGIN, ip: str = "127.0.0.1") -> None:
    for _ in range(times):
        response = client.post(url, {"username": username, "password": WRONG}, REMOTE_ADDR=ip)
        assert response.status_code in (200, 429)


def sign_in(client: Client, *, username: str = "creator", url: str = LOGIN, ip: str = "127.0.0.1"):
    return client.post(url, {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_default_limit_is_ten_failures(settings) -> None:
    # config/settings_test.py leaves the throttle as production has it.
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(client, creator, settings) -> None:
    fail(client, settings.AXES_FAILURE_LIMIT - 1)

    response = sign_in(client)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_successful_sign_in_clears_the_count(client, creator, settings) -> None:
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    sign_in(client)
    client.logout()

    fail(client, 1)

    assert sign_in(client).status_code == 302


def test_the_limit_th_failure_locks_and_the_right_password_is_refused(client, creator, settings) -> None:
    fail(client, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client)

    assert response.status_code == 429
    assert not is_signed_in(client)
    body = response.content.decode()
    assert "登录已暂时锁定" in body
    assert "请在 15 分钟后再试" in body


def test_the_lockout_page_speaks_english_too(client, creator, settings) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail(client, settings.AXES_FAILURE_LIMIT)

    body = sign_in(client).content.decode()

    assert "Sign-in temporarily locked" in body
    assert "15 minutes" in body


def test_another_user_from_the_same_address_is_not_affected(client, creator, other, settings) -> None:
    fail(client, settings.AXES_FAILURE_LIMIT)

    assert sign_in(client, username="other").status_code == 302


def test_the_same_user_from_another_address_is_not_affected(client, creator, settings) -> None:
    # The lock is per username AND address: whoever guesses from one address cannot lock the creator out
    # everywhere.
    fail(client, settings.AXES_FAILURE_LIMIT, ip="203.0.113.7")

    assert sign_in(client, ip="203.0.113.7").status_code == 429
    assert sign_in(client, ip="198.51.100.20").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, creator, settings) -> None:
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client).status_code == 429
    cool_off = settings.AXES_COOLOFF_TIME

    # The last failure a moment less than the cool-off ago: still locked.
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off + timedelta(seconds=30))
    assert sign_in(client).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))
    assert sign_in(client).status_code == 302
    assert is_signed_in(client)


def test_another_attempt_while_locked_starts_the_cool_off_again(client, creator, settings) -> None:
    fail(client, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=30))

    assert sign_in(client).status_code == 429

    assert AccessAttempt.objects.get().attempt_time > timezone.now() - timedelta(seconds=30)


def test_the_cool_off_comes_from_the_environment_setting(client, creator, settings) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=40)
    fail(client, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client)

    assert response.status_code == 429
    assert "请在 40 分钟后再试" in response.content.decode()


def test_the_admin_sign_in_is_throttled_too(client, django_user_model, settings) -> None:
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    fail(client, settings.AXES_FAILURE_LIMIT - 1, username="root", url=ADMIN_LOGIN)
    fail(client, 1, username="root", url=ADMIN_LOGIN)

    response = sign_in(client, username="root", url=ADMIN_LOGIN)

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert 'href="/admin/login/"' in response.content.decode()


def test_failures_on_the_portal_and_the_admin_add_up(client, django_user_model, settings) -> None:
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    fail(client, settings.AXES_FAILURE_LIMIT // 2, username="root", url=LOGIN)
    fail(client, settings.AXES_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT // 2, username="root", url=ADMIN_LOGIN)

    assert sign_in(client, username="root", url=ADMIN_LOGIN).status_code == 429


def test_failures_are_logged_with_username_and_address_but_never_the_password(client, creator, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="axes"):
        fail(client, 1, ip="203.0.113.7")

    failures = [r for r in caplog.records if r.name.startswith("axes") and r.levelno == logging.WARNING]
    assert failures
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert '"creator"' in text and "203.0.113.7" in text
    assert WRONG not in text and PASSWORD not in text


def test_the_lock_is_logged(client, creator, caplog, settings) -> None:
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, settings.AXES_FAILURE_LIMIT)

    assert any("Locking out" in r.getMessage() and '"creator"' in r.getMessage() for r in caplog.records)


def test_the_stored_attempt_keeps_no_password(client, creator) -> None:
    fail(client, 1)

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("creator", "127.0.0.1", 1)
    assert WRONG not in attempt.post_data


# --- The client's address behind proxies (TRUSTED_PROXY_COUNT) --------------------------------------------


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(client, creator, settings) -> None:
    # Otherwise each guess could claim a new address and never be locked.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "creator", "password": WRONG}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert sign_in(client).status_code == 429


def test_behind_one_trusted_proxy_the_address_it_appended_counts(client, creator, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The client forges the left-hand entries; the proxy appends the real address.
        client.post(
            LOGIN,
            {"username": "creator", "password": WRONG},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
        )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    locked = client.post(LOGIN, {"username": "creator", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    elsewhere = client.post(LOGIN, {"username": "creator", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert elsewhere.status_code == 302
