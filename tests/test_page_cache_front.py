"""The front of the page cache (programmes.cache.front_of_page_cache): a repeat
visit to a cached public page, from a browser that takes gzip, is answered before
the rest of the middleware, with the very answer the full path gives, and with
every guarantee of the view's cache (an edit shows at once, editors and other
clients take the full path, stale-if-error, searches counted)."""

import gzip

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from programmes import cache as page_cache
from programmes.finder.search_log import SEARCH_LOG
from programmes.models import CatalogueVersion, Programme, SearchCount
from programmes.version_listener import VersionListener
from tests.conftest import sign_in
from tests.test_stale_pages import table_gone
from tests.test_version_listener import wait_for

PAGE = "/programmes/active-bystander-training/"
CACHED_PAGES = ["/", "/programmes/", "/programmes/?tag=wres", "/programmes/?q=bias", PAGE]
GZIP = {"HTTP_ACCEPT_ENCODING": "br, gzip"}


def from_the_front(response):
    """Whether the front answered: the session middleware, further down, never ran."""
    return not hasattr(response.wsgi_request, "session")


def visit(client, url, **headers):
    response = client.get(url, **GZIP, **headers)
    assert response.status_code in (200, 304), response.status_code
    return response


def html(response):
    return gzip.decompress(response.content).decode()


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True


@pytest.fixture
def programme(catalogue):
    return Programme.objects.get(slug="active-bystander-training")


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_repeat_visit_gets_the_full_paths_answer_from_the_front(client, catalogue, url):
    rendered = visit(client, url)
    assert not from_the_front(rendered)
    with CaptureQueriesContext(connection) as queries:
        again = visit(client, url)
    assert from_the_front(again)
    assert len(queries) == 1  # the catalogue's version (none on PostgreSQL: the listener)
    assert again.content == rendered.content
    # Every header the middleware below the front set (CSP, framing, Vary, ETag,
    # Content-Length...), and those above it set again.
    assert dict(again.items()) == dict(rendered.items())
    assert "Content-Security-Policy" in again
    assert again["Content-Encoding"] == "gzip"


