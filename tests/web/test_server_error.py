"""The 500 page: Django's ``server_error`` renders templates/500.html with no request context, so it
must need nothing — no database query, no context processor — and it speaks the visitor's language
(tests/faults/test_database_dropped.py shows it served when the database connection is gone)."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.parametrize(
    ("language", "title", "advice"),
    [("zh-hans", "服务暂时出错", "请稍后刷新重试"), ("en", "Something went wrong", "reload it in a moment")],
)
def test_the_500_page_needs_no_database(language, title, advice):
    """No ``django_db`` mark: pytest-django refuses any database access here."""
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert title in body and advice in body
    assert 'name="viewport"' in body  # a phone gets a readable page
