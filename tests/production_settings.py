"""Production settings with the static files collected into a test's own folder."""

import os

from lwrs_site.settings import *  # noqa: F403

STATIC_ROOT = os.environ["LWRS_TEST_STATIC_ROOT"]
