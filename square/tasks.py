"""Celery task: beat's entry point for the square's listing and the leaderboards (``square.listing``)."""

from celery import shared_task
from django.utils import timezone

from .listing import REFRESH_TASK, refresh_due


@shared_task(name=REFRESH_TASK, acks_late=True)
def refresh_due_task() -> dict:
    """Refresh what is due (a repeat with nothing new is a no-op)."""
    return refresh_due(now=timezone.now())
