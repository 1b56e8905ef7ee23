"""The client-facing routes (interfaces §4): ``/square/`` the creator square, ``/leaderboards/`` the
leaderboards."""

from django.urls import path

from . import views

urlpatterns = [
    path("square/", views.square, name="square"),
    path("leaderboards/", views.leaderboards, name="leaderboards"),
]
