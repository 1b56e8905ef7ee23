"""The daily index in the admin: shown for support, written only by the job."""

import pytest
from django.contrib.auth.models import User

from insights.models import DailyIndex

from .support import DAY, creator

pytestmark = pytest.mark.django_db


def test_the_admin_lists_the_index_read_only(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    row = DailyIndex.objects.create(creator=creator("c-admin"), date=DAY, composite=61.5, reach=70.0)

    listing = client.get("/admin/insights/dailyindex/")
    page = client.get(f"/admin/insights/dailyindex/{row.pk}/change/")

    assert listing.status_code == 200 and "c-admin" in listing.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get("/admin/insights/dailyindex/add/").status_code == 403
    assert client.post(f"/admin/insights/dailyindex/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DailyIndex.objects.filter(pk=row.pk).exists()
