"""Whole-page caching of the public catalogue, correct the moment an editor saves.

Every cached page is keyed by the catalogue's version: a random token in the
database that every change to a catalogue record replaces, in the same
transaction as the change, so a page cached before a change is never served
after it: its key is never asked for, and it ages out of the cache. A fresh
token (not a counter) means a restored or rolled-back database can never bring
back a key of older content.

How a request knows the token: on PostgreSQL, a web process keeps it in memory,
told of each change by LISTEN/NOTIFY and reading it again at least twice a
second (programmes/version_listener.py): a cached page costs no database round
trip, and every worker of every app server sees a change within milliseconds,
within 1 second at worst. Otherwise (SQLite, a listener that is not connected
or not heard from, a request inside a transaction) the request reads it itself
(one query by primary key), and sees the change at once.

Each page is compressed once, when it is cached, and served gzipped to the
browsers that accept it (nearly all): a catalogue page is about a tenth of its
size on the wire. Only the compressed bytes are kept.

A repeat visit from such a browser is answered by the front of the cache
(front_of_page_cache, a middleware just after WhiteNoise), before the rest of
the middleware: the page as the full path finished it, under the same key. With
no query left on a cached page, Django's request path below it was the cost
that held pages to about half a static file's throughput (issue 19).

The cache backend can therefore be per process (local memory: settings.CACHES,
with searches' pages in a cache of their own): no shared cache server is needed
for correctness. With a shared one
(Redis, memcached), give each release its own KEY_PREFIX so a deploy never
serves pages rendered by the previous code.

Which changes: those to any catalogue record (programmes.models.CatalogueRecord),
connected by apps.py; their update() and bulk_create() make a new version too
(CatalogueQuerySet). Only a change in bulk to taggit's tags, or to a many-to-many
table outside its relation's manager, must call catalogue_changed() itself.
"""

import gzip
import hashlib
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, TypedDict, cast, overload

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from lwrs_site.db import deadline, refused

from .health import DATABASE, is_outage
from .models import CatalogueVersion
from .taking_part import london_today
from .version_listener import CHANNEL, LISTENER, read_token

# A safety net only: a change of version is what makes a page stale.
PAGE_SECONDS = 24 * 60 * 60
# The response headers a view sets itself (middleware adds the rest on every request).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Robots-Tag", "Link")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads it
# The cache that keeps the pages of searches (settings.CACHES), apart from the rest.
SEARCHES = "searches"
# What a view says about a page beyond its headers, kept with it: the search a
# catalogue page answered, which is counted on every visit (finder/search_log.py).
KEPT_ATTRIBUTES = ("search_made",)

View = Callable[..., HttpResponse]
# What else a page shows that can change without a new catalogue version.
Variant = Callable[[HttpRequest, str], str]
KeyFor = Callable[[HttpRequest, str], str]


if TYPE_CHECKING:

    class CatalogueRequest(HttpRequest):
        """A request as the page cache passes it on: with the version it read."""

        catalogue_version: str | None
        # The version the front of the cache read, for the view's cache to reuse.
        front_version: str | None


class Entry(TypedDict):
    """A page as the cache keeps it (see _entry)."""

    status: int
    headers: list[tuple[str, str]]
    etag: str
    gzip: bytes
    attributes: dict[str, Any]


def catalogue_version() -> str:
    """The label of what the catalogue shows now: the database's token and London's date.

    The date is part of it because pages and the finder's index show availability,
    which changes at midnight in London without an edit (programmes/taking_part.py):
    a page cached yesterday must not be served today."""
    return _label(read_token(connection) or catalogue_changed())


def _label(token: str) -> str:
    # London's date is worked out here, in the process: midnight turns every
    # page over with no database read, whoever supplied the token.
    return f"{token}-{london_today():%Y%m%d}"


def catalogue_changed(**_signal_kwargs: Any) -> str:
    """A new version: every page cached so far is stale. Also a signal receiver."""
    token = uuid.uuid4().hex
    if connection.vendor == "postgresql":
        # One statement: the new token and the notification that tells every
        # web process (programmes/version_listener.py) commit together, with
        # the change, or not at all.
        table = connection.ops.quote_name(CatalogueVersion._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH changed AS (UPDATE {table} SET token = %s WHERE id = 1 RETURNING token) "  # noqa: S608 - a model's table name
                "SELECT pg_notify(%s, token) FROM changed",
                [token, CHANNEL],
            )
            if cursor.fetchone() is not None:
                return token
    elif CatalogueVersion.objects.filter(pk=1).update(token=token):
        return token
    CatalogueVersion.objects.update_or_create(pk=1, defaults={"token": token})
    return token


