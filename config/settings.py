"""Meeting Records settings: one module, configured by the environment.

Development defaults are safe and obvious; with DEBUG off the app refuses to start
without a real SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-development-only-key-not-for-production"
    else:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "bootstrap",
    "fontawesomefree",
    "django_otp",
    "config.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp, named in the reader's language
    "config.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "config.apps.LockoutsConfig",  # axes
    "core",
    "outbox",
    "members",
    "meetings",
    "materials",
    "rectification",
    "reports",
    "notices",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivatePagesNoStoreMiddleware",
    "core.outage.DatabaseCheckMiddleware",  # the sign-in page says at once when the database is down
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "members.sessions.SessionTimeoutMiddleware",
    "members.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "members.middleware.AuditRefusalsMiddleware",
    "members.middleware.PrivatePageCacheMiddleware",  # signed-in pages kept until the records change
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "config.urls"

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

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
# Connections are kept open (the notice page is 3x faster than with CONN_MAX_AGE=0).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must take two saves at once: a write transaction takes the write lock when
    # it begins (IMMEDIATE), so a second writer waits up to `timeout` seconds instead of failing with
    # "database is locked" halfway through; WAL lets pages be read while someone writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, otherwise per-process memory. Redis is a speed-up, not a
# dependency (core.cache): while it is down or hung every cache call is a miss, costing at most
# CACHE_CONNECT_TIMEOUT / CACHE_TIMEOUT seconds once per CACHE_RETRY_SECONDS per process.
# Sessions live in the database; with Redis they are cached there (cached_db), never in one
# process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mr"),
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("CACHE_CONNECT_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("CACHE_TIMEOUT", "0.5")),
                "RETRY_AFTER": float(os.environ.get("CACHE_RETRY_SECONDS", "5")),
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "meeting-records",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The dashboard, a meeting's record, the ledger and the material editor are kept in each server's
# memory per user until the records change (members.pagecache); PRIVATE_PAGE_CACHE=0 switches it off.
PRIVATE_PAGE_CACHE = env_bool("PRIVATE_PAGE_CACHE", default=True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "public:home"

# Sign-in lockout (django-axes): LOGIN_FAILURE_LIMIT failures lock the account, and the address,
# for LOGIN_LOCKOUT_MINUTES; unlock in the admin (Access attempts). The address is REMOTE_ADDR;
# X-Forwarded-For is believed only from TRUSTED_PROXIES (addresses or networks, e.g. 10.0.0.2,10.1.0.0/16).
AUTHENTICATION_BACKENDS = ["members.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_MINUTES / 60  # hours, as a float
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # locked for the stated minutes, not longer
AXES_CLIENT_IP_CALLABLE = "members.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "members.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are recorded as members.AuditEvent

# Two-factor sign-in (django-otp) for superusers, staff, publishers and secretaries. On by default in
# production; REQUIRE_2FA=0 behind an intranet's single sign-on.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Meeting Records")

# Signed-in sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS in all
# (members.sessions.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_MAX_HOURS", "8")) * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# Internationalisation: English and Simplified Chinese.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
STORAGES = {
    # MEDIA_ROOT; files follow their transaction, a full disk is a message on the form (core/uploads.py).
    "default": {"BACKEND": "core.uploads.PrivateStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (run collectstatic); plain files in development and tests.
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded files (materials, evidence) live outside any public URL and are served
# only through views that check permission.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "private-media"))
MEDIA_URL = "/private-media/"  # never routed: files go out only through permission-checking views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# An attendance sheet posts four fields a member (Django's default of 1,000 refused a sheet of 250
# members with a bare 400): 1,000 members and 100 other attendees fit.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Several app servers: MEDIA_ROOT on a volume they all mount (the default), or MEDIA_STORAGE=s3 for
# S3-compatible object storage (core/object_storage.py): private objects, read only by the app's
# permission-checked views; keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (read by boto3).
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "core.object_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # e.g. MinIO, Ceph, a cloud's S3
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),  # a key prefix inside the bucket
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for most S3 look-alikes
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE is 'filesystem' (the default) or 's3'.")

# HTTP caching of the public pages served to anonymous readers (notices/cache.py): browsers keep a
# page PUBLIC_HTTP_MAX_AGE seconds, shared caches (nginx, a CDN) PUBLIC_HTTP_S_MAXAGE, and may serve
# it up to PUBLIC_HTTP_STALE_WHILE_REVALIDATE seconds older while they fetch it anew. Revalidation is
# cheap: the ETag and Last-Modified follow the publication generation, and a match is a 304.
PUBLIC_HTTP_MAX_AGE = int(os.environ.get("PUBLIC_HTTP_MAX_AGE", "60"))
PUBLIC_HTTP_S_MAXAGE = int(os.environ.get("PUBLIC_HTTP_S_MAXAGE", "300"))
PUBLIC_HTTP_STALE_WHILE_REVALIDATE = int(os.environ.get("PUBLIC_HTTP_STALE_WHILE_REVALIDATE", "600"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default, SMTP from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "meeting-records@localhost")
# Emails go through the outbox (outbox.sending): written with the change, sent by
# `manage.py send_outbox --loop`; each SMTP step waits at most EMAIL_TIMEOUT seconds, and a message
# is given up (and shown failed in the admin) after OUTBOX_MAX_ATTEMPTS attempts.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# History is a record, not an editor: reverting would bypass the services (status, version, search, cache).
SIMPLE_HISTORY_REVERT_DISABLED = True

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Security headers. HTTPS: redirect plain HTTP (SECURE_SSL_REDIRECT=0 where the proxy redirects) and
# tell browsers to come back over HTTPS only (HSTS, SECURE_HSTS_SECONDS; 0 turns it off). Behind a
# proxy the app believes its X-Forwarded-Proto: the proxy must set it (and drop the client's).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe the app directly, over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to the browsers' built-in lists that is slow to take back: left to the operator.
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True": deliberately off
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), in every environment so the browser tests see it: only this
# site's own scripts, styles and images (plus data: images such as inline SVG QR codes); no inline
# script, no inline style, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # One style attribute is allowed, by its hash: django-simple-history's admin history page
        # has <p class="paginator" style="border-top: 0">. No other style attribute is.
        "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Security events (members.audit) log their message as a JSON object: one JSON line per event.
        "audit": {
            "format": '{"time": "%(asctime)s", "level": "%(levelname)s", "logger": "%(name)s", "event": %(message)s}',
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "audit": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "audit"},
    },
    "loggers": {
        "meeting_records.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
