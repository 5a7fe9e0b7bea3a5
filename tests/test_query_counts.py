"""SQL queries per page stay fixed however many programmes there are."""

import time

import pytest
from django.core.management import call_command
from django.db import connection

from programmes import cache as page_cache
from programmes.version_listener import VersionListener

LIST_QUERIES = 8
DETAIL_QUERIES = 6


# Each page is counted as a first visit after an editor's change costs: the page
# cache reads the catalogue version (1 query) and misses, the finder builds its
# index again (finder.index.BUILD_QUERIES), and the page is rendered. A repeat
# visit (a cached page) is the version query alone, or no query at all in a web
# process on PostgreSQL, whose listener shares the version (pinned below).


CATALOGUE_VIEWS = [
    "/programmes/",
    "/programmes/?q=wres",
    "/programmes/?tag=wres&tag=shared-topic&partner=example-partner-trust&audience=line-managers",
    "/programmes/?q=programme&status=in-action&kind=training&sort=newest&page=2",
]


@pytest.mark.parametrize("extra", [0, 288])  # 12 and 300 programmes
@pytest.mark.parametrize("path", CATALOGUE_VIEWS)
def test_catalogue_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries, extra, path
):
    make_programmes(extra)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 200])
def test_programme_page_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries, extra
):
    make_programmes(extra)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get("/programmes/active-bystander-training/")
    assert response.status_code == 200


def test_partner_pages_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries
):
    make_programmes(200)
    with django_assert_max_num_queries(3):
        assert client.get("/partners/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/partners/example-partner-trust/").status_code == 200


CACHED_PAGES = [*CATALOGUE_VIEWS, "/", "/programmes/active-bystander-training/", "/partners/"]


def test_a_cached_page_costs_the_version_read_alone(client, catalogue, django_assert_num_queries):
    """SQLite; and PostgreSQL where no listener shares the version (management
    commands, a request inside a transaction, a listener not heard from)."""
    for path in CACHED_PAGES:
        assert client.get(path).status_code == 200
        with django_assert_num_queries(1):
            assert client.get(path).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the listener is PostgreSQL's LISTEN/NOTIFY (CI's PostgreSQL pass runs this)",
)
def test_a_cached_page_costs_no_query_in_a_web_process_on_postgresql(
    client, transactional_db, django_assert_num_queries, monkeypatch
):
    call_command("load_catalogue", verbosity=0)  # committed: the listener reads it
    listener = VersionListener().start()
    monkeypatch.setattr(page_cache, "LISTENER", listener)
    try:
        deadline = time.monotonic() + 10
        while listener.current() is None:
            assert time.monotonic() < deadline, "the listener did not read the version"
            time.sleep(0.01)
        for path in CACHED_PAGES:
            assert client.get(path).status_code == 200
            with django_assert_num_queries(0):
                assert client.get(path).status_code == 200
    finally:
        listener.stop()
