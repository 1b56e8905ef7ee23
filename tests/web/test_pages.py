"""The web shell: sign-in, sign-out, who may open the home page, language switch and base template."""

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.test import Client

from creators.models import Creator

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="xiaoming", password="correct-horse-1")


def test_login_page_renders_in_chinese(client: Client) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body
    assert "巨量星图" in body


def test_wrong_password_shows_chinese_error(client: Client, user) -> None:
    response = client.post(LOGIN_URL, {"username": "xiaoming", "password": "wrong"})

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_redirects_home(client: Client, user) -> None:
    response = client.post(LOGIN_URL, {"username": "xiaoming", "password": "correct-horse-1"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_follows_next(client: Client, user) -> None:
    response = client.post(LOGIN_URL, {"username": "xiaoming", "password": "correct-horse-1", "next": "/benefits/"})

    assert response["Location"] == "/benefits/"


def test_login_ignores_next_to_another_site(client: Client, user) -> None:
    response = client.post(
        LOGIN_URL, {"username": "xiaoming", "password": "correct-horse-1", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_login_form_keeps_next(client: Client) -> None:
    response = client.get(LOGIN_URL, {"next": "/levels/"})

    assert 'name="next" value="/levels/"' in response.content.decode()


def test_anonymous_home_redirects_to_login(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/"


def test_home_refuses_a_user_who_is_not_a_creator(client: Client, user) -> None:
    # The home page is the creator's level card; anyone else gets the portal's 403 page with a way out.
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 403
    assert "这个页面只对达人开放" in response.content.decode()


def test_home_shows_the_creators_level_card(client: Client, user) -> None:
    Creator.objects.create(external_id="c-1001", nickname="小明爱做饭", user=user)
    client.force_login(user)

    body = client.get("/").content.decode()

    assert "小明爱做饭" in body
    assert "距 LV1 还差" in body
    assert 'href="/levels/"' in body
    assert 'href="/benefits/"' in body


def test_console_link_only_for_operators(client: Client, user) -> None:
    client.force_login(user)
    assert 'href="/console/"' not in client.get("/").content.decode()

    user.groups.add(Group.objects.get(name="operators"))

    assert 'href="/console/"' in client.get("/").content.decode()


def test_current_section_is_marked_in_nav(client: Client, user) -> None:
    client.force_login(user)

    body = client.get("/").content.decode()

    assert re.search(r'<a href="/"\s+aria-current="page"[ >]', body)


def test_logout_by_post_signs_out(client: Client, user) -> None:
    client.force_login(user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session


def test_logout_refuses_get(client: Client, user) -> None:
    # Django 5 signs out on POST only, so a link (or a prefetch) cannot sign anyone out.
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_language_switch_to_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302

    body = client.get(LOGIN_URL).content.decode()

    assert '<html lang="en">' in body
    assert "Sign in" in body
    assert "Password" in body
    assert "登录达人等级" not in body


def test_english_wrong_password_error_is_english(client: Client, user) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})

    body = client.post(LOGIN_URL, {"username": "xiaoming", "password": "wrong"}).content.decode()

    assert "Please enter a correct" in body


def test_security_headers(client: Client) -> None:
    response = client.get(LOGIN_URL)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_carry_htmx_csrf_header(client: Client, user) -> None:
    # Set once on <body>, so every htmx POST (claim, refresh) passes CsrfViewMiddleware.
    client.force_login(user)

    body = client.get("/").content.decode()

    match = re.search(r"""<body[^>]*hx-headers='\{"x-csrftoken": "([A-Za-z0-9]+)"\}'""", body)
    assert match, "the CSRF header for htmx is missing from <body>"


def test_base_template_loads_vendored_assets(client: Client) -> None:
    body = client.get(LOGIN_URL).content.decode()

    assert 'href="/static/css/app.css"' in body
    assert 'src="/static/vendor/htmx.min.js"' in body
    # Every address the page loads is this site's (a random CSRF token may spell "cdn": not looked at).
    loaded = re.findall(r'(?:src|href)="([^"]*)"', body)
    assert loaded and all(url.startswith(("/", "#")) for url in loaded), loaded


@pytest.mark.parametrize(
    ("path", "marker"),
    [("vendor/htmx.min.js", "htmx"), ("css/app.css", "--brand: #fe2c55")],
)
def test_static_files_are_found(path: str, marker: str) -> None:
    found = finders.find(path)

    assert found, f"{path} is not found by the staticfiles finders"
    with open(found, encoding="utf-8") as f:
        assert marker in f.read()
