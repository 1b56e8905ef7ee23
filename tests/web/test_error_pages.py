"""The error pages a visitor can meet — 404, the CSRF refusal, 403, 400 and 500 — are the product's own:
in the visitor's language, styled by the site's stylesheet (Django's built-in pages are English, and the
CSRF one styles itself inline, which the CSP blocks), readable on a phone, with a way back home."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

ADVICE = {
    "zh-hans": {404: "页面不存在", "csrf": "页面已过期", 403: "没有权限", 400: "请求有误"},
    "en": {404: "Page not found", "csrf": "This page has expired", 403: "No permission", 400: "Bad request"},
}


def assert_own_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert "/static/css/app." in body  # app.css, or its hashed name in production
    assert 'name="viewport"' in body
    assert "<style" not in body and " style=" not in body  # nothing the CSP would block
    assert 'href="/"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_unknown_address_gets_the_products_404(client: Client, settings, language: str) -> None:
    settings.DEBUG = False

    response = client.get("/no-such-page/", headers={"accept-language": language})

    assert_own_page(response, 404, ADVICE[language][404])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_form_posted_without_its_token_gets_the_products_csrf_page(settings, language: str) -> None:
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    form = {"username": "x", "password": "y"}

    response = client.post("/accounts/login/", form, headers={"accept-language": language})

    assert_own_page(response, 403, ADVICE[language]["csrf"])
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_403_and_400_pages(language: str) -> None:
    request = RequestFactory().get("/")
    with translation.override(language):
        forbidden = defaults.permission_denied(request, PermissionDenied())
        bad = defaults.bad_request(request, SuspiciousOperation())

    assert_own_page(forbidden, 403, ADVICE[language][403])
    assert_own_page(bad, 400, ADVICE[language][400])
