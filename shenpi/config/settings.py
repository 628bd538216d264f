"""Shenpi settings: one module, every knob from the environment, safe demo defaults.

Environment variables (all optional):
  SHENPI_DEBUG            "1" for Django's debug pages (default off)
  SHENPI_SECRET_KEY       signing key; without it a random key is kept in var/secret_key
  SHENPI_ALLOWED_HOSTS    comma-separated host names (default 127.0.0.1,localhost)
  SHENPI_VAR_DIR          where the SQLite file, secret key and uploads live (default ./var)
  DATABASE_URL            sqlite:///path or postgres://user@host:port/name
  SHENPI_CENTRE_NAME      the service centre's name shown on pages
  SHENPI_HOTLINE          the centre's public hotline
  SHENPI_PAGE_SIZE        default page size of API lists (default 20)
  SHENPI_BEHIND_TLS_PROXY behind a TLS-ending reverse proxy: proxy header, secure cookies, HSTS, redirect
  SHENPI_PROXY_COUNT      how many proxies' X-Forwarded-For entries to trust (default 1 behind one, else 0)
  SHENPI_TOKEN_HOURS      API tokens expire after this many hours (default 8)
  SHENPI_CACHE_URL        redis://… for the shared cache (default: files in the var directory)
  SHENPI_DB_CONN_MAX_AGE  seconds a server process keeps its database connection (default 600; 0 closes
                          it after each request)
  SHENPI_DB_SERVER_BINDING     PostgreSQL: bind parameters on the server (default 1; 0 behind pgbouncer)
  SHENPI_DB_PREPARE_THRESHOLD  PostgreSQL: prepare a statement after N runs (default 5; 0 never)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(env("SHENPI_VAR_DIR", str(PROJECT_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key():
    configured = env("SHENPI_SECRET_KEY")
    if configured:
        return configured
    # No key is ever committed: the demo keeps a random one beside its database.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SHENPI_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in env("SHENPI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in env("SHENPI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shenpi.core.apps.AxesConfig",
    "shenpi.core",
    "shenpi.audit",
    "shenpi.workdays",
    "shenpi.org",
    "shenpi.catalog",
    "shenpi.cases",
    "shenpi.supervision",
    "shenpi.joint",
    "shenpi.feedback",
    "shenpi.campaign",
    "shenpi.intermediaries",
    "shenpi.portal",
    "shenpi.staff",
    "shenpi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shenpi.core.middleware.RejectBadInput",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shenpi.config.urls"
WSGI_APPLICATION = "shenpi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shenpi.org.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shenpi.sqlite3'}"),
        # Each server process keeps its connection (and its prepared statements) across
        # requests, checked before each request's first query so a restarted database is
        # reconnected rather than failing the request.
        conn_max_age=int(env("SHENPI_DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bind on the server and prepare a statement once it has run a few times: the lifecycle
    # runs the same statements all day, and parsing and planning them each time cost the
    # database more than running them (README, PostgreSQL). Off for transaction-mode poolers.
    _threshold = int(env("SHENPI_DB_PREPARE_THRESHOLD", "5"))
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": env_bool("SHENPI_DB_SERVER_BINDING", True),
        "prepare_threshold": _threshold or None,
    }
    # No JIT compilation: it pays off for long analytical queries, and a request's statements
    # are short. Past its cost threshold PostgreSQL compiled a department queue's count on 2
    # million cases for 28 ms of its 72 (bench/volume.py). SHENPI_DB_JIT=1 leaves the server's
    # own setting; behind a pooler, which refuses startup options, set jit = off on the
    # database (docs/deploy.md).
    _direct = DATABASES["default"]["OPTIONS"]["server_side_binding"]
    _options = ["-c jit=off"] if _direct and not env_bool("SHENPI_DB_JIT", False) else []
    if _threshold:  # (prepared statements need a direct connection, so the options reach the server)
        # A prepared statement keeps its parse, but is planned for its own values each time:
        # after a few runs PostgreSQL would otherwise settle on one generic plan, and for a
        # list whose rows are skewed (one reviewer with 30,000 open steps, another with three)
        # that plan read the whole list: My tasks went from 31 ms to 1.2 s on its eleventh
        # request (bench/volume.py). A list's statements plan in tens of microseconds; the pages
        # that read one case by key, whose joins plan dearer, keep generic plans (core.sql.keyed_reads).
        _options.append("-c plan_cache_mode=force_custom_plan")
    if _options:
        DATABASES["default"]["OPTIONS"]["options"] = " ".join(_options)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "shenpi.org.accounts.AddressGuardBackend",
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the staff record with the user (sessions made under
    # ModelBackend before it sign in again once).
    "shenpi.org.accounts.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (shenpi.org.accounts): per account and address together, so one person mistyping
# behind the centre's proxy does not lock out everyone; a higher limit per address alone.
AXES_FAILURE_LIMIT = int(env("SHENPI_LOGIN_FAILURE_LIMIT", "5"))
SHENPI_LOGIN_ADDRESS_LIMIT = int(env("SHENPI_LOGIN_ADDRESS_LIMIT", "50"))
AXES_COOLOFF_TIME = float(env("SHENPI_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "shenpi.org.accounts.lockout_response"
AXES_ENABLED = env_bool("SHENPI_AXES_ENABLED", True)
# How many reverse proxies stand in front (their X-Forwarded-For entries are trusted).
SHENPI_PROXY_COUNT = int(env("SHENPI_PROXY_COUNT", "1" if env_bool("SHENPI_BEHIND_TLS_PROXY") else "0"))
# The lockout reads the address as the other guards do (django-ipware, which axes would use
# for X-Forwarded-For, is not installed: without it axes reads REMOTE_ADDR, the proxy's).
AXES_CLIENT_IP_CALLABLE = "shenpi.core.throttle.address_of"

LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "portal:catalog"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root
# `shenpi serve` collects the static files and sets SHENPI_STATIC_MANIFEST: hashed, compressed
# names served by WhiteNoise with far-future caching. Otherwise (tests, the shell) they are
# served from the apps' folders as they are.
STATIC_MANIFEST = env_bool("SHENPI_STATIC_MANIFEST")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_MANIFEST
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Uploaded files (blank forms, samples, case materials) live outside the web root and are
# served only through views that check who may see them.
MEDIA_ROOT = VAR_DIR / "media"
# No URL pattern serves this prefix; only views that check permissions hand out files.
MEDIA_URL = "/_private_media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a caller without credentials is told how to authenticate (401).
        "shenpi.org.tokens.TokenAuthentication",  # knox's, reading the caller as org.store does
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "shenpi.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "shenpi.core.api.Pagination",
    "PAGE_SIZE": int(env("SHENPI_PAGE_SIZE", "20")),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shenpi.core.api.exception_handler",
}
# API tokens: hashed, expiring, revoked at logout (shenpi.org.accounts).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(env("SHENPI_TOKEN_HOURS", "8"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Counters shared by every server process (login failures per address, lookup throttles):
# Redis when SHENPI_CACHE_URL names one, otherwise files beside the database.
if env("SHENPI_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("SHENPI_CACHE_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}

# Rendered public pages (core.public): each process's memory, unless Redis is there to share them.
# They never go stale (a stamp names what they show), so a cache per process is safe.
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": "pages"} if env("SHENPI_CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shenpi-pages",
          "OPTIONS": {"MAX_ENTRIES": 2000}})

SPECTACULAR_SETTINGS = {
    "TITLE": "Shenpi 审批 · 接口文档 (API)",
    "DESCRIPTION": ("政务服务中心网上审批与电子监察接口:事项目录、工作日计算、办件受理到送达、文书。"
                    "日期为 YYYY-MM-DD,时间含时区(Asia/Shanghai);错误以 HTTP 400 返回字段和原因。\n\n"
                    "Online administrative approval and electronic supervision for a government service centre."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReformStatusEnum": "shenpi.catalog.codes.ReformStatus.choices",
        "RoleEnum": "shenpi.org.roles.Role.choices",
    },
}

# Electronic supervision: a yellow card this many working days before a due date.
SHENPI_WARNING_DAYS = int(env("SHENPI_WARNING_DAYS", "1"))
# Anomaly rule same-applicant-decider: decisions by one person for one applicant in a year.
SHENPI_SAME_APPLICANT_DECISIONS = int(env("SHENPI_SAME_APPLICANT_DECISIONS", "5"))
# A poor rating (standards.md §2): call the applicant back within these working days, and
# rectify within these (5 or 15 by province).
SHENPI_POOR_RATING_CALL_BACK_DAYS = int(env("SHENPI_POOR_RATING_CALL_BACK_DAYS", "1"))
SHENPI_POOR_RATING_RECTIFY_DAYS = int(env("SHENPI_POOR_RATING_RECTIFY_DAYS", "5"))
# Complaints (F1), in working days: accept or refuse within the first, reply within the second
# after acceptance, and extend the reply once, with reasons, by at most the third.
SHENPI_COMPLAINT_ACCEPT_DAYS = int(env("SHENPI_COMPLAINT_ACCEPT_DAYS", "2"))
SHENPI_COMPLAINT_REPLY_DAYS = int(env("SHENPI_COMPLAINT_REPLY_DAYS", "10"))
SHENPI_COMPLAINT_EXTENSION_DAYS = int(env("SHENPI_COMPLAINT_EXTENSION_DAYS", "10"))
# A rating link in an SMS is valid this many days; the window tablet rates the case its clerk
# handled within these minutes.
SHENPI_RATING_LINK_DAYS = int(env("SHENPI_RATING_LINK_DAYS", "30"))
SHENPI_TABLET_MINUTES = int(env("SHENPI_TABLET_MINUTES", "30"))
# Where applicants reach Shenpi, for links in SMS messages.
SHENPI_PUBLIC_URL = env("SHENPI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Cases delivered more than this many days ago have their notices, sent messages and history
# moved to an archive document (cases/archive.py); 0 never archives. 90 days by default: past
# the 60 days for reconsideration and the rating link's 30, and no query across cases reads a
# delivered case's history (supervision's same-applicant-decider rule counts the cases' own
# decisions). A completed case then takes about 4 KB instead of 7 after its first quarter, so a
# province's 100 million cases fit in 500 GB (bench/results/volume-archive.txt). Every page reads
# an archived case as before. SHENPI_ARCHIVE_AFTER_YEARS, the setting before, is still read.
SHENPI_ARCHIVE_AFTER_DAYS = int(env("SHENPI_ARCHIVE_AFTER_DAYS", str(365 * int(os.environ["SHENPI_ARCHIVE_AFTER_YEARS"]))
                                    if os.environ.get("SHENPI_ARCHIVE_AFTER_YEARS", "").strip().isdigit() else "90"))

# The public catalog and guides are kept rendered this long at most (core.public); they are
# dropped sooner, the moment what they show changes. SHENPI_RELEASE names the code that rendered
# them (empty: a digest of Shenpi's own files, the same on every server of one release).
SHENPI_PUBLIC_CACHE_SECONDS = int(env("SHENPI_PUBLIC_CACHE_SECONDS", "3600"))
SHENPI_RELEASE = env("SHENPI_RELEASE", "")

# The public case lookup's limits (shenpi.cases.lookup).
SHENPI_LOOKUP_LIMITS = {
    "per_address_per_minute": int(env("SHENPI_LOOKUP_PER_MINUTE", "30")),
    "failures_per_address_per_hour": int(env("SHENPI_LOOKUP_FAILURES_PER_ADDRESS", "20")),
    "failures_per_number_per_hour": int(env("SHENPI_LOOKUP_FAILURES_PER_NUMBER", "10")),
}

# Case materials: the types a centre accepts and the largest file (SHENPI_MAX_UPLOAD_MB).
SHENPI_UPLOAD_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
                       "ofd": "application/ofd"}
SHENPI_MAX_UPLOAD_BYTES = int(float(env("SHENPI_MAX_UPLOAD_MB", "10")) * 1024 * 1024)
# Dotted path of a callable(outbox_id) that delivers a message (an SMS gateway adapter); empty:
# messages stay in the outbox table.
SHENPI_SMS_SENDER = env("SHENPI_SMS_SENDER", "")

# Background work: without a broker the sweeps run in `shenpi worker`; with one, on Celery.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL

SHENPI = {
    "CENTRE_NAME": env("SHENPI_CENTRE_NAME", "衡阳市政务服务中心"),
    "HOTLINE": env("SHENPI_HOTLINE", "0734-12345"),
}

# Who may use the admin's centre pages (core.admin asks this; the roles are org's).
SHENPI_ADMIN_ACCESS = "shenpi.org.roles.is_centre_admin"

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one hand-written statement (core/sessions.py).
SESSION_ENGINE = "shenpi.core.sessions"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy that ends TLS (README, Production): trust its X-Forwarded-Proto, send
# cookies over HTTPS only, redirect plain HTTP and keep browsers on HTTPS with HSTS.
BEHIND_TLS_PROXY = env_bool("SHENPI_BEHIND_TLS_PROXY")
SESSION_COOKIE_SECURE = BEHIND_TLS_PROXY or env_bool("SHENPI_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(env("SHENPI_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SHENPI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SHENPI_HSTS_PRELOAD")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Joining the browsers' HSTS preload list is a decision about the whole domain, taken by its
# owner (SHENPI_HSTS_PRELOAD=1), not a default; its reminder is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SHENPI_LOG_LEVEL", "WARNING")},
}
