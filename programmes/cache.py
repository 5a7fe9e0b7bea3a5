"""Whole-page caching of the public catalogue, correct the moment an editor saves.

Every cached page is keyed by the catalogue's version: a random token in the
database that every change to a catalogue record replaces, in the same
transaction as the change. Each request reads the token (one query by primary
key), so every gunicorn worker and every app server sees an editor's change at
once, and a page cached before it is never served again: its key is never asked
for, and it ages out of the cache. A fresh token (not a counter) means a restored
or rolled-back database can never bring back a key of older content.

Each page is compressed once, when it is cached, and served gzipped to the
browsers that accept it (nearly all): a catalogue page is about a tenth of its
size on the wire.

The cache backend can therefore be per process (Django's default local-memory
cache): no shared cache server is needed for correctness. With a shared one
(Redis, memcached), give each release its own KEY_PREFIX so a deploy never
serves pages rendered by the previous code.

Changes made with QuerySet.update() or bulk_create() send no signals: call
catalogue_changed() after them.
"""

import gzip
import hashlib
import re
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag

from .models import CatalogueVersion
from .taking_part import london_today

# A safety net only: a change of version is what makes a page stale.
PAGE_SECONDS = 24 * 60 * 60
# The response headers a view sets itself (middleware adds the rest on every request).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Robots-Tag", "Link")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads it
# What a view says about a page beyond its headers, kept with it: the search a
# catalogue page answered, which is counted on every visit (finder/search_log.py).
KEPT_ATTRIBUTES = ("search_made",)


def catalogue_version():
    """The label of what the catalogue shows now: the database's token and London's date.

    The date is part of it because pages and the finder's index show availability,
    which changes at midnight in London without an edit (programmes/taking_part.py):
    a page cached yesterday must not be served today."""
    # Plain SQL: every cached page pays for this query, and building it with the
    # ORM cost several times more than running it.
    table = connection.ops.quote_name(CatalogueVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [1])  # noqa: S608 - a model's table name
        row = cursor.fetchone()
    token = row[0] if row else catalogue_changed()
    return f"{token}-{london_today():%Y%m%d}"


def catalogue_changed(**_signal_kwargs):
    """A new version: every page cached so far is stale. Also a signal receiver."""
    token = uuid.uuid4().hex
    if not CatalogueVersion.objects.filter(pk=1).update(token=token):
        CatalogueVersion.objects.update_or_create(pk=1, defaults={"token": token})
    return token


def connect_signals(models, through_models):
    for model in models:
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model}")
        post_delete.connect(
            catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model}"
        )
    for through in through_models:
        m2m_changed.connect(
            catalogue_changed, sender=through, dispatch_uid=f"catalogue-m2m-{through}"
        )


def _key(request, version, variant=""):
    raw = f"{version}|{request.scheme}|{request.get_host()}|{request.get_full_path()}|{variant}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that used the CSRF token holds a per-visitor secret.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _entry(response):
    """What the cache keeps of a page: compressed once here, not on every visit.
    Public pages hold no secret, so compressing them gives BREACH nothing to find."""
    set_response_etag(response)
    return {
        "status": response.status_code,
        "headers": [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)],
        "etag": response["ETag"],
        "plain": response.content,
        "gzip": gzip.compress(response.content, compresslevel=6, mtime=0),
        "attributes": {
            name: getattr(response, name) for name in KEPT_ATTRIBUTES if hasattr(response, name)
        },
    }


def _response(entry, request):
    gzipped = bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
    response = HttpResponse(entry["gzip" if gzipped else "plain"], status=entry["status"])
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
    return response


def cache_public_page(view=None, *, variant=None):
    """Serve the page from the cache while the catalogue has not changed,
    gzipped for the browsers that accept it.

    Only anonymous GETs without a session cookie: an editor (who may preview
    drafts) always gets a freshly rendered page, and so does anyone whose
    session might change what they see.

    `variant(request, version)`, when given, names what else the page shows that
    can change without a new catalogue version (a cheap cache lookup): e.g. the
    booklet's size, known once the booklet has been made (programmes/booklet.py)."""
    if view is None:
        return lambda view: cache_public_page(view, variant=variant)

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if (
            not settings.PUBLIC_PAGE_CACHE
            or request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return view(request, *args, **kwargs)
        request.catalogue_version = version = catalogue_version()  # the finder's index reads it too
        key = _key(request, version, variant(request, version) if variant else "")
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if not _cacheable(request, response):
                return response
            entry = _entry(response)
            cache.set(key, entry, PAGE_SECONDS)
        return _response(entry, request)

    return cached_view
