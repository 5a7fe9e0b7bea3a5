"""Faults injected under gunicorn, with real HTTP requests: a PostgreSQL server
frozen with SIGSTOP, stopped and restarted; an SQLite file moved away and back;
clients that trickle their requests.

Each asserts what public pages, /healthz and the admin answer, and how fast,
with generous bounds (the machine is shared). Run them alone with
`pytest -m faults`; `make test` runs them on both CI passes (they start their
own PostgreSQL, so they need its binaries, not a DATABASE_URL).
"""

import http.client
import os
import re
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django_otp.oath import totp

from tests.postgres import ThrowawayPostgres, binaries
from tests.production import gunicorn, manage, production_env

pytestmark = pytest.mark.faults

HOST = "lwrs.example.nhs.uk"
VIA_PROXY = {"X-Forwarded-Proto": "https", "Host": HOST}
WARM = ["/", "/programmes/", "/programmes/active-bystander-training/"]
NOT_WARMED = "/partners/"
PASSWORD = "a long passphrase 9"
OTP_KEY = "3132333435363738393031323334353637383930"  # the editor's authenticator app

# Generous bounds: /healthz promises 2 s; a page from the cache takes milliseconds.
HEALTHZ_SECONDS = 3
QUICK_SECONDS = 2.5
# The first request to meet a frozen database waits for its version read (2 s),
# or for Django's check of a kept connection and a new connection (1 s + 3 s).
FIRST_SECONDS = 6


class Answer:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self):
        return self.body.decode(errors="replace")

    def cookie(self, name):
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return jar[name].value if name in jar else None


