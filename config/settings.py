"""Settings for the Xingtu creator-level portal.

Everything that differs between a laptop, CI and production comes from the environment (see the
Configuration table in README.md). The defaults give a bare machine a working run: SQLite under
``var/`` and a broker-less Celery (kombu's filesystem transport). Production sets ``DATABASE_URL``,
``REDIS_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``; with ``DEBUG`` off a missing ``SECRET_KEY`` stops
the start-up instead of running with a guessable key.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# .env first (only when asked), so every variable below, VAR_DIR included, may come from it. Variables
# already in the environment win over the file.
env = environ.Env()
if env.bool("READ_DOT_ENV", default=False):
    environ.Env.read_env(BASE_DIR / ".env")

# Settings only name the local folders; whoever uses one creates it (`make run` the database's,
# config.celery_app the broker's), so importing the settings never writes to the disk.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me")
else:
    SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "django_celery_beat",
    "creators",
    "academy",
    "benefits",
    "insights",
    "levels",
    "portal",
    "square",
    "console",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.navigation",
                "portal.context_processors.unread",
                "console.context_processors.console",
            ],
            "builtins": ["template_partials.templatetags.partials"],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection pool per process (psycopg's, PostgreSQL only) when DB_POOL_MAX is set: a request borrows a
# connection open already and hands it back when it ends. Django then needs CONN_MAX_AGE = 0 (the pool,
# not the request, keeps connections), so that is its default with a pool, and any other value is
# refused. Measured with bench/load.py (bench/README.md "Pages under load").
DB_POOL_MIN = env.int("DB_POOL_MIN", default=1)
DB_POOL_MAX = env.int("DB_POOL_MAX", default=0)  # 0: no pool
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DB_POOL_MAX else 60)
if DB_POOL_MAX:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DB_POOL_MAX needs PostgreSQL (DATABASE_URL=postgres://…); unset it for SQLite.")
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured("CONN_MAX_AGE must be 0 with DB_POOL_MAX: the pool keeps the connections.")
    if not 0 <= DB_POOL_MIN <= DB_POOL_MAX:
        raise ImproperlyConfigured(f"DB_POOL_MIN must be between 0 and DB_POOL_MAX ({DB_POOL_MAX}), got {DB_POOL_MIN}.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": DB_POOL_MIN,
        "max_size": DB_POOL_MAX,
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),  # seconds a request waits for a connection
    }
elif env.str("DB_POOL_MIN", default=""):
    raise ImproperlyConfigured("DB_POOL_MIN has no effect without DB_POOL_MAX.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The default run serves pages while Celery writes: WAL and a busy timeout keep readers and the
    # single writer from failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# The groups of interfaces §4.1 and §5; what each may do is ``console.permissions``.
OPERATORS_GROUP = "operators"
VIEWERS_GROUP = "ops_viewers"
CLIENTS_GROUP = "clients"

# --- I18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static -------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Celery -------------------------------------------------------------------------------------
# With REDIS_URL the broker is Redis. Without it the worker and beat still run, through kombu's
# filesystem transport under var/celery: no broker server is needed for `make run`.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DJANGO_CELERY_BEAT_TZ_AWARE = True

# --- Jobs ---------------------------------------------------------------------------------------
ASSESS_CHUNK_SIZE = env.int("ASSESS_CHUNK_SIZE", default=2000)  # creators per chunk task
JOB_CHUNK_MAX_ATTEMPTS = env.int("JOB_CHUNK_MAX_ATTEMPTS", default=3)  # then the chunk and its run fail
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=30)  # a running run this quiet is resumed
RECONCILE_HORIZON_HOURS = env.int("RECONCILE_HORIZON_HOURS", default=48)  # how far back missed runs are caught up

# --- Retention (docs/scaling.md, "Retention"; applied daily by ``prune_history``, ``levels.retention``) ----
RETAIN_DAILY_CHECK_DAYS = env.int("RETAIN_DAILY_CHECK_DAYS", default=35)  # daily upgrade-check results
RETAIN_INDEX_DAYS = env.int("RETAIN_INDEX_DAYS", default=90)  # Xingtu index rows
RETAIN_IMPRESSION_DAYS = env.int("RETAIN_IMPRESSION_DAYS", default=90)  # square and leaderboard impressions
RETAIN_MESSAGE_MONTHS = env.int("RETAIN_MESSAGE_MONTHS", default=13)  # assistant messages
RETAIN_BATCH_SIZE = env.int("RETAIN_BATCH_SIZE", default=5000)  # ids per DELETE, each in its own transaction

# --- Xingtu index (docs/program.md §4) ------------------------------------------------------------
# Weight of each sub-index in the composite; they must add up to 1 (checked at start, ``insights.checks``).
# Override with JSON, e.g. XINGTU_INDEX_WEIGHTS='{"reach": 0.3, "cooperation": 0.2, ...}'.
XINGTU_INDEX_WEIGHTS = env.json(
    "XINGTU_INDEX_WEIGHTS",
    default={"reach": 0.30, "cooperation": 0.20, "growth": 0.15, "value": 0.20, "conversion": 0.15},
)

# --- Ingest -------------------------------------------------------------------------------------
# Lines per write batch. Each batch costs about twenty round trips to PostgreSQL that wait (COPY, creator
# upserts, lookups); on a busy machine each wait is a scheduling delay, so 5,000 loaded a million lines
# 20–45% faster than 2,000 for ~10 MB more memory (bench/README.md).
INGEST_BATCH_SIZE = env.int("INGEST_BATCH_SIZE", default=5000)
# POST /api/v1/ingest refuses a bigger body with 413 (docs/interfaces.md §4); bigger feeds are split or
# go through ``manage.py ingest``.
INGEST_MAX_BODY_MB = env.int("INGEST_MAX_BODY_MB", default=32)

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
