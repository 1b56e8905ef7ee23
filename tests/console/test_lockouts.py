"""登录锁定 (/console/lockouts/): the username+IP pairs locked by too many failed sign-ins; an operator lifts
one, audited; a viewer sees the list without the button and is refused the action; the admin's delete
goes through the same service."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from creators.models import AuditLog
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db

URL = "/console/lockouts/"
PASSWORD = "correct-horse-1"


@pytest.fixture
def locked(django_user_model, settings):
    """``creator`` locked from 203.0.113.7 by real failed sign-ins (from a browser of its own)."""
    user = django_user_model.objects.create_user("creator", password=PASSWORD)
    creator = creator_at_level(2, external_id="c-locked")
    creator.user = user
    creator.save(update_fields=["user"])
    guesser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/accounts/login/", {"username": "creator", "password": "nope"}, REMOTE_ADDR="203.0.113.7")
    return AccessAttempt.objects.get()


def sign_in(client):
    return client.post("/accounts/login/", {"username": "creator", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")


def request_id(page) -> str:
    body = page.content.decode()
    return body.split('name="request_id" value="', 1)[1].split('"', 1)[0]


def test_the_page_lists_locked_pairs_only(operator_client, locked, settings):
    AccessAttempt.objects.create(username="typo", ip_address="198.51.100.1", failures_since_start=1,
                                 user_agent="x", attempt_time=timezone.now())  # fmt: skip

    response = operator_client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "creator" in body and "203.0.113.7" in body
    assert "198.51.100.1" not in body  # one failure is no lock
    assert "解除锁定" in body


def test_an_expired_lock_is_not_listed(operator_client, locked, settings):
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    assert "203.0.113.7" not in operator_client.get(URL).content.decode()


def test_unlocking_lets_the_right_password_in_and_writes_one_audit_row(client, operator, locked):
    assert sign_in(client).status_code == 429
    failures = AccessAttempt.objects.get().failures_since_start  # the refused right password counts too
    client.force_login(operator)
    page = client.get(URL)

    response = client.post(f"{URL}{locked.pk}/unlock/", {"request_id": request_id(page)})

    assert response.status_code == 302 and response["Location"] == URL
    assert not AccessAttempt.objects.exists()
    row = AuditLog.objects.get()
    assert (row.action, row.actor, row.target_type, row.target_id) == (
        "signin.unlock",
        operator,
        "axes.AccessAttempt",
        str(locked.pk),
    )
    assert row.creator.external_id == "c-locked"
    assert row.before["username"] == "creator" and row.before["ip_address"] == "203.0.113.7"
    assert row.before["failures"] == failures == 11
    client.logout()
    assert sign_in(client).status_code == 302


def test_the_same_form_posted_twice_acts_once(operator_client, locked):
    rid = request_id(operator_client.get(URL))
    operator_client.post(f"{URL}{locked.pk}/unlock/", {"request_id": rid})

    again = operator_client.post(f"{URL}{locked.pk}/unlock/", {"request_id": rid}, follow=True)

    assert again.status_code == 200
    assert AuditLog.objects.count() == 1
    assert "这次提交已经处理过了" in again.content.decode()


def test_an_unknown_lock_is_refused_and_writes_nothing(operator_client):
    response = operator_client.post(f"{URL}999999/unlock/", {"request_id": "r-1"}, follow=True)

    assert "这条登录锁定已经解除或已过期" in response.content.decode()
    assert not AuditLog.objects.exists()


def test_a_viewer_sees_the_lock_without_the_button_and_is_refused(viewer_client, locked):
    page = viewer_client.get(URL)
    assert page.status_code == 200
    assert "203.0.113.7" in page.content.decode() and "解除锁定" not in page.content.decode()

    response = viewer_client.post(f"{URL}{locked.pk}/unlock/", {"request_id": "r-1"})

    assert response.status_code == 403
    assert AccessAttempt.objects.exists() and not AuditLog.objects.exists()


def test_the_admin_unlock_goes_through_the_service(client, superuser, locked):
    client.force_login(superuser)

    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    row = AuditLog.objects.get()
    assert (row.action, row.actor, row.target_id) == ("signin.unlock", superuser, str(locked.pk))


def test_the_admin_delete_page_goes_through_the_service(client, superuser, locked):
    client.force_login(superuser)

    response = client.post(f"/admin/axes/accessattempt/{locked.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert AuditLog.objects.get().action == "signin.unlock"


def test_the_list_filters_by_username(operator_client, locked):
    AccessAttempt.objects.create(username="someone-else", ip_address="198.51.100.9", failures_since_start=10,
                                 user_agent="x", attempt_time=timezone.now())  # fmt: skip

    body = operator_client.get(URL, {"username": "creator"}).content.decode()

    assert "203.0.113.7" in body and "198.51.100.9" not in body


def test_the_creator_page_says_the_account_is_locked_and_links_to_the_locks(operator_client, locked):
    body = operator_client.get("/console/creators/c-locked/").content.decode()

    assert "登录已锁定 · 1 个 IP" in body
    assert f'href="{URL}?username=creator"' in body


def test_the_creator_page_says_nothing_once_the_lock_is_lifted(operator_client, locked):
    AccessAttempt.objects.all().delete()

    assert "登录已锁定" not in operator_client.get("/console/creators/c-locked/").content.decode()
