"""Test settings: the real settings, with a throwaway secret and fast password hashing."""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from lwrs_site.settings import *  # noqa: E402, F403
from lwrs_site.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Templates resolve {% static %} without a collectstatic run; the fingerprinted
# storage has its own test.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from static/ (whitenoise's finders mode), with no
# collectstatic run needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Searches are counted in memory and written when a test asks
# (tests/test_search_log.py): never in the middle of another test's query count.
SEARCH_LOG_FLUSH_SECONDS = 10**9
SEARCH_LOG_MAX_PENDING = 10**9
