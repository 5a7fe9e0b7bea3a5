"""The production settings for the fault tests, with static files read from their
source folders (no collectstatic run): these tests are about the database."""

from lwrs_site.settings import *  # noqa: F403
from lwrs_site.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
