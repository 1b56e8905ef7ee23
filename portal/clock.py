"""The portal's notion of "now", in one place so tests can move it (a page is always judged at an
instant: the benefit period, the reward cycle, days left, progress)."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
