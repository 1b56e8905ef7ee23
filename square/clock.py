"""The square's notion of "now", in one place so tests can move it: the rotation of the day, the
30-day activity window and the leaderboards' day all follow it."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
