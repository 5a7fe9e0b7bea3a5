"""Helpers to run the site as production runs it: real settings, DEBUG off, in a subprocess."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def production_env(**overrides):
    """The environment of a production start: lwrs_site.settings, a strong key, DEBUG off."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "PYTEST_CURRENT_TEST"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lwrs_site.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="lwrs.example.nhs.uk,127.0.0.1,localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://lwrs.example.nhs.uk",
        DJANGO_BEHIND_TLS_PROXY="true",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args, env=None, timeout=120):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env or production_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
