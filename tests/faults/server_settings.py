"""The settings of the web server tests/faults starts: production's (DEBUG off, so errors get the 500
page), with static files served from the source folders (no collectstatic in a test)."""

from config.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
