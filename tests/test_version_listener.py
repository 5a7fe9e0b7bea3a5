"""The catalogue version shared by LISTEN/NOTIFY (programmes/version_listener.py): a
cached page costs no database round trip, every worker sees an edit within
milliseconds and within 1 second at worst, and a listener that is dropped,
silenced or fails leaves requests reading the version themselves (stale-if-error
included).

Each "worker" here is a listener of its own (a thread with its own connection to
the real PostgreSQL server) and a page cache of its own, as a gunicorn worker has.
The data is committed (transactional_db): listeners only see what is committed.
PostgreSQL only: CI's PostgreSQL pass runs these; SQLite reads per request."""

import contextlib
import datetime
import os
import signal
import time

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from programmes import cache as page_cache
from programmes import version_listener
from programmes.models import CatalogueVersion, KeyDate, Programme
from programmes.taking_part import LONDON, KeyDateKind
from programmes.version_listener import (
    APPLICATION_NAME,
    TRUST_SECONDS,
    VersionListener,
    read_token,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="LISTEN/NOTIFY is PostgreSQL's (CI's PostgreSQL pass runs these); SQLite reads per request",
)

PAGE = "/programmes/active-bystander-training/"
VERSION_TABLE = CatalogueVersion._meta.db_table


@pytest.fixture
def catalogue(transactional_db):
    call_command("load_catalogue", verbosity=0)


@pytest.fixture
def programme(catalogue):
    return Programme.objects.get(slug="active-bystander-training")


def wait_for(condition, seconds=10, what="condition"):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.01)
    return result


class Worker:
    """A listener and a page cache: what one gunicorn worker has of its own."""

    def __init__(self, name):
        self.listener = VersionListener().start()
        self.cache = LocMemCache(name, {})
        wait_for(self.listener.current, what="the listener's first read")

    def get(self, client, monkeypatch, url=PAGE):
        """(HTML, queries) of a request this worker answers."""
        monkeypatch.setattr(page_cache, "LISTENER", self.listener)
        monkeypatch.setattr(page_cache, "cache", self.cache)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.content.decode(), len(queries)


@pytest.fixture
def workers():
    started = []

    def start(count=1):
        made = [Worker(f"worker-{len(started) + i}") for i in range(count)]
        started.extend(made)
        return made

    yield start
    for worker in started:
        worker.listener.stop()


def settled(worker):
    """Wait until the worker's listener holds the token the database has now."""
    token = read_token(connection)
    wait_for(
        lambda: (worker.listener.current() or (None,))[0] == token,
        what="the listener hearing the change",
    )


def rename_without_notifying(programme, title):
    """A change that sends no notification, as a restored database, a token
    replaced by hand, or a pooler that drops notifications would make."""
    Programme.objects.filter(pk=programme.pk).update(title=title)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {VERSION_TABLE} SET token = %s WHERE id = 1", ["restored" * 4])  # noqa: S608 - a model's table


# --- no round trip --------------------------------------------------------------------


def test_a_cached_page_costs_no_database_round_trip(client, catalogue, workers, monkeypatch):
    (worker,) = workers()
    worker.get(client, monkeypatch)
    html, queries = worker.get(client, monkeypatch)
    assert queries == 0
    # Not even Django's check of a kept connection: a request that needed the
    # database would open this thread's connection again.
    connection.close()
    response = client.get(PAGE)
    assert response.content.decode() == html
    assert connection.connection is None


def test_a_request_inside_a_transaction_reads_for_itself(client, programme, workers, monkeypatch):
    """Its connection may hold a change no other connection sees yet."""
    from django.db import transaction

    (worker,) = workers()
    worker.get(client, monkeypatch)
    with transaction.atomic():
        programme.title = "Renamed, not yet committed"
        programme.save()
        assert "Renamed, not yet committed" in worker.get(client, monkeypatch)[0]
        transaction.set_rollback(True)
    assert "Renamed, not yet committed" not in worker.get(client, monkeypatch)[0]


# --- an edit reaches every worker -----------------------------------------------------


