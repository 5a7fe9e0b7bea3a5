"""Settings for the LWRS programme catalogue.

One module, configured by environment variables (see the configuration
contract in docs/design.md). Safe by default: DEBUG is off unless asked for, and a
production start without a strong secret key fails loudly.
"""

import math
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envseconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        seconds = float(value or default)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ImproperlyConfigured(
            f"{name} must be a number of seconds (0 for none), not {value!r}"
        )
    return seconds


# An origin as a CSP source: scheme, host (or "*." and a domain), optional port.
ORIGIN_PATTERN = re.compile(
    r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:(\d{1,5}|\*))?$",
    re.IGNORECASE,
)


def envorigins(name: str, default: str) -> list[str]:
    """Space-separated origins. Each goes into a CSP header as it is, so anything else
    (a path, a quote, a semicolon that would start another directive) fails loudly."""
    origins = os.environ.get(name, default).split()
    bad = [origin for origin in origins if not ORIGIN_PATTERN.match(origin)]
    if bad:
        raise ImproperlyConfigured(
            f"{name} takes origins separated by spaces, such as https://intranet.example.nhs.uk "
            f"or https://*.nhs.uk, not {bad[0]!r}"
        )
    return origins


DEBUG = envbool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "For local development set DJANGO_DEBUG=true, or use `make run`."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

# Behind a load balancer that terminates TLS, trust its X-Forwarded-Proto and
# send plain-HTTP visitors to HTTPS.
BEHIND_TLS_PROXY = envbool("DJANGO_BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = BEHIND_TLS_PROXY
# Load balancers probe over plain HTTP: a redirect would read as "unhealthy".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/live$"]

INSTALLED_APPS = [
    # Django's admin with the catalogue's own site: it asks for the second factor.
    "programmes.admin_site.CatalogueAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "programmes",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "programmes.middleware.security_headers",
    # Counts searches however the page was answered, the front's included.
    "programmes.finder.search_log.count_searches",
    # Repeat visits to cached public pages end here (programmes/cache.py).
    "programmes.cache.front_of_page_cache",
    # Before sessions and sign-in, so every answer carries them, the 503 pages that
    # the two-factor check gives when it cannot read the session included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff who signed in with a password only reach the second step (programmes/two_factor.py).
    "programmes.two_factor.second_factor_required",
    "simple_history.middleware.HistoryRequestMiddleware",
    "programmes.middleware.AdminInputGuard",
    # After the headers above, so its 503 pages carry them too.
    "programmes.middleware.DatabaseOutage",
    # Last, as django-axes asks, so it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lwrs_site.urls"
WSGI_APPLICATION = "lwrs_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programmes.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Reusing connections matters on PostgreSQL: without it throughput
        # drops several times under load. SQLite connections are cheap.
        conn_max_age=60,
        conn_health_checks=True,
    )
}

# A database that stops answering must turn into a quick stale page or a 503,
# never a request (or a gunicorn thread) that waits for ever (README, "When the
# database is slow, frozen or gone"). Each timeout is set in DATABASE_URL
# (`?connect_timeout=3&statement_timeout=5`, in seconds) or in the environment;
# 0 switches it off. Both stay well below gunicorn's timeout (gunicorn.conf.py).
_database = DATABASES["default"]
_options = _database.setdefault("OPTIONS", {})
_statement_timeout = _options.pop("statement_timeout", None)
DATABASE_STATEMENT_TIMEOUT = (
    envseconds("DJANGO_DB_STATEMENT_TIMEOUT", 5)
    if _statement_timeout is None
    else float(_statement_timeout)
)
if _database["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a client-side deadline on every call (lwrs_site/db/).
    _database["ENGINE"] = "lwrs_site.db.postgresql"
    # libpq takes whole seconds (and waits at least 2).
    _options.setdefault("connect_timeout", math.ceil(envseconds("DJANGO_DB_CONNECT_TIMEOUT", 3)))
    if DATABASE_STATEMENT_TIMEOUT and "statement_timeout" not in _options.get("options", ""):
        # The server cancels a statement that runs longer (a slow query).
        milliseconds = int(DATABASE_STATEMENT_TIMEOUT * 1000)
        _options["options"] = (
            f"{_options.get('options', '')} -c statement_timeout={milliseconds}".strip()
        )
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, with the deadline, and a web process never creates a
    # missing database file (it reports it instead).
    _database["ENGINE"] = "lwrs_site.db.sqlite3"
    # How long a write waits for another writer's lock ("database is locked").
    _options.setdefault("timeout", DATABASE_STATEMENT_TIMEOUT or 5)
# A frozen server cannot cancel anything: the client gives up on any single
# call (connect, query, fetch, commit) that takes this long. Above both
# timeouts, so a server that answers always answers first.
DATABASE_CALL_TIMEOUT = (
    max(DATABASE_STATEMENT_TIMEOUT, float(_options.get("connect_timeout", 0))) + 2
    if DATABASE_STATEMENT_TIMEOUT
    else 0
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Fingerprinted, compressed files that whitenoise serves with
        # far-future cache headers. Debug runs read the source files directly.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "lwrs_site.storage.StaticStorage"
        ),
    },
}
# Source maps in the vendored package point at files we do not ship.
WHITENOISE_MANIFEST_STRICT = False

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

