"""Stale-if-error: when the database cannot say the catalogue's version, public
pages come from the cache as this worker last knew them, marked stale; editors
get "the catalogue cannot be edited right now"; nothing is a 500.

The fault here is real, in-process: a table the request needs is renamed away
(what a database restored without its tables, or a half-applied migration,
looks like). A frozen, stopped or missing database under gunicorn is in
test_faults.py."""

import logging
import time
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

from programmes.health import FaultLog
from programmes.models import CatalogueVersion, Programme
from tests.conftest import sign_in

PAGE = "/programmes/active-bystander-training/"


@pytest.fixture
def catalogue(transactional_db):
    """The documented catalogue, committed: the health probe reads it from its own thread."""
    call_command("load_catalogue", verbosity=0)


@contextmanager
def table_gone(model):
    table = model._meta.db_table
    _alter(f"ALTER TABLE {table} RENAME TO gone_{table}")
    try:
        yield
    finally:
        _alter(f"ALTER TABLE gone_{table} RENAME TO {table}")


def _alter(statement, seconds=10):
    """Run a schema change, waiting while SQLite says the schema is in use: the
    health probe (programmes/health.py) reads it from its own thread, once a
    second while the database is down, and SQLite's shared in-memory test
    database refuses a change meanwhile ("database table is locked") rather
    than waiting for it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
            return
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def wait_for_fresh(client, url, seconds=10):
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(url)
        if response.status_code == 200 and not response.has_header("Warning"):
            return response
        assert time.monotonic() < deadline, "fresh pages did not come back"
        time.sleep(0.2)


def test_cached_pages_are_served_stale_and_marked_so(client, catalogue):
    fresh = client.get(PAGE)
    assert fresh.status_code == 200
    assert not fresh.has_header("Warning")
    with table_gone(CatalogueVersion):
        stale = client.get(PAGE)
        again = client.get(PAGE)
    assert stale.status_code == 200
    assert stale.content == fresh.content
    assert stale["Warning"] == '110 - "Response is stale"'
    assert int(stale["Age"]) >= 0
    assert stale["Cache-Control"] == "max-age=60"
    assert stale["ETag"] == fresh["ETag"]
    assert again.status_code == 200
    assert again.has_header("Warning")


def test_pages_not_cached_get_the_503_page(client, catalogue):
    client.get(PAGE)
    with table_gone(CatalogueVersion):
        response = client.get("/programmes/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Sorry, the service is temporarily unavailable" in html
    assert "nhsuk-frontend.min." in html
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    for leak in ("Traceback", "Error", "catalogueversion", "sqlite", "postgres"):
        assert leak not in html


def test_fresh_pages_come_back_without_a_restart(client, catalogue):
    client.get(PAGE)
    with table_gone(CatalogueVersion):
        assert client.get(PAGE).has_header("Warning")
    # The probe that closes the breaker runs in the background, within a second or two.
    response = wait_for_fresh(client, PAGE)
    assert not response.has_header("Age")


def test_a_stale_page_is_never_older_than_the_last_change_seen(client, catalogue):
    client.get(PAGE)
    programme = Programme.objects.get(slug="active-bystander-training")
    programme.title = "Active Bystander Training, renamed"
    programme.save()  # a new version: the page cached before is out of date
    assert client.get("/").status_code == 200  # this worker reads the new version
    with table_gone(CatalogueVersion):
        response = client.get(PAGE)
    # The page under the new version was never cached: a 503, not the old title.
    assert response.status_code == 503


def test_a_page_that_fails_while_rendering_is_stale_or_503(client, catalogue):
    with table_gone(Programme):
        response = client.get(PAGE)
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()


def test_editors_get_cannot_be_edited_right_now(client, catalogue, admin_user):
    sign_in(client, admin_user)
    assert client.get("/admin/programmes/programme/").status_code == 200
    with table_gone(Programme):
        response = client.get("/admin/programmes/programme/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "The catalogue cannot be edited right now" in html
    assert "Traceback" not in html
    assert "Content-Security-Policy" in response  # the site's headers still apply


def test_an_editor_whose_session_cannot_be_read_gets_the_editors_503(client, catalogue, admin_user):
    """The two-factor check reads the session and devices before any admin view runs:
    an outage there is the editors' 503 page too, never a 500."""
    from django.contrib.sessions.models import Session

    sign_in(client, admin_user)
    with table_gone(Session):
        response = client.get("/admin/programmes/programme/")
    assert response.status_code == 503
    assert "The catalogue cannot be edited right now" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_while_the_database_is_down_the_admin_says_so_at_once(client, catalogue, admin_user):
    sign_in(client, admin_user)
    with table_gone(CatalogueVersion):
        client.logout()
        assert client.get(PAGE).status_code == 503  # a public read failed: reads stop
        sign_in(client, admin_user)
    # The database answers again, but this process does not know yet: no waiting.
    response = client.get("/admin/")
    assert response.status_code == 503
    assert "cannot be edited right now" in response.content.decode()
    # The probe that request started finds the database and reopens the admin.
    deadline = time.monotonic() + 10
    while client.get("/admin/").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_the_fault_is_logged_once_not_per_request(client, catalogue, caplog):
    client.get(PAGE)
    with caplog.at_level(logging.WARNING, logger="programmes.database"):
        with table_gone(CatalogueVersion):
            for _ in range(5):
                client.get(PAGE)
                client.get("/programmes/")
        wait_for_fresh(client, PAGE)
    faults = [r for r in caplog.records if r.getMessage().startswith("Database unavailable")]
    assert len(faults) == 1
    assert "at '/programmes/active-bystander-training/'" in faults[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert not any(r.name == "django.request" for r in caplog.records)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_fault_log_says_each_fault_once_a_minute(caplog):
    clock = Clock()
    faults = FaultLog(every=60, clock=clock)
    with caplog.at_level(logging.WARNING, logger="programmes.database"):
        assert faults.note("Database unavailable", "OperationalError: gone")
        for _ in range(9):
            clock.now += 1
            assert not faults.note("Database unavailable", "OperationalError: gone")
        assert faults.note("Something else")  # another fault has its own minute
        clock.now = 1000.0 + 59.9
        assert not faults.note("Database unavailable")
        clock.now = 1000.0 + 60
        assert faults.note("Database unavailable", "OperationalError: gone")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "Database unavailable: OperationalError: gone",
        "Something else",
        "Database unavailable: OperationalError: gone (11 times since the last report)",
    ]


def test_a_catalogue_view_never_cached_renders_from_the_finders_index(client, catalogue):
    """The finder's index, in memory under the last version read, holds all a catalogue
    page shows: a search nobody made before still gets its results while the database
    does not answer (marked stale), where a programme page not cached gets the 503 page."""
    client.get("/programmes/")  # this worker has read the version and built its index
    with table_gone(CatalogueVersion):
        response = client.get("/programmes/", {"q": "dashboard", "tag": "wres"})
        programme = client.get("/programmes/white-allies-programme/")
    assert response.status_code == 200
    assert response["Warning"] == '110 - "Response is stale"'
    html = response.content.decode()
    assert "<strong>1 programme</strong>" in html
    assert ">EDI Insights &amp; Analytics</a>" in html
    assert "<dt>Availability:</dt>" in html  # the card's facts, from the index too
    assert programme.status_code == 503
