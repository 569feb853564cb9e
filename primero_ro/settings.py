"""Settings, read from the environment (12-factor).

Every variable is typed; a bad value stops the process with a message naming the
variable, so that a misconfigured deployment never starts half-working.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Demo mode (`make run`): DEBUG off, so that people trying the demo see the project's own
# translated error pages (never Django's debug page listing every URL), with the local
# conveniences of DEBUG: a generated secret key, localhost, plain HTTP cookies, static
# files served by WhiteNoise from the source folders (no collectstatic). Never in production.
DEMO = env_bool("DEMO", False)
if DEMO and DEBUG:
    raise ImproperlyConfigured("DEMO: demo mode runs with DEBUG off; set only one of them")
LOCAL = DEBUG or DEMO

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured("SECRET_KEY: required when DEBUG is off")
    # A local development key, kept out of the repository and stable across restarts
    # so that runserver's reloads do not log everybody out.
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "dev_secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if LOCAL else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",  # before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_filters",
    "django_htmx",
    "csp",
    "django_countries",  # translated country names for nationality/destination (ro, uk)
    "import_export",
    "accounts",
    "lookups",
    "audit",
    "cases",
    "registration",
    "referrals",
    "reporting",
    "imports",
    "information",  # the information sheet for families (issue 15, docs/data-protection.md)
    "emergency",  # emergency access to a case (issue 15, docs/data-protection.md)
    "home",  # composes the apps above (home page, demo data): apps import downwards only
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # faults: a read retried once on a dropped connection, else a translated 503 page.
    "primero_ro.db_faults.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files are served pre-compressed before this), above every
    # middleware that writes a body; the CSP header is set above it, on the way out.
    "primero_ro.middleware.CompressPagesMiddleware",
    "primero_ro.middleware.RefuseNulMiddleware",  # before the session is read
    # accounts: background requests do not push the idle timeout (accounts/idle.py).
    "accounts.idle.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "primero_ro.middleware.NoStoreWhenSignedInMiddleware",
    # accounts: a logged-in user's stored language (accounts/language.py).
    "accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # accounts: the absolute session lifetime, then the second factor (docs/security.md).
    "accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "primero_ro.urls"
WSGI_APPLICATION = "primero_ro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

try:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
except Exception as exc:  # django-environ raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL: cannot be used ({exc})") from None
# django-environ passes an unknown scheme through as an engine name; we run on these two.
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured(
        "DATABASE_URL: expected postgres://user:password@host:port/name or sqlite:///path, "
        f"got the scheme {env.str('DATABASE_URL').split(':', 1)[0]!r}"
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
# faults: a persistent connection that PostgreSQL dropped (a restart) is tested at the start
# of the next request and reopened, instead of failing that request (docs/faults.md).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

# The bulk import relies on bulk_create() setting primary keys, which PostgreSQL always
# does and SQLite from 3.35 (RETURNING); refuse an older SQLite rather than carry a fallback.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import sqlite3

    if sqlite3.sqlite_version_info < (3, 35):
        raise ImproperlyConfigured(
            f"DATABASE_URL: SQLite {sqlite3.sqlite_version} is too old, 3.35 or newer is needed"
        )
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}

# A PostgreSQL streaming replica for the reads that may lag a little (reports, dashboard
# figures): cases/replica.py says which, primero_ro/db_router.py routes them. Unset: no
# replica alias, everything on the primary (docs/operations.md, "Read replica").
if env.str("DATABASE_REPLICA_URL", default=""):
    try:
        DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    except Exception as exc:  # django-environ raises several types for a malformed URL
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL: cannot be used ({exc})") from None
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL: expected postgres://user:password@host:port/name, "
            f"got the scheme {env.str('DATABASE_REPLICA_URL').split(':', 1)[0]!r}"
        )
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL: a replica needs a PostgreSQL DATABASE_URL"
        )
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["primero_ro.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering (INCLUDE) columns of the case-list index are a PostgreSQL speed-up; SQLite
# builds the same index without them, which is fine for the quick start.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a period without activity: tablets are shared at border points.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
# In the database (every replica sees every session), the expiry written about once a
# minute rather than on every request (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ...and, however active, this long after the login (accounts.middleware): a session
# carried from one shift to the next, or stolen, does not last for ever.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)

# The client's address: REMOTE_ADDR, or, behind this many reverse proxies that each append
# to X-Forwarded-For, the address the outermost trusted proxy saw (audit.log.client_ip).
# 0 (the default) reads no header at all: a client can write any header it likes.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Login lockout (django-axes, accounts/lockout.py). A (username, address) pair is locked
# after AXES_FAILURE_LIMIT failures, so one person's typos behind a border post's router do
# not lock their colleagues out, and nobody can lock an account from elsewhere; an address
# is only throttled after LOGIN_ADDRESS_FAILURE_LIMIT failures on any usernames (guessing).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.PairAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "audit.log.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.typed_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# A lockout ends AXES_COOLOFF_MINUTES after the failure that caused it, as the lockout page
# says; more attempts during it do not push the end further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-step login (django-otp, accounts/two_factor.py): required for county and country
# coordinators and superusers; for field workers when this is on.
OTP_REQUIRED_FOR_FIELD_WORKERS = env_bool("OTP_REQUIRED_FOR_FIELD_WORKERS", False)
OTP_TOTP_ISSUER = "Primero RO"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's key or QR code
OTP_BACKUP_CODE_COUNT = 10

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ro")
LANGUAGES = [("ro", _("Romanian")), ("uk", _("Ukrainian")), ("en", _("English"))]
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(f"LANGUAGE_CODE: expected ro, uk or en, got {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ro", "uk")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Bucharest")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Demo (and DEBUG): WhiteNoise serves static files straight from the apps and static/.
WHITENOISE_USE_FINDERS = LOCAL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not LOCAL)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Celery: without a broker, tasks run in-process (the SQLite quick start).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL and CELERY_BROKER_URL.split("://", 1)[0] not in ("redis", "rediss"):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL: expected redis://host:port/db, got {CELERY_BROKER_URL.split('://', 1)[0]!r}"
    )
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# reporting: with eager tasks, a report is built on a thread after the response rather than
# inside the request, so the demo shows the progress page as production does
# (reporting/background.py). Tests that flip Celery to eager keep building in the request.
EAGER_REPORTS_IN_BACKGROUND = env_bool("EAGER_REPORTS_IN_BACKGROUND", not CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # reporting: the national full and public reports of the quarter just ended.
    "quarterly-national-reports": {
        "task": "reporting.tasks.build_quarterly_national_reports",
        "schedule": __import__("celery.schedules").schedules.crontab(
            minute=0, hour=3, day_of_month=1, month_of_year="1,4,7,10"
        ),
    },
}

# accounts: sessions idle past their expiry are deleted once a day.
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {
    "task": "accounts.tasks.clear_expired_sessions",
    "schedule": 24 * 60 * 60,
}

# Retention (issue 15, docs/data-lifecycle.md): closed cases are anonymised this many days
# after their closure by the daily beat job and `manage.py apply_retention`.
RETENTION_AFTER_CLOSURE_DAYS = env_int("RETENTION_AFTER_CLOSURE_DAYS", 1825, minimum=1)
CELERY_BEAT_SCHEDULE["apply-retention"] = {
    "task": "cases.tasks.apply_retention",
    "schedule": 24 * 60 * 60,
}

# Cache: shared by the web and Celery processes when Redis is configured, so that a
# lookup edited in the admin reaches every process without a restart (lookups/registry.py).
# CACHE_URL (redis://host:port/db), else the broker's Redis; local memory without either.
CACHE_URL = env.str("CACHE_URL", default="") or CELERY_BROKER_URL
if CACHE_URL and CACHE_URL.split("://", 1)[0] not in ("redis", "rediss"):
    raise ImproperlyConfigured(
        f"CACHE_URL: expected redis://host:port/db, got {CACHE_URL.split('://', 1)[0]!r}"
    )
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's, keeping one Redis client per process (primero_ro/redis_cache.py).
            "BACKEND": "primero_ro.redis_cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "primero",
            # A Redis that does not answer costs a page one second, not a hang.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered page fragments that depend on no one's data (the blank registration form of a
# county in a language, registration.views.blank_form_key; the menu's links of a role on a
# page, templates/includes/nav.html), kept by each process: a new release's processes
# start without them, so no template of an older release is served.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 400},
}

# faults: report jobs under broker and worker faults (docs/faults.md). A build that has not
# stepped forward for this long has lost its worker: the sweep below queues it again (at
# most three times) and the report page offers Retry.
REPORT_HEARTBEAT_TIMEOUT_SECONDS = env_int("REPORT_HEARTBEAT_TIMEOUT_SECONDS", 60, minimum=10)
CELERY_BEAT_SCHEDULE["requeue-stalled-reports"] = {
    "task": "reporting.tasks.requeue_stalled_reports",
    "schedule": 60,
}
# With Redis down, a request gives up sending after ~2 s and says so (rather than a 500
# after ~20 s): connecting is bounded, and sending is retried twice only.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}

# E-mail notifications (issue 12, docs/work-queues.md). EMAIL_URL as django-environ reads
# it: smtp+tls://user:password@host:587, smtps://..., consolemail:// (print them). The
# demo prints them; production sends through SMTP (localhost:25 unless EMAIL_URL says).
_EMAIL_SCHEMES = (
    "smtp",
    "smtps",
    "smtp+tls",
    "smtp+ssl",
    "consolemail",
    "filemail",
    "memorymail",
    "dummymail",
)
_email_url = env.str("EMAIL_URL", default="") or (
    "consolemail://" if LOCAL else "smtp://localhost:25"
)
if _email_url.split("://", 1)[0] not in _EMAIL_SCHEMES or "://" not in _email_url:
    raise ImproperlyConfigured(
        f"EMAIL_URL: expected one of {', '.join(s + '://' for s in _EMAIL_SCHEMES)}, "
        f"got {_email_url.split('://', 1)[0]!r}"
    )
globals().update(env.email_url_config(_email_url))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Primero RO <noreply@localhost>")
# The address of the site in e-mail links (no request to take it from in a Celery task).
SITE_URL = env.str("SITE_URL", default="") or (
    (CSRF_TRUSTED_ORIGINS or ["http://127.0.0.1:8000" if LOCAL else ""])[0]
    or (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "http://localhost")
)
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL: expected https://host, got {SITE_URL!r}")
# The to-do count in the navigation runs on every page: kept this long per user, and
# forgotten when something changes for them (cases/todo.py).
TODO_COUNT_SECONDS = env_int("TODO_COUNT_SECONDS", 60)
# The dashboards' figures of a county are kept until a case there changes (a new version,
# reporting/dashboard.py); this bounds how long a version bump lost to a Redis outage at
# the moment of a change could leave them behind.
DASHBOARD_FIGURES_SECONDS = env_int("DASHBOARD_FIGURES_SECONDS", 3600)
CELERY_BEAT_SCHEDULE["follow-up-digests"] = {
    "task": "cases.tasks.queue_follow_up_digests",
    "schedule": __import__("celery.schedules").schedules.crontab(minute=30, hour=6),
}
CELERY_BEAT_SCHEDULE["pending-notifications"] = {
    "task": "cases.tasks.queue_pending_notifications",
    "schedule": 15 * 60,
}

# Emergency access ("break the glass", docs/data-protection.md): how long a grant lets its
# holder read a case outside their scope.
EMERGENCY_ACCESS_HOURS = env_int("EMERGENCY_ACCESS_HOURS", 3, minimum=1)

# Record-level exports (docs/data-protection.md): encrypted zips under MEDIA_ROOT/exports/,
# deleted this long after they were made by an hourly beat job (or `manage.py purge_exports`).
EXPORT_LIFETIME_HOURS = env_int("EXPORT_LIFETIME_HOURS", 24, minimum=1)
CELERY_BEAT_SCHEDULE["purge-expired-exports"] = {
    "task": "imports.tasks.purge_expired_exports",
    "schedule": 60 * 60,
}

# imports: an upload holds many children's personal data; one not imported is deleted this
# long after it was made, and the values of every older job's error list are blanked
# (imports/upload_retention.py, docs/data-lifecycle.md).
IMPORT_UPLOAD_LIFETIME_HOURS = env_int("IMPORT_UPLOAD_LIFETIME_HOURS", 72, minimum=1)
CELERY_BEAT_SCHEDULE["forget-old-import-uploads"] = {
    "task": "imports.tasks.forget_old_uploads",
    "schedule": 60 * 60,
}

# Statistics: counts below this are suppressed in the public report.
REPORT_SUPPRESSION_THRESHOLD = env_int("REPORT_SUPPRESSION_THRESHOLD", 5, minimum=1)

# Largest upload accepted by the import page, checked before the file is read.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security: production defaults, relaxed only for local development.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not LOCAL)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not LOCAL)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if LOCAL else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL
SECURE_HSTS_PRELOAD = not LOCAL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Never log SQL parameters: they hold children's names.
        "django.db.backends": {"level": "WARNING", "propagate": True},
    },
}

# Content-Security-Policy (django-csp 4): scripts only from our static files (or an inline
# script carrying the request's nonce, `request.csp_nonce`); no 'unsafe-inline' and no
# 'unsafe-eval' for scripts. Styles keep 'unsafe-inline': templates and the SVG charts use
# style attributes, and htmx inserts its indicator style. Test settings add 'unsafe-eval'
# only for Playwright's string predicates (tests/browser).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Error reporting (optional): production errors go to a Sentry-compatible service when
# SENTRY_DSN is set, scrubbed of personal data (primero_ro/error_reporting.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN and not SENTRY_DSN.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SENTRY_DSN: expected https://key@host/project")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
if SENTRY_DSN:
    from .error_reporting import init_error_reporting

    init_error_reporting(SENTRY_DSN, SENTRY_ENVIRONMENT, SENTRY_RELEASE)
