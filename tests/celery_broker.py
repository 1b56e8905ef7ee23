"""Helpers for the tests that go through a real broker instead of eager tasks."""

from kombu import pools

from config.celery_app import app


def reconnect() -> None:
    """Drop the cached connections (the app's and kombu's process-wide pools, which hand a closed pool
    back for the same URL) so the next use reads the broker configuration afresh."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
