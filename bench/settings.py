"""The production settings, unchanged, plus the benchmark's baseline URL.

Only ROOT_URLCONF differs, so the trivial view exists in benchmark runs and
never in production: there is no flag that could switch it on by mistake.
"""

from lwrs_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
