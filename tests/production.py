"""Helpers to run the site as production runs it: real settings, DEBUG off, in a subprocess."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import types
import urllib.error
import urllib.request
from pathlib import Path

import gunicorn.config

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
        DJANGO_SITE_URL="https://lwrs.example.nhs.uk",
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


# As `make serve` and the README run it: with gunicorn.conf.py (threaded workers, timeouts).
GUNICORN = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "lwrs_site.wsgi"]
if hasattr(gunicorn.config, "ControlSocketDisable"):
    # Newer gunicorns open a control socket in $HOME: a test server needs none.
    GUNICORN.append("--no-control-socket")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, timeout=60):
    """The production command (see README) on a free loopback port.

    Yields the server: `.url` is its base URL, `.output()` what it has logged so far.
    """
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def output():
            log.seek(0)
            return log.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not start:\n{output()}") from None
                    time.sleep(0.1)
            yield types.SimpleNamespace(url=f"http://127.0.0.1:{port}", output=output)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Response:
    """What a real HTTP client got: status, headers (case-insensitive) and body bytes."""

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode()


def fetch(url, headers=None):
    """GET without following redirects; error statuses are answers, not exceptions."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with opener.open(request, timeout=20) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())
