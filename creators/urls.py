from django.urls import path

from . import api

urlpatterns = [
    path("api/v1/ingest", api.ingest, name="api-ingest"),
]
