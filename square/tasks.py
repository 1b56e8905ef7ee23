"""Celery task: beat's hourly entry point for the square's listing (``square.listing``)."""

from celery import shared_task
from django.utils import timezone

from .listing import REFRESH_TASK, listing_refresh_due


@shared_task(name=REFRESH_TASK, acks_late=True)
def listing_refresh_task() -> dict | None:
    """Refresh the listing if it is not of today (a repeat within the day is a no-op)."""
    return listing_refresh_due(now=timezone.now())
