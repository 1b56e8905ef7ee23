"""Settings for the test suite: the real settings, with a throwaway secret and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_COOKIES", "false")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: threads in the race tests then meet SQLite's real locking
    # (busy timeout, IMMEDIATE transactions) as the default run does, instead of "table is locked".
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": f"{tempfile.gettempdir()}/xingtu-test-{os.getpid()}.sqlite3"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # serve from the finders: tests never run collectstatic
