"""Settings for the Xingtu creator-level portal.

Everything that differs between a laptop, CI and production comes from the environment (see the
Configuration table in README.md). The defaults give a bare machine a working run: SQLite under
``var/`` and a broker-less Celery (kombu's filesystem transport). Production sets ``DATABASE_URL``,
``REDIS_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``; with ``DEBUG`` off a missing ``SECRET_KEY`` stops
the start-up instead of running with a guessable key.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.log_settings import logging_config

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
    "csp",
    "template_partials.apps.SimpleAppConfig",
    "django_celery_beat",
    "axes",
    "django_prometheus",
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
    # First and last: django-prometheus' request metrics (count, latency, status) around everything else.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request's trace id (X-Request-ID) for every log line of the request, and on the answer.
    "config.request_id.TraceIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-htmx's request.htmx, noting which HX-* headers a view read: they go into Vary.
    "config.middleware.HtmxVaryMiddleware",
    # Cache-Control: private, no-store on every answer to a signed-in user.
    "config.middleware.PrivateCacheMiddleware",
    # Last but the metrics: turns a sign-in that django-axes refused into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
                # While a kept page draws (``lib.kept``), the CSRF token is a hole filled per answer.
                "lib.kept.holes",
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
KEPT_PAGES = env.int("KEPT_PAGES", default=1000)  # kept per process while exact (``lib.kept``); 0: none
# Seconds clients' views are held per process before their impressions are written together; 0: at once
IMPRESSIONS_FLUSH_SECONDS = env.float("IMPRESSIONS_FLUSH_SECONDS", default=5.0)
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
# AxesStandaloneBackend first: it refuses a locked-out username+IP before any password is checked.
# console.backends.PermissionsBackend before ModelBackend: it loads a user's permissions in one query,
# where ModelBackend (which signs users in and keeps their sessions) finds them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "console.backends.PermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# --- Security ---------------------------------------------------------------------------------------
# Production runs HTTPS behind a reverse proxy that sets X-Forwarded-Proto (and X-Forwarded-For, see
# TRUSTED_PROXY_COUNT below) and overwrites any such header a client sent; Django trusts both. With DEBUG
# off, `manage.py check --deploy --fail-level WARNING` passes once SECRET_KEY, ALLOWED_HOSTS,
# CSRF_TRUSTED_ORIGINS, SECURE_HSTS_SECONDS and SECURE_SSL_REDIRECT are set (README.md "Production",
# tests/web/test_deploy_check.py); everything else below follows from them. No check is silenced.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Secure cookies carry the __Host- prefix: browsers then take them only over HTTPS, for this exact host
# (no Domain attribute) and path /, so a sibling subdomain can neither plant nor overwrite the session or
# the CSRF cookie. Browsers drop a __Host- cookie that is not Secure, so the plain-HTTP DEBUG=1 run
# (`make run`, http://127.0.0.1) and the tests keep Django's plain names. Switching a live site to
# secure cookies renames them once: everyone signs in again.
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A load balancer probes /healthz over plain HTTP inside the network: never redirect it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# Only sent once SECURE_HSTS_SECONDS > 0. Subdomains are covered (the site's cookies are host-only anyway,
# and no subdomain of the portal's host is meant to serve plain HTTP); preload only asks for the browsers'
# list, a submission to hstspreload.org is still a separate, deliberate step. Either may be turned off.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), enforced in every environment, DEBUG included, so a page that breaks
# it breaks in `make run` and in the browser tests too. Nothing is inline: no <script> blocks, no style=
# attributes, no event-handler attributes, no hx-on (htmx's config in base.html turns eval off); scripts and
# styles come from static/ only. docs/ui.md "Content-Security-Policy" says how to keep pages within it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
    },
}
# Browser features no page here uses, turned off for the page and anything it could embed
# (config.permissions_policy writes the header).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Sign-in throttling (django-axes) ---------------------------------------------------------------------
# A username that fails AXES_FAILURE_LIMIT times in a row from one IP address is locked for that address
# for AXES_COOLOFF_MINUTES: even the right password is refused (429, registration/locked.html), other
# users and the same user from another address sign in as usual. Another failure while locked starts the
# cool-off again; a successful sign-in clears the count. Applies to /accounts/login/ and /admin/login/
# alike (both go through django.contrib.auth.authenticate). Failures are logged (logger ``axes``, username
# and IP, never the password) and kept in axes' AccessAttempt table; an operator lifts a lock in the
# console (登录锁定, audited) or the admin. Locking by username alone would let anyone lock a creator out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 1:
    # 0 would lock every first attempt, or lock for ever (axes' "permanent" mode, which only an operator ends).
    raise ImproperlyConfigured(
        f"AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1, got {AXES_FAILURE_LIMIT} and "
        f"{AXES_COOLOFF_MINUTES}."
    )
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.signin_locked"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = []  # the logs name the username and IP address; the password never appears
AXES_DISABLE_ACCESS_LOG = True  # keep failures (AccessAttempt), not a row per successful sign-in
# Not verbose: no banner on every process start (commands print JSON), and a log line names the username and
# IP address the lock is counted by, not the user agent too.
AXES_VERBOSE = False
# How many reverse proxies append to X-Forwarded-For in front of Django: 0 (the default, and `make run`)
# uses the socket's address; 1 for one nginx/ingress that sets `X-Forwarded-For $proxy_add_x_forwarded_for`,
# whose last entry is then the client. Entries further left are the client's own claims and never used.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Celery -------------------------------------------------------------------------------------
# With REDIS_URL the broker is Redis. Without it the worker and beat still run, through kombu's
# filesystem transport under var/celery: no broker server is needed for `make run`.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DATA_DIR = VAR_DIR / "celery"
# Tasks are acknowledged when they end (acks_late), and a task whose pool process died (SIGKILL, the
# OOM killer) is put back at once (reject_on_worker_lost): chunks and steps are idempotent, so running
# one again is safe. A whole worker lost (its main process too) cannot put anything back: Redis hands
# the unacknowledged task to another worker after the visibility timeout. It must outlast the longest
# task (the hard time limit below, 60 min) or a task still running would be run twice, and the longest
# countdown (retries wait at most 10 min): 65 min. Until then the reconciler may take the run over
# earlier (JOB_STALE_MINUTES of silence). tests/faults/test_worker_killed.py sets a few seconds.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=65 * 60)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A Redis that does not answer (host down, not refusing) fails a send in 2 s instead of hanging the
    # request that started a run; the run then waits for the broker (levels.dispatch).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT, "socket_connect_timeout": 2}
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
ASSESS_CHUNK_SIZE = env.int("ASSESS_CHUNK_SIZE", default=5000)  # creators per chunk task
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
# LOG_FORMAT=json: one JSON object a line (time, level, logger, message, exception, trace_id, task_id and
# any extra field; lib/logs.py), for a log shipper. text: a line for a person. json unless DEBUG.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))
# The worker logs through LOGGING above, not Celery's own handler (which would drop the JSON and the ids).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Who may read /metrics (config/metrics.py): addresses or networks, comma-separated.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