def connect_signals(models: Iterable[type[Model]], through_models: Iterable[type[Model]]) -> None:
    for model in models:
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model}")
        post_delete.connect(
            catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model}"
        )
    for through in through_models:
        m2m_changed.connect(
            catalogue_changed, sender=through, dispatch_uid=f"catalogue-m2m-{through}"
        )


def _store(request: HttpRequest) -> BaseCache:
    """Where a page is kept: a search's page in the searches' own cache, so that
    one-off searches never push the catalogue's pages out of theirs."""
    if request.GET.get("q") and SEARCHES in settings.CACHES:
        return caches[SEARCHES]
    return cache


def _anonymous_read(request: HttpRequest) -> bool:
    """A request the page cache may answer: a GET or HEAD without a session cookie
    (an editor, who may preview drafts, always gets a freshly rendered page)."""
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request: HttpRequest, version: str, variant: str = "") -> str:
    raw = f"{version}|{request.scheme}|{request.get_host()}|{request.get_full_path()}|{variant}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that used the CSRF token holds a per-visitor secret.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")))


def _kept_attributes(response: HttpResponseBase) -> dict[str, Any]:
    return {name: getattr(response, name) for name in KEPT_ATTRIBUTES if hasattr(response, name)}


def _entry(response: HttpResponse) -> Entry:
    """What the cache keeps of a page: compressed once here, not on every visit.
    Public pages hold no secret, so compressing them gives BREACH nothing to find.
    Only the compressed bytes are kept (a seventh of the size): the rare client
    that does not take gzip gets them decompressed, about 0.1 ms a page."""
    set_response_etag(response)
    return {
        "status": response.status_code,
        "headers": [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)],
        "etag": response["ETag"],
        "gzip": gzip.compress(response.content, compresslevel=6, mtime=0),
        "attributes": _kept_attributes(response),
    }


def _response(entry: Entry, request: HttpRequest, key: str | None = None) -> HttpResponse:
    """The page from its entry. With the key it was cached under, so the front of
    the cache (front_of_page_cache) may keep it as the middleware finish it; a
    stale page is not given one."""
    gzipped = _accepts_gzip(request)
    content = entry["gzip"] if gzipped else gzip.decompress(entry["gzip"])
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    for name, value in entry["attributes"].items():
        setattr(response, name, value)
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = entry["etag"]
    if gzipped:
        response["Content-Encoding"] = "gzip"
        # The compressed bytes differ from the plain ones: a weak ETag, as Django's
        # GZipMiddleware gives, still lets conditional GETs match.
        response["ETag"] = "W/" + entry["etag"]
    if key is not None:
        response.page_cache_key = key  # type: ignore[attr-defined]  # read by the front
    return response


@overload
def cache_public_page(view: View, *, variant: Variant | None = None) -> View: ...
@overload
def cache_public_page(
    view: None = None, *, variant: Variant | None = None
) -> Callable[[View], View]: ...
def cache_public_page(
    view: View | None = None, *, variant: Variant | None = None
) -> View | Callable[[View], View]:
    """Serve the page from the cache while the catalogue has not changed,
    gzipped for the browsers that accept it.

    Only anonymous GETs (and HEADs) without a session cookie: an editor (who may
    preview drafts) always gets a freshly rendered page, and so does anyone
    whose session might change what they see.

    `variant(request, version)`, when given, names what else the page shows that
    can change without a new catalogue version (a cheap cache lookup): e.g. the
    booklet's size, known once the booklet has been made (programmes/booklet.py).

    When the database cannot tell the version (down, frozen, slow), the page
    comes from the cache as this worker last knew it current (stale-if-error),
    or, if it is not there, as the 503 page: never a 500."""
    if view is None:
        return lambda view: cache_public_page(view, variant=variant)

    def key_for(request: HttpRequest, version: str) -> str:
        return _key(request, version, variant(request, version) if variant else "")

    @wraps(view)
    def cached_view(request: "CatalogueRequest", *args: Any, **kwargs: Any) -> HttpResponse:
        if not _anonymous_read(request):
            return view(request, *args, **kwargs)
        # One read of the version per request: the front's, if it made one.
        version = getattr(request, "front_version", None) or _read_version(request)
        if version is None:
            return _stale_or_unavailable(request, view, args, kwargs, key_for)
        request.catalogue_version = version  # the finder's index reads it too
        key = key_for(request, version)
        store = _store(request)
        entry = store.get(key)
        if entry is None:
            with _one_render_at_a_time(key):
                # Rendered by another thread while this one waited?
                entry = store.get(key)
                if entry is None:
                    try:
                        response = view(request, *args, **kwargs)
                    except Exception as error:
                        if not is_outage(error):
                            raise
                        DATABASE.failed(error, request.path)
                        return _stale_or_unavailable(request, view, args, kwargs, key_for)
                    if not _cacheable(request, response):
                        return response
                    entry = _entry(response)
                    store.set(key, entry, PAGE_SECONDS)
        return _response(entry, request, key)

    # How the front of the cache finds this view's pages (front_of_page_cache).
    cached_view.page_cache_key_for = key_for  # type: ignore[attr-defined]
    return cached_view