def ask(base, path, method="GET", headers=VIA_PROXY, body=None, timeout=30):
    """One HTTP request, timed; any status is an answer."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.msg, response.read(), time.monotonic() - started)
    finally:
        connection.close()


def prepare(env):
    for command in (
        ["migrate", "--no-input"],
        ["load_catalogue"],
        [
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"ops = User.objects.create_superuser('ops', 'ops@nhs.net', '{PASSWORD}'); "
            "from django_otp.plugins.otp_totp.models import TOTPDevice; "
            "TOTPDevice.objects.create(user=ops, name='Authenticator app', "
            f"key='{OTP_KEY}', confirmed=True)",
        ],
    ):
        result = manage(*command, env=env, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr


def fault_env(database_url):
    return production_env(DJANGO_SETTINGS_MODULE="tests.fault_settings", DATABASE_URL=database_url)


def _post_form(base, path, cookies, fields):
    return ask(
        base,
        path,
        "POST",
        {
            **VIA_PROXY,
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{path}",
        },
        urlencode(fields),
    )


def _csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


_LAST_STEP = [-1]  # the newest 30-second step whose code a sign-in here has used


def _unused_code():
    """The editor's current code, or the next step's (accepted too: one step of drift)
    when this one was used: the tests of a module share a database, and a code works
    once (django-otp keeps the last step used)."""
    while True:
        step = int(time.time()) // 30
        for drift in (0, 1):
            if step + drift > _LAST_STEP[0]:
                _LAST_STEP[0] = step + drift
                return f"{totp(bytes.fromhex(OTP_KEY), drift=drift):06d}"
        time.sleep(1)


def log_in(base):
    """An editor's session, signed in through the real forms: password, then the
    code from their authenticator app (two-factor sign-in is required for the admin)."""
    form = ask(base, "/admin/login/")
    assert form.status == 200, form.text
    cookies = {"__Host-csrftoken": form.cookie("__Host-csrftoken")}
    answer = _post_form(
        base,
        "/admin/login/",
        cookies,
        {
            "csrfmiddlewaretoken": _csrf_token(form),
            "username": "ops",
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    assert answer.status == 302, answer.text
    cookies["__Host-sessionid"] = answer.cookie("__Host-sessionid")
    cookies["__Host-csrftoken"] = answer.cookie("__Host-csrftoken") or cookies["__Host-csrftoken"]
    jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
    verify = ask(base, "/admin/two-factor/verify/", headers={**VIA_PROXY, "Cookie": jar})
    assert verify.status == 200, verify.text
    code = _unused_code()
    answer = _post_form(
        base,
        "/admin/two-factor/verify/",
        cookies,
        {"csrfmiddlewaretoken": _csrf_token(verify), "code": code},
    )
    assert answer.status == 302, answer.text
    cookies["__Host-sessionid"] = answer.cookie("__Host-sessionid") or cookies["__Host-sessionid"]
    return {**VIA_PROXY, "Cookie": f"__Host-sessionid={cookies['__Host-sessionid']}"}


@contextmanager
def serving(database_url):
    """gunicorn as production runs it (gunicorn.conf.py), warmed: the pages in
    WARM are cached, and an editor is signed in."""
    with gunicorn(fault_env(database_url)) as server:
        for path in WARM:
            answer = ask(server.url, path)
            assert answer.status == 200, (path, answer.text, server.output())
            assert "Warning" not in answer.headers
        assert ask(server.url, "/healthz").body == b"ok\n"
        server.editor = log_in(server.url)
        assert ask(server.url, "/admin/programmes/programme/", headers=server.editor).status == 200
        yield server


def assert_serves_staff_without_the_database(server, healthz_reason):
    """What every fault must look like from outside."""
    health = ask(server.url, "/healthz", headers={})
    assert health.status == 503, health.text
    assert health.seconds < HEALTHZ_SECONDS
    assert re.fullmatch(healthz_reason + r"\n", health.text), health.text
    live = ask(server.url, "/healthz/live", headers={})
    assert live.status == 200
    assert live.seconds < QUICK_SECONDS

    first = ask(server.url, WARM[-1])
    assert first.seconds < FIRST_SECONDS
    for path in WARM:
        page = ask(server.url, path, headers={**VIA_PROXY, "Accept-Encoding": "gzip"})
        assert page.status == 200, (path, page.text)
        assert page.seconds < QUICK_SECONDS, path
        assert page.headers["Warning"] == '110 - "Response is stale"'
        assert int(page.headers["Age"]) >= 0
        assert page.headers["Cache-Control"] == "max-age=60"
        assert page.headers["Content-Encoding"] == "gzip"

    missing = ask(server.url, NOT_WARMED)
    assert missing.status == 503
    assert missing.seconds < QUICK_SECONDS
    assert "Sorry, the service is temporarily unavailable" in missing.text
    assert missing.headers["Retry-After"] == "30"

    editing = ask(server.url, "/admin/programmes/programme/", headers=server.editor)
    assert editing.status == 503
    assert editing.seconds < QUICK_SECONDS
    assert "The catalogue cannot be edited right now" in editing.text
    signing_in = ask(
        server.url,
        "/admin/login/",
        "POST",
        {**VIA_PROXY, "Content-Type": "application/x-www-form-urlencoded"},
        "username=ops&password=x",
    )
    assert signing_in.status == 503
    assert "cannot be edited right now" in signing_in.text

    # Unusual requests get their usual answers: no fault turns into a 500.
    odd = [
        ask(server.url, "/programmes/", headers={"Host": "evil.example"}),
        ask(server.url, "/programmes/", "PROPFIND"),
        ask(server.url, "/programmes/", "BREW"),
        ask(server.url, "/programmes/%ff%fe/"),
        ask(server.url, "/programmes/" + "a" * 2000 + "/"),
        ask(server.url, "/no-such-page/"),
        ask(server.url, "/programmes/feed/"),
        ask(server.url, "/sitemap.xml"),
        ask(server.url, "/programmes/", "HEAD"),
    ]
    for answer in odd:
        assert answer.status < 500 or answer.status == 503, (answer.status, answer.text)
    for answer in (*odd, health, missing, editing):
        assert "Traceback" not in answer.text


def assert_recovers(server):
    """Fresh pages and a healthy answer come back without a restart."""
    deadline = time.monotonic() + 30
    while ask(server.url, "/healthz", headers={}).status != 200:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.5)
    while "Warning" in (page := ask(server.url, WARM[-1])).headers:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.5)
    assert page.status == 200
    assert ask(server.url, NOT_WARMED).status == 200
    assert ask(server.url, "/admin/programmes/programme/", headers=server.editor).status == 200


def assert_logged_once(server):
    log = server.output()
    assert "Traceback" not in log
    assert "Internal Server Error" not in log
    assert "Service Unavailable" not in log  # Django's own line for every 503
    # Dozens of failed requests, one line naming the fault (the first minute).
    assert log.count("Database unavailable") == 1, log
    assert log.count("Database answers again") == 1, log


# --- PostgreSQL ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres():
    if binaries() is None:
        # .ci/run's machine has PostgreSQL: in CI a missing server is a failure.
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's binaries are missing")
        pytest.skip("PostgreSQL's binaries (initdb, pg_ctl) are not installed")
    server = ThrowawayPostgres()
    try:
        prepare(fault_env(server.url))
        yield server
    finally:
        server.close()


def test_a_frozen_postgresql(postgres):
    with serving(postgres.url) as server:
        postgres.freeze()
        try:
            assert_serves_staff_without_the_database(
                server, r"database (did not answer within 1\.5 s|did not answer in time)"
            )
            # Still frozen a while later: every answer is as quick as before.
            time.sleep(2)
            assert ask(server.url, "/healthz", headers={}).seconds < HEALTHZ_SECONDS
            assert ask(server.url, WARM[0]).status == 200
        finally:
            postgres.thaw()
        assert_recovers(server)
        assert_logged_once(server)


def test_a_stopped_and_restarted_postgresql(postgres):
    with serving(postgres.url) as server:
        postgres.stop()
        try:
            assert_serves_staff_without_the_database(server, "database unavailable")
        finally:
            postgres.start()
        assert_recovers(server)
        assert_logged_once(server)


# --- SQLite -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_catalogue(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    prepare(fault_env(f"sqlite:///{database}"))
    return database


@pytest.fixture
def sqlite_file(sqlite_catalogue, tmp_path):
    """A copy of the migrated catalogue for one test."""
    database = tmp_path / "db.sqlite3"
    shutil.copyfile(sqlite_catalogue, database)
    return database


def test_an_sqlite_file_moved_away_and_back(sqlite_file):
    away = sqlite_file.with_name("moved-away.sqlite3")
    with serving(f"sqlite:///{sqlite_file}") as server:
        sqlite_file.rename(away)
        try:
            assert_serves_staff_without_the_database(server, "database file missing")
            # No worker made an empty database in its place.
            assert not sqlite_file.exists()
        finally:
            away.rename(sqlite_file)
        assert_recovers(server)
        assert_logged_once(server)


def test_a_database_that_was_never_migrated(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    shutil.copyfile(os.devnull, empty)  # the file exists, without a table
    with gunicorn(fault_env(f"sqlite:///{empty}")) as server:
        health = ask(server.url, "/healthz", headers={})
        assert health.status == 503
        assert health.text == "database not migrated\n"
        page = ask(server.url, "/programmes/")
        assert page.status == 503
        assert "temporarily unavailable" in page.text
        assert "Traceback" not in server.output()


# --- Slow clients -------------------------------------------------------------------


def test_slow_clients_do_not_hold_up_others(sqlite_file):
    """Clients that trickle their request a byte at a time hold one thread each,
    not a worker: the site keeps answering everyone else at once. (With sync
    workers, as before, two such clients stopped a two-worker site for 15 s.)"""
    with gunicorn(fault_env(f"sqlite:///{sqlite_file}")) as server:
        url = urlsplit(server.url)
        assert ask(server.url, "/programmes/").status == 200
        stop = threading.Event()
        slow = []
        for _ in range(4):  # more than the 2 sync workers `make serve` used to run
            client = socket.create_connection((url.hostname, url.port))
            client.sendall(b"GET /programmes/ HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n")
            slow.append(client)

        def trickle():
            while not stop.wait(0.5):
                for client in slow:
                    client.sendall(b"X")  # a header that never ends

        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        try:
            time.sleep(1)  # every slow client is being read by now
            for _ in range(5):
                answer = ask(server.url, "/programmes/")
                assert answer.status == 200
                assert answer.seconds < QUICK_SECONDS
                assert ask(server.url, "/healthz", headers={}).seconds < HEALTHZ_SECONDS
        finally:
            stop.set()
            trickler.join()
            for client in slow:
                client.close()