def test_two_workers_see_an_edit_when_notified(client, programme, workers, monkeypatch):
    """With the twice-a-second read switched off, only the notification can tell them."""
    monkeypatch.setattr(version_listener, "REFRESH_SECONDS", 300)
    monkeypatch.setattr(version_listener, "TRUST_SECONDS", 600)
    pair = workers(2)
    for worker in pair:
        worker.get(client, monkeypatch)
        assert worker.get(client, monkeypatch)[1] == 0  # from its own cache
    programme.title = "Renamed and notified"
    programme.save()
    for worker in pair:
        wait_for(
            lambda w=worker: "Renamed and notified" in w.get(client, monkeypatch)[0],
            seconds=5,
            what="the notified edit",
        )


def test_an_edit_without_a_notification_is_seen_within_the_bound(
    client, programme, workers, monkeypatch
):
    """Every request sent more than TRUST_SECONDS after the change shows it,
    whatever happened to the notification."""
    pair = workers(2)
    for worker in pair:
        worker.get(client, monkeypatch)
    rename_without_notifying(programme, "Renamed behind the listeners' backs")
    committed = time.monotonic()
    for worker in pair:
        while True:
            sent = time.monotonic()
            html = worker.get(client, monkeypatch)[0]
            if "Renamed behind the listeners' backs" in html:
                break
            assert sent - committed <= TRUST_SECONDS, "an old page after the bound"
            time.sleep(0.02)


def test_a_notification_mid_render_does_not_cache_the_page_under_the_new_version(
    client, programme, workers, monkeypatch
):
    """The page is kept under the version read before it was rendered: an edit
    committed (and heard) while it renders leaves it under the old one."""
    (worker,) = workers()
    worker.get(client, monkeypatch, "/")  # templates loaded; the page itself is not cached yet
    edited = []

    def edit_while_rendering(**_kwargs):
        if edited:
            return
        before = worker.listener.current()[0]
        Programme.objects.filter(pk=programme.pk).update(title="Renamed mid-render")
        edited.append(page_cache.catalogue_changed())  # commits: the listener is notified
        wait_for(
            lambda: (worker.listener.current() or (before,))[0] != before,
            seconds=5,
            what="the listener hearing the edit",
        )

    template_rendered.connect(edit_while_rendering)
    try:
        first = worker.get(client, monkeypatch)[0]
    finally:
        template_rendered.disconnect(edit_while_rendering)
    assert edited
    assert "Renamed mid-render" not in first  # the programme was read before the edit
    assert "Renamed mid-render" in worker.get(client, monkeypatch)[0]


# --- a listener dropped, silenced or failing --------------------------------------------


def test_a_dropped_listener_falls_back_to_reading_and_comes_back(
    client, programme, workers, monkeypatch
):
    (worker,) = workers()
    worker.get(client, monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [worker.listener.backend_pid])
    wait_for(lambda: worker.listener.current() is None, what="the listener noticing")
    programme.title = "Renamed while nobody listens"
    programme.save()  # the notification reaches no one in this worker
    html, queries = worker.get(client, monkeypatch)
    assert "Renamed while nobody listens" in html
    assert queries >= 1  # the request read the version itself
    _, queries = worker.get(client, monkeypatch)
    assert queries == 1  # and does so for each request meanwhile
    # It reconnects on its own, and cached pages cost nothing again.
    wait_for(worker.listener.current, what="the listener reconnecting")
    html, queries = worker.get(client, monkeypatch)
    assert "Renamed while nobody listens" in html
    assert queries == 0


@contextlib.contextmanager
def stopped(pid):
    """The listener's server process paused: its connection goes silent, as behind
    a network that drops packets, while other connections still commit."""
    try:
        os.kill(pid, signal.SIGSTOP)
    except PermissionError:
        pytest.skip("cannot signal the PostgreSQL server's processes (another user's)")
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def test_a_silent_listener_is_not_trusted_past_the_bound(client, programme, workers, monkeypatch):
    (worker,) = workers()
    worker.get(client, monkeypatch)
    with stopped(worker.listener.backend_pid):
        programme.title = "Renamed while the listener is silent"
        programme.save()
        committed = time.monotonic()
        while True:
            sent = time.monotonic()
            html = worker.get(client, monkeypatch)[0]
            if "Renamed while the listener is silent" in html:
                break
            assert sent - committed <= TRUST_SECONDS, "an old page after the bound"
            time.sleep(0.02)
        assert worker.listener.current() is None
    wait_for(worker.listener.current, what="the listener reconnecting")