# --- One render of a page at a time ---------------------------------------------

# After an edit every cached page is stale at once, and a popular page's next
# visitors arrive together: each of a worker's threads used to render the same
# page at the same moment, sharing the CPU, so all of them waited as long as all
# the renders together (the benchmark's p99 after its pages were evicted). Now
# the first renders it and the others wait for it, then take it from the cache.
# Locks are shared by stripes of keys (a fixed number, nothing to clean up): two
# pages that share one are rendered one after the other, which only costs a wait.
RENDER_STRIPES = [threading.Lock() for _ in range(64)]
# A render that takes longer than this (a database that does not answer has its
# own deadlines) is not waited for: the thread renders the page itself.
RENDER_WAIT_SECONDS = 10


@contextmanager
def _one_render_at_a_time(key: str) -> Iterator[None]:
    lock = RENDER_STRIPES[int(key[-8:], 16) % len(RENDER_STRIPES)]
    held = lock.acquire(timeout=RENDER_WAIT_SECONDS)
    try:
        yield
    finally:
        if held:
            lock.release()


# --- The front: repeat visits answered before the middleware --------------------

# What the front keeps is a page as the whole middleware stack finished it.
FRONT = "front:"


class _Front:
    """Which of the front's copies are current. Its copies hold headers made from
    settings (the CSP, and frame-ancestors from EMBED_ALLOWED_ORIGINS), which the
    full path reads on every request; settings change while a process runs only in
    tests (override_settings, which sends setting_changed), and then the front
    forgets what it kept."""

    generation = 0


@receiver(setting_changed)
def _settings_changed(**_kwargs: Any) -> None:
    _Front.generation += 1


def _front(key: str) -> str:
    return f"{FRONT}{_Front.generation}:{key}"


class FrontEntry(TypedDict):
    """A page as the front keeps it: gzipped, with every header the middleware set."""

    status: int
    headers: list[tuple[str, str]]
    content: bytes
    attributes: dict[str, Any]


