"""``lib.sql.execute_prepared``: a statement PostgreSQL plans once per connection answers as the plain
statement does, in one round trip each time, and survives what a session lives through (a rollback, a
new connection)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from creators.models import Creator
from lib.sql import execute_prepared

pytestmark = pytest.mark.django_db(transaction=True)  # the test closes its connection
SQL = 'SELECT "nickname", %s + 1 FROM "creators_creator" WHERE "external_id" = %s'


def run(sql: str, params: list) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        rows = cursor.fetchall()
    return rows, [q["sql"] for q in captured]


def test_prepared_once_per_connection_and_answering_as_the_plain_statement() -> None:
    Creator.objects.create(external_id="p-1", nickname="甲")
    Creator.objects.create(external_id="p-2", nickname="乙")
    postgres = connection.vendor == "postgresql"
    first, sent = run(SQL, [1, "p-1"])
    assert first == [("甲", 2)] and len(sent) == 1
    assert sent[0].startswith("PREPARE ") == postgres
    for params, expected in (([41, "p-2"], [("乙", 42)]), ([0, "none"], [])):
        rows, sent = run(SQL, params)
        assert rows == expected and len(sent) == 1
        assert sent[0].startswith("EXECUTE ") == postgres
    with pytest.raises(ZeroDivisionError), transaction.atomic():  # a rollback keeps the session's statements
        run(SQL, [1, "p-1"])
        raise ZeroDivisionError
    assert run(SQL, [1, "p-1"])[0] == first
    connection.close()  # a new session prepares it again
    rows, sent = run(SQL, [1, "p-1"])
    assert rows == first and sent[0].startswith("PREPARE ") == postgres