TAGGIT_CASE_INSENSITIVE = True

# --- Security -------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 0 if DEBUG else 63072000  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# Preloading is decided for a whole registrable domain (nhs.uk) by its owner,
# not by one service on a subdomain of it; so check --deploy is told not to ask.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The CSRF token is read from the form, never by JavaScript.
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    # __Host- cookies must be Secure, host-only and path=/: a subdomain cannot
    # plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Origins whose pages may frame the embeddable programme cards (/programmes/<slug>/embed/,
# the only pages that relax frame-ancestors) and whose scripts may read the feed and
# the JSON download (CORS). CSP source syntax: "https://*.nhs.uk" is any subdomain.
EMBED_ALLOWED_ORIGINS = envorigins(
    "DJANGO_EMBED_ALLOWED_ORIGINS", "https://*.nhs.uk https://*.nhs.net"
)

# Features no page of ours uses, switched off for anything a page might load.
# (No interest-cohort: FLoC was withdrawn and browsers warn of the unknown name.)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# --- Admin login throttling (django-axes) -----------------------------------

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The message names the time to try again (programmes/two_factor.py).
AXES_LOCKOUT_CALLABLE = "programmes.two_factor.locked_out"
# Failures count against the address the trusted proxy saw (programmes/client_address.py).
AXES_CLIENT_IP_CALLABLE = "programmes.client_address.client_address"
# How many proxies in front of the app append to X-Forwarded-For (a load balancer: 1;
# a CDN in front of it: 2). Read only when DJANGO_BEHIND_TLS_PROXY is on.
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "1"))
except ValueError as error:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be a whole number") from error
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 1 or more")

# --- Two-factor sign-in (django-otp) -------------------------------------------

# The name authenticator apps show beside the six-digit code.
OTP_TOTP_ISSUER = "LWRS programmes"
# How many single-use recovery codes an editor gets.
OTP_RECOVERY_CODES = 10

# --- Logging ---------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "lwrs_site.log_filters.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "console_without_traceback": {
            "class": "logging.StreamHandler",
            "filters": ["without_traceback"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Failing views are logged here with their traceback, never shown.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # A request for another site's name: one line, not a traceback each.
        "django.security.DisallowedHost": {
            "handlers": ["console_without_traceback"],
            "level": "ERROR",
            "propagate": False,
        },
        # What send_alerts could not send (alerts/sending.py).
        "alerts": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Database faults, once a minute each (programmes/health.py).
        "programmes.database": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Public pages are cached until an editor changes the catalogue (programmes/cache.py).
# A cache in each process's memory is enough: the version that invalidates pages
# lives in the database, which every worker and server shares. Pages are kept
# compressed (5 to 8 KB each, and as much again for the front's copy). The pages
# of searches (free text: no end to them) have a cache of their own, so a flood
# of one-off searches cannot push the catalogue's own pages out: each cache drops
# its least recently used entries when full. Django's default, 300 entries
# shared, let 300 different searches evict every programme page (bench/README.md).
PUBLIC_PAGE_CACHE = True
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 1000},  # about 7 MB at most
    },
    "searches": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "searches",
        "OPTIONS": {"MAX_ENTRIES": 500},  # about 3.5 MB at most
    },
}
# Searches are counted in memory and written at most this often (programmes/finder/search_log.py).
SEARCH_LOG_FLUSH_SECONDS = 60
SEARCH_LOG_MAX_PENDING = 500

# The link check (manage.py check_links, programmes/link_checks.py).
LINK_CHECK_TIMEOUT = 10  # seconds for each request
LINK_CHECK_WORKERS = 4  # sites visited at once (one request at a time to each)
LINK_CHECK_PAUSE = 1  # seconds between two requests to the same site
LINK_CHECK_USER_AGENT = "LWRS programmes link check (London.RaceStrategy@nhs.net)"
# Never visit addresses on a private network (the checker is no way into ours).
LINK_CHECK_PRIVATE_ADDRESSES = False

SITE_NAME = "LWRS programmes"
# The site's address as staff reach it: the links in alert emails start with it.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Email (alerts) ------------------------------------------------------------

# SMTP when a host is given; otherwise each email is written to a file in
# sent-mail/ (local runs: `make run` says so), never silently dropped.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", True)
    _email_port = os.environ.get("DJANGO_EMAIL_PORT", "").strip() or (
        "587" if EMAIL_USE_TLS else "25"
    )
    if not _email_port.isdigit():
        raise ImproperlyConfigured(f"DJANGO_EMAIL_PORT must be a port number, not {_email_port!r}")
    EMAIL_PORT = int(_email_port)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "sent-mail"
# A mail server that stops answering fails a sign-up page or a send in seconds.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "LWRS programmes <noreply@localhost>"
).strip()
TEAM_EMAIL = "London.RaceStrategy@nhs.net"

# The NHS.UK frontend version, in this one place: static/vendor/refresh-nhsuk-frontend.sh
# reads this line and builds static/vendor/nhsuk-frontend/ from it (templates and
# static/js/main.mjs use that folder, whose name has no version in it);
# tests/test_nhsuk_frontend.py fails while the files there are of another version.
NHSUK_FRONTEND_VERSION = "10.6.1"