def test_the_front_answers_conditional_gets_and_heads(client, catalogue):
    first = visit(client, PAGE)
    again = visit(client, PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert from_the_front(again)
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert visit(client, PAGE, HTTP_IF_NONE_MATCH='W/"something-else"').status_code == 200
    head = client.head(PAGE, **GZIP)
    assert from_the_front(head)
    assert head.status_code == 200
    assert head["Content-Length"] == first["Content-Length"]


def test_an_edit_shows_at_once_through_the_front(client, programme):
    visit(client, PAGE)
    visit(client, "/programmes/")
    assert from_the_front(visit(client, PAGE))
    programme.title = "Active Bystander Training for Everyone"
    programme.save()
    for url in (PAGE, "/programmes/"):
        fresh = visit(client, url)
        assert not from_the_front(fresh)
        assert "Active Bystander Training for Everyone" in html(fresh)


def test_others_take_the_full_path(client, catalogue, admin_user):
    visit(client, PAGE)
    assert from_the_front(visit(client, PAGE))
    # A client that does not take gzip: the view's cache answers it, in full.
    plain = client.get(PAGE)
    assert not from_the_front(plain)
    assert "Content-Encoding" not in plain
    # Pages the view's cache does not keep, and addresses that are not pages.
    for url in ("/healthz", "/programmes/not-a-programme/", "/programmes/feed/"):
        client.get(url, **GZIP)
        assert not from_the_front(client.get(url, **GZIP))
    # Editors: a session cookie, so a freshly rendered page.
    sign_in(client, admin_user)
    assert not from_the_front(visit(client, PAGE))


def test_a_page_that_sets_a_cookie_is_not_kept(client, catalogue, monkeypatch):
    original = page_cache._response

    def with_a_cookie(*args, **kwargs):
        response = original(*args, **kwargs)
        response.set_cookie("tracking", "no")
        return response

    monkeypatch.setattr(page_cache, "_response", with_a_cookie)
    visit(client, PAGE)
    assert not from_the_front(visit(client, PAGE))


def test_searches_answered_by_the_front_are_counted(client, catalogue):
    SEARCH_LOG._pending.clear()
    for _ in range(3):
        last = visit(client, "/programmes/?q=bias")
    assert from_the_front(last)
    SEARCH_LOG.flush()
    assert SearchCount.objects.get(query="bias").searches == 3


def test_a_variant_made_later_is_not_hidden_by_the_front(client, catalogue):
    """The catalogue page shows the booklet's size once the booklet is made: a
    page kept by the front before that is not served after it."""
    visit(client, "/programmes/", secure=True)
    assert from_the_front(visit(client, "/programmes/", secure=True))
    assert "PDF, " not in html(visit(client, "/programmes/", secure=True))
    assert client.get("/programmes/booklet.pdf", secure=True).status_code == 200
    after = visit(client, "/programmes/", secure=True)
    assert not from_the_front(after)
    assert "pages, " in html(after)


@pytest.fixture
def committed(transactional_db):
    """The catalogue committed: the stale-if-error health probe reads it from its own thread."""
    call_command("load_catalogue", verbosity=0)


def test_the_front_steps_aside_when_the_version_cannot_be_read(client, committed):
    fresh = visit(client, PAGE)
    assert from_the_front(visit(client, PAGE))
    with table_gone(CatalogueVersion):
        stale = visit(client, PAGE)
    assert not from_the_front(stale)
    assert stale["Warning"] == '110 - "Response is stale"'
    assert stale.content == fresh.content


@pytest.fixture
def listener(committed, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's (CI's PostgreSQL pass runs this)")
    listener = VersionListener().start()
    monkeypatch.setattr(page_cache, "LISTENER", listener)
    wait_for(listener.current)
    yield listener
    listener.stop()


def test_on_postgresql_the_front_answers_with_no_query(client, listener):
    for url in CACHED_PAGES:
        visit(client, url)
        with CaptureQueriesContext(connection) as queries:
            again = visit(client, url)
        assert from_the_front(again)
        assert len(queries) == 0, url


def test_a_notification_mid_render_does_not_put_the_page_in_the_front_under_the_new_version(
    client, listener
):
    visit(client, "/")  # templates loaded; the programme's page is not cached yet
    edited = []

    def edit_while_rendering(**_kwargs):
        if edited:
            return
        before = listener.current()[0]
        Programme.objects.filter(slug="active-bystander-training").update(
            title="Renamed mid-render"
        )
        edited.append(page_cache.catalogue_changed())  # commits: the listener is notified
        wait_for(lambda: (listener.current() or (before,))[0] != before, seconds=5)

    template_rendered.connect(edit_while_rendering)
    try:
        first = visit(client, PAGE)
    finally:
        template_rendered.disconnect(edit_while_rendering)
    assert edited
    assert "Renamed mid-render" not in html(first)  # read before the edit
    again = visit(client, PAGE)
    assert not from_the_front(again)
    assert "Renamed mid-render" in html(again)


def test_a_flood_of_one_off_searches_does_not_push_the_catalogues_pages_out(
    client, catalogue, settings
):
    """Searches are free text, with no end to them: their pages are kept apart
    (settings.CACHES["searches"]), so the programme pages stay (each cache drops
    its least recently used entries when full)."""
    small = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 12},
    }
    settings.CACHES = {
        "default": {**small, "LOCATION": "flood-pages"},
        "searches": {**small, "LOCATION": "flood-searches"},
    }
    visit(client, PAGE)
    for n in range(40):
        visit(client, f"/programmes/?q=bias&one-off={n}")
    with CaptureQueriesContext(connection) as queries:
        again = visit(client, PAGE)
    assert from_the_front(again)
    assert len(queries) == 1  # the version: nothing rendered again


def test_a_changed_setting_shows_in_the_headers_the_front_kept(client, catalogue, settings):
    """The card's frame-ancestors come from EMBED_ALLOWED_ORIGINS, read on every
    request by the full path: the front forgets its copies when a setting changes."""
    embed = PAGE + "embed/"
    settings.EMBED_ALLOWED_ORIGINS = []
    visit(client, embed)
    assert from_the_front(visit(client, embed))
    settings.EMBED_ALLOWED_ORIGINS = ["https://intranet.example.nhs.uk"]
    again = visit(client, embed)
    assert "frame-ancestors https://intranet.example.nhs.uk" in again["Content-Security-Policy"]
