"""Public pages are cached, and an editor's change shows on the very next request."""

import gzip
import threading
import time

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from programmes import cache as page_cache
from programmes.models import Audience, Programme, ProgrammeLink
from tests.conftest import sign_in

PAGE = "/programmes/active-bystander-training/"


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def programme(catalogue):
    return Programme.objects.get(slug="active-bystander-training")


@pytest.mark.parametrize("url", ["/", "/programmes/", "/programmes/?tag=wres", PAGE, "/partners/"])
def test_a_repeat_visit_costs_one_query(client, catalogue, url):
    first, _ = get(client, url)
    again, queries = get(client, url)
    assert queries == 1  # the catalogue's version
    assert again == first


def test_a_cached_page_keeps_its_headers(client, catalogue):
    first = client.get("/programmes/?q=bias")
    again = client.get("/programmes/?q=bias")
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again.has_header("ETag")


def test_an_edit_shows_at_once(client, programme):
    get(client, PAGE)
    get(client, "/programmes/")
    programme.title = "Active Bystander Training for Everyone"
    programme.save()
    assert "Active Bystander Training for Everyone" in get(client, PAGE)[0]
    assert "Active Bystander Training for Everyone" in get(client, "/programmes/")[0]


def test_related_records_invalidate_too(client, programme):
    get(client, PAGE)
    partner = programme.partners.first()
    partner.name = "A Renamed Partner"
    partner.save()
    assert "A Renamed Partner" in get(client, PAGE)[0]

    programme.tags.add("brand new topic")
    assert "brand new topic" in get(client, PAGE)[0]

    audience = Audience.objects.create(name="Porters", slug="porters")
    programme.audiences.add(audience)
    assert "Porters" in get(client, PAGE)[0]

    ProgrammeLink.objects.create(
        programme=programme, label="A new link", url="https://example.org/"
    )
    assert "A new link" in get(client, PAGE)[0]
    ProgrammeLink.objects.filter(label="A new link").delete()  # a bulk delete sends post_delete
    assert "A new link" not in get(client, PAGE)[0]


def test_unpublishing_hides_a_cached_page(client, programme):
    get(client, PAGE)
    programme.is_published = False
    programme.save()
    assert client.get(PAGE).status_code == 404


def test_a_change_in_bulk_shows_at_once(client, programme):
    """QuerySet.update() sends no signal; a catalogue record's makes a new version itself
    (programmes.models.CatalogueQuerySet), for the page and for the finder's index."""
    get(client, PAGE)
    get(client, "/programmes/?q=zebra")
    Programme.objects.filter(pk=programme.pk).update(title="Zebra crossing training")
    assert "Zebra crossing training" in get(client, PAGE)[0]
    assert "Zebra crossing training" in get(client, "/programmes/?q=zebra")[0]


def test_every_worker_sees_a_change(client, programme, monkeypatch):
    """Each gunicorn worker has its own cache; the version they all read is in the database."""
    workers = [LocMemCache(f"worker-{i}", {}) for i in range(2)]
    for worker in workers:
        monkeypatch.setattr(page_cache, "cache", worker)
        get(client, PAGE)
        assert get(client, PAGE)[1] == 1  # this worker now serves it from its cache
    programme.title = "Renamed While Cached Twice"
    programme.save()  # made on one server; nothing tells the workers' caches
    for worker in workers:
        monkeypatch.setattr(page_cache, "cache", worker)
        assert "Renamed While Cached Twice" in get(client, PAGE)[0]


def test_editors_always_get_a_fresh_page(client, programme, admin_user):
    get(client, PAGE)
    draft = Programme.objects.create(title="Draft in progress", summary="s", is_published=False)
    sign_in(client, admin_user)
    assert settings.SESSION_COOKIE_NAME in client.cookies
    html, queries = get(client, draft.get_absolute_url())
    assert "Draft" in html
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_not_found_is_not_cached(client, catalogue):
    assert client.get("/programmes/not-yet/").status_code == 404
    Programme.objects.create(title="Not yet", summary="s", is_published=True)
    assert client.get("/programmes/not-yet/").status_code == 200


def test_the_host_is_part_of_the_key(client, catalogue):
    a = client.get(PAGE, HTTP_HOST="localhost").content.decode()
    b = client.get(PAGE, HTTP_HOST="127.0.0.1").content.decode()
    assert "http://localhost/" in a
    assert "http://127.0.0.1/" in b


def test_switched_off_it_renders_every_time(client, catalogue, settings):
    settings.PUBLIC_PAGE_CACHE = False
    get(client, PAGE)
    assert get(client, PAGE)[1] > 1


def test_a_miss_costs_one_query_more_than_the_page(client, catalogue, settings):
    settings.PUBLIC_PAGE_CACHE = False
    _, uncached = get(client, PAGE)
    settings.PUBLIC_PAGE_CACHE = True
    page_cache.catalogue_changed()
    _, miss = get(client, PAGE)
    assert miss == uncached + 1


def test_pages_are_gzipped_for_browsers_that_accept_it(client, catalogue):
    plain = client.get("/programmes/")
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
    for _ in range(2):  # rendered, then from the cache
        packed = client.get("/programmes/", HTTP_ACCEPT_ENCODING="br, gzip")
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 3


def test_a_cached_page_answers_conditional_gets(client, catalogue):
    first = client.get(PAGE)
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    packed = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["ETag"] == "W/" + first["ETag"]
    assert (
        client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]).status_code
        == 304
    )
    programme = Programme.objects.get(slug="active-bystander-training")
    programme.summary = "A new summary."
    programme.save()
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_cached_page_is_kept_compressed_only(client, catalogue, monkeypatch):
    """Each worker keeps its pages in memory: the compressed bytes alone (a
    client that does not take gzip gets them decompressed)."""
    worker = LocMemCache("one-worker", {})
    monkeypatch.setattr(page_cache, "cache", worker)
    plain = client.get("/programmes/")
    kept = sum(len(value) for value in worker._cache.values())
    assert kept < len(plain.content) / 3
    assert client.get("/programmes/").content == plain.content  # from the cache, decompressed


def test_a_page_asked_for_by_many_at_once_is_rendered_once(rf, settings, monkeypatch):
    """After an edit every page is stale at once: the threads of a worker that ask
    for the same page together wait for one render instead of each making it."""
    settings.PUBLIC_PAGE_CACHE = True
    monkeypatch.setattr(page_cache, "_read_version", lambda request: "a-version")
    monkeypatch.setattr(page_cache, "cache", LocMemCache("rendered-once", {}))
    renders = []

    @page_cache.cache_public_page
    def slow_view(request):
        renders.append(threading.current_thread().name)
        time.sleep(0.3)  # long enough for every thread to ask meanwhile
        return HttpResponse("the page")

    answers = []

    def ask():
        answers.append(slow_view(rf.get("/a-page/")).content)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(renders) == 1
    assert answers == [b"the page"] * 6