def front_of_page_cache(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Any:
    """Middleware, just after WhiteNoise: a repeat visit to a cached public page
    is answered here, before the rest of the stack (sessions, CSRF, sign-in, two
    factors, messages, history, ...), none of which an anonymous visitor's cached
    page needs. Django's request path below this point cost more than the page's
    own lookup: with it, a cached page ran at about 0.46 of a static file's
    throughput on PostgreSQL (issue 19; bench/README.md).

    It answers only what the view's cache (cache_public_page) would answer from
    its entry: the same request (anonymous GET or HEAD, no session cookie), the
    same version read once (listener or query), the same key (variant included),
    and only a page that the view's cache marked with that key on its way out,
    kept as the middleware below finished it (CSP, framing, Vary, ETag and
    Content-Length headers included), so its answer is byte for byte the full
    path's. Only the gzipped form is kept (browsers all ask for it): other
    clients, stale pages, errors and anything with a cookie take the full path.
    When the version cannot be read, it steps aside: the view's stale-if-error
    answers."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        key = _front_key(request)
        if key is not None:
            entry = _store(request).get(_front(key))
            if entry is not None:
                return _front_response(entry, request)
        response = get_response(request)
        kept = getattr(response, "page_cache_key", None)
        if kept is not None and request.method == "GET" and _front_keeps(request, response):
            _store(request).set(_front(kept), _front_entry(response), PAGE_SECONDS)
        return response

    return middleware


def _front_key(request: HttpRequest) -> str | None:
    """The view's cache key for this request, if the view caches its pages and the
    version can be read; None sends the request down the full path."""
    if not (_anonymous_read(request) and _accepts_gzip(request)):
        return None
    try:
        key_for = getattr(resolve(request.path_info).func, "page_cache_key_for", None)
    except Resolver404:
        return None
    if key_for is None:
        return None
    version = _read_version(request)
    if version is None:
        return None
    cast("CatalogueRequest", request).front_version = version
    return cast(KeyFor, key_for)(request, version)


def _front_keeps(request: HttpRequest, response: HttpResponseBase) -> bool:
    """What the view's cache would keep, as the middleware finished it (a cookie
    set on the way out counts too), in its gzipped form and never stale."""
    return (
        _cacheable(request, response)
        and response.get("Content-Encoding") == "gzip"
        and not response.has_header("Warning")
    )


def _front_entry(response: HttpResponseBase) -> FrontEntry:
    return {
        "status": response.status_code,
        "headers": list(response.items()),
        "content": cast(HttpResponse, response).content,
        "attributes": _kept_attributes(response),
    }


def _front_response(entry: FrontEntry, request: HttpRequest) -> HttpResponseBase:
    response = HttpResponse(
        entry["content"], status=entry["status"], headers=dict(entry["headers"])
    )
    for name, value in entry["attributes"].items():
        setattr(response, name, value)
    if request.method != "GET":
        return response
    # What ConditionalGetMiddleware, below, would do: a 304 for a matching ETag.
    conditional = get_conditional_response(request, etag=response.get("ETag"), response=response)
    return conditional or response


# --- Stale-if-error ---------------------------------------------------------------

# The public read of the version gets this long (a read by primary key: a server
# that answers takes milliseconds). Then the page is served stale.
VERSION_READ_SECONDS = 2
# How long browsers and shared caches may keep a stale page (the bound).
STALE_MAX_AGE = 60


class _Seen:
    """The last catalogue version this worker read, and when (time.monotonic())."""

    version: str | None = None
    at = 0.0


def _read_version(request: HttpRequest) -> str | None:
    """The catalogue version, or None when the database cannot say it now."""
    if DATABASE.is_down():
        return None
    # A connection inside a transaction may see a change of its own that the
    # listener's cannot: it reads for itself.
    shared = None if connection.in_atomic_block else LISTENER.current()
    if shared is not None:
        token, read_at = shared
        version = _label(token)
        _Seen.version, _Seen.at = version, read_at
        return version
    try:
        with deadline(connection, VERSION_READ_SECONDS):
            version = catalogue_version()
    except Exception as error:
        if not is_outage(error):
            raise
        DATABASE.failed(error, request.path, stop_reads=True)
        return None
    _Seen.version, _Seen.at = version, time.monotonic()
    DATABASE.answered()
    return version


def _stale_or_unavailable(
    request: "CatalogueRequest",
    view: View,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    key_for: KeyFor,
) -> HttpResponse:
    """The page as cached under the last version this worker read, marked stale:
    it is what the catalogue was at the last change this worker saw, never older.
    A page not cached is rendered without the database if it can be (a catalogue
    page: from the finder's index, still in memory under that version); any other
    gets the 503 page."""
    if _Seen.version is None:
        return cast(HttpResponse, DATABASE.unavailable())  # health.py: the 503 page
    key = key_for(request, _Seen.version)
    store = _store(request)
    entry = store.get(key) or _render_without_database(request, view, args, kwargs)
    if entry is None:
        return cast(HttpResponse, DATABASE.unavailable())  # health.py: the 503 page
    store.set(key, entry, PAGE_SECONDS)
    DATABASE.served_stale()
    response = _response(entry, request)
    # Age: how long since this page was last known current (its version read).
    response["Age"] = str(int(time.monotonic() - _Seen.at))
    response["Warning"] = '110 - "Response is stale"'
    # Downstream caches keep it a minute at most (less its Age): fresh pages
    # come back as soon as the database does.
    response["Cache-Control"] = f"max-age={STALE_MAX_AGE}"
    return response


def _render_without_database(
    request: "CatalogueRequest", view: View, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Entry | None:
    """The page rendered as of the last version read, with every database call
    refused at once: what needs only in-memory state (the finder's index
    labelled with that version) renders; anything else gives None."""
    request.catalogue_version = _Seen.version
    try:
        with refused("the database is not answering: rendering from memory"):
            response = view(request, *args, **kwargs)
    except Exception as error:
        if not is_outage(error):
            raise
        return None
    return _entry(response) if _cacheable(request, response) else None
