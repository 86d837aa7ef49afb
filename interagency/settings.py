"""Interagency settings, read from the environment only.

Every setting a deployment may change is an environment variable, listed in
the README's configuration table. Without DEBUG, a missing SECRET_KEY stops
start-up with a clear message instead of running with a guessable key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from interagency.core.env import env_bool, env_list, mailers_from_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("INTERAGENCY_DATA_DIR", Path.cwd() / "var"))

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("INTERAGENCY_TESTING", default=False)

# The demo keeps a random key in its data folder, so every command run against
# that folder (issue-token, the worker, cron commands) signs with the same key.
SECRET_KEY_FILE = DATA_DIR / "secret_key"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            f"or keep one in {SECRET_KEY_FILE} (`interagency demo` writes it there)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "interagency.core",
    "interagency.tenancy",
    "interagency.accounts",
    "interagency.audit",
    "interagency.catalogue",
    "interagency.people",
    "interagency.delivery",
    "interagency.records",
    "interagency.notifications",
    "interagency.evaluation",
    "interagency.local_statistics",
    "interagency.finance",
    "interagency.regional",
    "interagency.annual_reports",
    "interagency.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "interagency.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "interagency.urls"
WSGI_APPLICATION = "interagency.wsgi.application"

# Select boxes written without a template per option (county-sized agency lists).
FORM_RENDERER = "interagency.core.form_rendering.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "interagency.core.context_processors.service",
                "interagency.tenancy.navigation.navigation",
            ],
        },
    },
]

# Databases. SQLite is the embedded default: WAL lets readers run beside the
# writer, IMMEDIATE transactions take the write lock up front so a second
# writer waits (busy timeout) instead of failing with "database is locked";
# the backend has writers queue for their turn rather than poll for the lock
# (interagency/core/sqlite_backend/base.py).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Writer turns need flock (Linux, macOS); elsewhere Django's own backend.
            "ENGINE": "interagency.core.sqlite_backend"
            if hasattr(os, "fork")
            else "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "interagency.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (large people imports): Django's tasks framework with the
# database backend; run the worker with `interagency db_worker` (see README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests that do not test hashing use MD5.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Sessions end after two idle hours: every request pushes the expiry on.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 2 * 60 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling: five failures for one email from one address locks that
# pair for fifteen minutes (axes keeps lockouts for ever without a cool-off).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ADMIN = False

# Two-factor: partnership coordinators must use TOTP; others may.
INTERAGENCY_ENFORCE_ADMIN_2FA = env_bool("INTERAGENCY_ENFORCE_ADMIN_2FA", default=True)
OTP_TOTP_ISSUER = "Interagency"

# Email. EMAIL_URL picks the mailer: smtp://user:pass@host:587?tls=1,
# smtps://host:465, console://, file:///path/to/dir.
MAILERS = mailers_from_url(os.environ.get("EMAIL_URL", "console://"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Interagency <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people use to reach the service; emails link to pages under it.
# The demo keeps the address it serves on in its data folder (as it keeps its key),
# so commands run there by hand link to the demo's port.
SITE_URL_FILE = DATA_DIR / "site_url"
SITE_URL = os.environ.get("SITE_URL", "")
if not SITE_URL and SITE_URL_FILE.is_file():
    SITE_URL = SITE_URL_FILE.read_text(encoding="utf-8").strip()
SITE_URL = (SITE_URL or "http://localhost:8000").rstrip("/")

LANGUAGE_CODE = "en-gb"
# How long a mail sender's claim on a batch lasts without renewal: a sender killed
# mid-batch has its messages sent by the next run once this has passed.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", 30))
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Source maps (11 MB of the API docs' JavaScript) are fetched only by a
# browser's developer tools: compressing them took most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Security headers. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER
# through INTERAGENCY_BEHIND_PROXY.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not (DEBUG or TESTING))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("INTERAGENCY_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# The email's uniqueness is case-insensitive, enforced by a functional unique
# constraint (Lower("email")) that this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
