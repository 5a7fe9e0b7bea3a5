"""/healthz: what load balancers ask; /healthz/live: what an orchestrator asks.

A database that is really down, frozen or missing is tested on a real server in
test_faults.py and test_production_server.py; here the database answers, or
lacks a migration for real."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder


@pytest.fixture
def committed(transactional_db):
    """/healthz probes the database from a thread of its own, with its own
    connection: it sees committed data only."""


def test_healthz_is_200_and_short_when_the_database_answers(client, committed):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert not response.cookies


def test_healthz_asks_from_its_own_thread(client, committed, django_assert_num_queries):
    # The request's own connection is never used: a hung query cannot hold it.
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


def test_healthz_is_never_cached(client, committed):
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert "ETag" not in response


def test_healthz_answers_head(client, committed):
    response = client.head("/healthz")
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_takes_no_writes(client, committed, method):
    assert getattr(client, method)("/healthz").status_code in {403, 405}


def test_a_pending_migration_is_unhealthy(client, committed):
    recorder = MigrationRecorder(connection)
    latest = max(name for app, name in recorder.applied_migrations() if app == "programmes")
    recorder.record_unapplied("programmes", latest)
    try:
        response = client.get("/healthz")
    finally:
        recorder.record_applied("programmes", latest)
    assert response.status_code == 503
    assert response.content == b"database schema out of date: 1 migration not applied\n"
    assert client.get("/healthz").status_code == 200


def test_a_missing_table_is_unhealthy(client, committed):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE programmes_partner RENAME TO programmes_partner_gone")
    try:
        response = client.get("/healthz")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE programmes_partner_gone RENAME TO programmes_partner")
    assert response.status_code == 503
    assert response.content == b"database schema incomplete: 1 table missing\n"


def test_live_never_asks_the_database(client):
    # No database fixture: pytest-django fails any query this test makes.
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.content == b"alive\n"
    assert "no-store" in response["Cache-Control"]


def test_live_answers_load_balancers_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/live").status_code == 200
