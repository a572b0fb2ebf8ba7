"""Django settings, all read from `bilat.config` so there is one place to look.

SQLite by default; set DATABASE_URL=postgres://user:pass@host:port/db for a shared deployment.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from bilat import config
from bilat.site.keys import secret_key
from bilat.site.logs import logging_config
from bilat.uploads import accepted_types

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = secret_key(
    config.get("BILAT_SECRET_KEY"), Path(config.get("BILAT_SECRET_KEY_FILE")).expanduser()
)
DEBUG = config.get("BILAT_DEBUG") == "1"
PRODUCTION = config.get("BILAT_PRODUCTION") == "1"
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("BILAT_DEBUG=1 cannot be used with BILAT_PRODUCTION=1")
    # Behind an HTTPS reverse proxy that sets X-Forwarded-Proto (and overwrites a client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
ALLOWED_HOSTS = [host.strip() for host in config.get("BILAT_ALLOWED_HOSTS").split(",")]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "bilat.web",
    "bilat.coordination.audit",
    "bilat.coordination.stakeholders",
    "bilat.coordination.events",
    "bilat.coordination.recommendations",
    "bilat.coordination.awareness",
    "bilat.coordination.desk",
    "bilat.coordination.meetings",
    "bilat.coordination.feedback",
    "bilat.coordination.outcomes",
    "bilat.coordination.limits",
]
# A form the CSRF check refuses gets the site's page (the form expired: reload it), not Django's.
CSRF_FAILURE_VIEW = "bilat.site.errors.csrf_failure"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An API endpoint refuses a query parameter it does not read (400, naming it).
    "bilat.site.api.KnownParameters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Observatory answers tagged with the warehouse version: 304 while it has not changed.
    "bilat.web.caching.WarehouseETagMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bilat.site.errors.UserErrorMiddleware",
    "csp.middleware.CSPMiddleware",
]
# A Content-Security-Policy on every answer (django-csp): scripts, styles, images and fonts
# from the site itself only, no inline script or style, no plugins, no framing, forms posted
# to the site only. No 'unsafe-eval' either: the charts' expressions are evaluated by Vega's
# interpreter rather than compiled with `Function` (`web/static/bilat/charts.js`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
ROOT_URLCONF = "bilat.site.urls"
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
            ]
        },
    }
]
WSGI_APPLICATION = "bilat.site.wsgi.application"

_database_url = config.get("DATABASE_URL")
if _database_url.startswith("sqlite:///"):
    Path(_database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers wait their turn (BEGIN IMMEDIATE, up to 20 s) instead of failing with "database
    # is locked" when two requests register at once; tests get a file too, not a shared
    # in-memory database, whose table locks do not wait.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"bilat-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
STATIC_URL = "static/"
# Static files (the site's CSS and script, the API docs' Swagger UI) are served by WhiteNoise
# from the installed packages, so `bilat serve` needs no separate web server or collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

BILAT_WAREHOUSE = config.warehouse_path()

# Coordination: who may do what (`bilat.coordination.roles`), and uploaded event documents,
# which are served through a view that checks the event is published, never as static files.
# Django's password checks (not like the user's name or address, 10 characters or more, not a
# common password, not all digits), at sign-up and in `bilat user`.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] = {"min_length": 10}  # type: ignore[assignment]
LOGIN_URL = "login"
# A link to choose a new password for a forgotten one works for 2 hours (and once: it dies
# when the password changes; `bilat.coordination.stakeholders.passwords`).
PASSWORD_RESET_TIMEOUT = 2 * 3600
LOGIN_REDIRECT_URL = "me"  # participants; editors: their start page (stakeholders.views.LogIn)
LOGOUT_REDIRECT_URL = "home"
MEDIA_ROOT = config.get("BILAT_UPLOADS")
MEDIA_URL = "/uploads/"  # editors only (the admin links there); the public use /documents/<id>/
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Documents editors may upload (`bilat.uploads`): the declared types, up to a size.
BILAT_UPLOAD_TYPES = accepted_types(config.get("BILAT_UPLOAD_TYPES"))
BILAT_UPLOAD_MAX_BYTES = int(float(config.get("BILAT_UPLOAD_MAX_MB")) * 1_000_000)

# E-mail to registrants (`BILAT_EMAIL`): the console by default, SMTP when given as a URL.
_mail = urlsplit(config.get("BILAT_EMAIL"))
if _mail.scheme in ("smtp", "smtps"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = _mail.scheme == "smtp" and EMAIL_PORT == 587  # STARTTLS, the submission port
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = config.get("BILAT_EMAIL_FROM")

# Server errors, with their traceback: to standard error or a file, and by mail (`site.logs`).
ADMINS = [(a.strip(), a.strip()) for a in config.get("BILAT_ERROR_MAIL").split(",") if a.strip()]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LOGGING = logging_config(config.get("BILAT_ERROR_LOG"), mail=bool(ADMINS))
# The site's public address, for links in e-mails and calendars (no request is at hand there).
BILAT_BASE_URL = config.get("BILAT_BASE_URL").rstrip("/")