@contextlib.contextmanager
def version_table_gone():
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {VERSION_TABLE} RENAME TO gone_{VERSION_TABLE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE gone_{VERSION_TABLE} RENAME TO {VERSION_TABLE}")


def test_stale_if_error_still_works_when_the_listener_fails(
    client, catalogue, workers, monkeypatch
):
    (worker,) = workers()
    fresh = worker.get(client, monkeypatch)[0]
    monkeypatch.setattr(page_cache, "LISTENER", worker.listener)
    monkeypatch.setattr(page_cache, "cache", worker.cache)
    with version_table_gone():
        wait_for(lambda: worker.listener.current() is None, what="the listener failing")
        stale = client.get(PAGE)
        missing = client.get("/partners/")
    assert stale.status_code == 200
    assert stale["Warning"] == '110 - "Response is stale"'
    assert stale.content.decode() == fresh
    assert missing.status_code == 503
    wait_for(worker.listener.current, what="the listener reading again")
    page = wait_for(
        lambda: (r := client.get(PAGE)).status_code == 200 and not r.has_header("Warning") and r,
        what="fresh pages",
    )
    assert page.content.decode() == fresh


# --- midnight -------------------------------------------------------------------------


def test_pages_turn_over_at_london_midnight_without_a_database_read(
    client, programme, workers, monkeypatch
):
    (worker,) = workers()
    day = datetime.date(2027, 1, 31)
    KeyDate.objects.create(
        programme=programme,
        kind=KeyDateKind.APPLICATIONS_CLOSE,
        label="Applications close",
        starts_on=day,
    )
    settled(worker)
    open_label = "Open for applications until 31 January 2027"
    with time_machine.travel(datetime.datetime(2027, 1, 31, 23, 0, tzinfo=LONDON), tick=False):
        assert open_label in worker.get(client, monkeypatch)[0]
    with time_machine.travel(datetime.datetime(2027, 1, 31, 23, 59, 59, tzinfo=LONDON), tick=False):
        html, queries = worker.get(client, monkeypatch)
        assert (open_label in html, queries) == (True, 0)
    after_midnight = datetime.datetime(2027, 2, 1, 0, 0, 1, tzinfo=LONDON)
    with (
        time_machine.travel(after_midnight, tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        html = worker.get(client, monkeypatch)[0]
    assert open_label not in html
    assert "Applications closed on 31 January 2027" in html
    assert not any(VERSION_TABLE in q["sql"] for q in queries.captured_queries)


# --- two real servers -----------------------------------------------------------------


def test_two_gunicorn_servers_see_an_edit(programme):
    """Two app servers (gunicorn as production runs it, each with its own listener)
    and an edit committed by a third process: both show it within the bound, and
    in practice at their next request."""
    from tests.production import fetch, gunicorn, production_env

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = production_env(DJANGO_SETTINGS_MODULE="tests.fault_settings", DATABASE_URL=url)
    headers = {"X-Forwarded-Proto": "https", "Host": "lwrs.example.nhs.uk"}

    def ask(server):
        response = fetch(server.url + PAGE, headers)
        assert response.status == 200, response.status
        return response.text

    with gunicorn(env) as first, gunicorn(env) as second:
        servers = (first, second)
        for server in servers:
            for _ in range(3):  # rendered, then cached; the listener started meanwhile
                assert "Active Bystander Training" in ask(server)
        # Each server listens (and so answers cached pages without asking the database).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                [APPLICATION_NAME],
            )
            assert cursor.fetchone()[0] == 2
        programme.title = "Renamed on a third server"
        programme.save()
        committed = time.monotonic()
        for server in servers:
            while True:
                sent = time.monotonic()
                if "Renamed on a third server" in ask(server):
                    break
                assert sent - committed <= TRUST_SECONDS, "an old page after the bound"
                time.sleep(0.01)
        for server in servers:
            assert "Traceback" not in server.output()
