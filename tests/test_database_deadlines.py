"""The database backends of lwrs_site/db/: a deadline on database calls, refusal
while the database is known down, and an SQLite file never created by a web process."""

import time

import pytest
from django.db import OperationalError, connection

from lwrs_site import db
from lwrs_site.db import DatabaseRefused, DatabaseTimeout, deadline, refused
from lwrs_site.db.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from programmes.models import Programme

# A query that runs for seconds on either database.
SLOW = {
    "postgresql": "SELECT pg_sleep(5)",
    "sqlite": (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n"
    ),
}


@pytest.fixture
def own_connection(transactional_db):
    """The deadline cuts the connection (PostgreSQL): never inside a test's transaction."""
    yield connection
    connection.close()


def test_a_call_past_its_deadline_fails_at_once(own_connection):
    started = time.monotonic()
    timed_out = pytest.raises(DatabaseTimeout, match="did not answer within 0.5 s")
    with timed_out, deadline(connection, 0.5), connection.cursor() as cursor:
        cursor.execute(SLOW[connection.vendor])
    assert time.monotonic() - started < 3


def test_a_call_within_its_deadline_is_untouched(own_connection):
    with deadline(connection, 5), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    with connection.cursor() as cursor:  # the connection is still good
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_every_call_has_a_deadline(own_connection, settings):
    settings.DATABASE_CALL_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(DatabaseTimeout), connection.cursor() as cursor:
        cursor.execute(SLOW[connection.vendor])
    assert time.monotonic() - started < 3


def test_known_down_means_not_even_trying(db, django_assert_num_queries):
    with django_assert_num_queries(0), refused("down"), pytest.raises(DatabaseRefused):
        Programme.objects.count()
    assert Programme.objects.count() == 0  # outside the block, as usual


@pytest.fixture
def sqlite_file(tmp_path, db):
    path = tmp_path / "db.sqlite3"

    def wrapper():
        settings = {**connection.settings_dict, "NAME": str(path), "OPTIONS": {}}
        return SQLiteWrapper(settings, alias="faults")  # whichever database the suite runs on

    return path, wrapper


def test_a_web_process_never_creates_the_sqlite_file(sqlite_file, monkeypatch):
    path, wrapper = sqlite_file
    monkeypatch.setattr(db, "_web_process", True)
    with pytest.raises(OperationalError, match="unable to open database file"):
        wrapper().ensure_connection()
    assert not path.exists()


def test_migrate_may_create_it(sqlite_file):
    path, wrapper = sqlite_file
    opened = wrapper()
    opened.ensure_connection()  # not a web process: as `manage.py migrate` does
    opened.close()
    assert path.exists()


def test_a_connection_to_a_file_moved_away_is_dropped(sqlite_file, monkeypatch):
    path, wrapper = sqlite_file
    first = wrapper()
    first.ensure_connection()  # creates it
    monkeypatch.setattr(db, "_web_process", True)
    opened = wrapper()
    opened.ensure_connection()
    assert opened.is_usable()
    path.rename(path.with_name("away.sqlite3"))
    assert not opened.is_usable()  # Django closes it before the next request's query
    path.with_name("away.sqlite3").rename(path)
    assert opened.is_usable()  # the same file, back in its place
    path.with_name("away.sqlite3").write_bytes(path.read_bytes())
    path.with_name("away.sqlite3").rename(path)
    assert not opened.is_usable()  # another file in its place: reopen it
    opened.close()
    first.close()
