"""Settings for the LWRS programme catalogue.

One module, configured by environment variables (see the configuration
contract in DESIGN.md). Safe by default: DEBUG is off unless asked for, and a
production start without a strong secret key fails loudly.
"""

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
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "csp",
    "programmes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "programmes.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "programmes.middleware.AdminInputGuard",
    # Last, as django-axes asks, so it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lwrs_site.urls"
WSGI_APPLICATION = "lwrs_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Our templates (DIRS) lose their indentation when loaded; the apps'
            # (the admin's) are read as they are.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "lwrs_site.template_loaders.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
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

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that stops answering must fail fast (healthz says 503), not
    # hold a gunicorn worker until it is killed. DATABASE_URL may override it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

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
        # NHS.UK frontend's CSS loads the Frutiger font; offline it falls back to Arial.
        "font-src": [SELF, "https://assets.nhs.uk"],
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

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# --- Admin login throttling (django-axes) -----------------------------------

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
if BEHIND_TLS_PROXY:
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Logging ---------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Failing views are logged here with their traceback, never shown.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Public pages are cached until an editor changes the catalogue (programmes/cache.py).
# The default cache (local memory, per process) is enough: the version that
# invalidates pages lives in the database, which every worker and server shares.
PUBLIC_PAGE_CACHE = True
# Searches are counted in memory and written at most this often (programmes/finder/search_log.py).
SEARCH_LOG_FLUSH_SECONDS = 60
SEARCH_LOG_MAX_PENDING = 500

SITE_NAME = "LWRS programmes"
TEAM_EMAIL = "London.RaceStrategy@nhs.net"

# The vendored NHS.UK frontend (static/vendor/nhsuk-frontend-<version>/).
NHSUK_FRONTEND_VERSION = "10.6.1"
