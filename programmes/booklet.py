"""The programmes booklet: /programmes/booklet.pdf, an accessible PDF made from the catalogue.

It takes the catalogue's parameters (search, facets, sort), read by the
catalogue's finder as the downloads read them (programmes/exports.py), so a
trust can print just the programmes that suit its staff:
/programmes/booklet.pdf?tag=leadership.

Made with WeasyPrint (HTML and CSS to PDF, no browser): a cover, a contents
page with page numbers, the strategy in brief, one section per programme from
a new page (with its web address and a QR code to it), and a back page with
the contact and the date it was made. PDF/UA-1: tagged, with its title and
language declared, bookmarks, real text and alternative text for images.

Rendering takes seconds for a large catalogue (bench/README.md), so a booklet
is made once per catalogue version and kept in the cache: the version changes
with every edit and at midnight in London (programmes/cache.py), so a kept
booklet is never out of date. A burst of downloads renders it once (the first
request renders, the others wait for its result). MAX_PROGRAMMES bounds one
booklet: a larger selection is refused with a page saying how to narrow it.

The home and catalogue pages link the booklet with its size and pages once it
has been made (`link_facts`): they never render a PDF themselves, and a page
cached before the booklet was made is replaced by one that shows them
(`page_variant`, read by the page cache).
"""

import base64
import hashlib
import logging
import time
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .absolute_urls import absolute_url
from .cache import catalogue_version
from .finder import Finder
from .finder.form import FACETS
from .finder.index import in_order
from .models import Programme, ProgrammePartner
from .taking_part import LONDON, london_today, long_date

logger = logging.getLogger(__name__)

# The most programmes one booklet holds. WeasyPrint takes about 0.15 to 0.22 s of CPU a
# programme (a page each; bench/README.md): 50 programmes are a 52-page booklet made in
# about 7 s of CPU on the 2-core bench machine, a quarter of gunicorn's 30-second worker
# timeout (26 s of wall time when the machine was shared by three test suites), and
# already a thick booklet to print. A larger choice (the whole of a big catalogue) is
# refused with a page saying how to narrow it, rather than tying up a worker for
# minutes: 1,000 programmes took 3.5 minutes of CPU.
MAX_PROGRAMMES = 50
# A safety net only, as for pages: a new catalogue version is what makes a booklet stale.
KEEP_SECONDS = 24 * 60 * 60
# How long other requests wait for the one rendering a booklet before rendering it
# themselves (the renderer failed or was killed).
RENDER_WAIT_SECONDS = 30
FILENAME = "lwrs-programmes-booklet.pdf"
# The parameters that choose a booklet's programmes and their order ("page" does not).
CHOOSING = ("q", *FACETS, "sort", "spelling")

# How many booklets this process has rendered: tests and the benchmark read it to
# prove a download was served from the cache.
renders = 0


@dataclass(frozen=True)
class Booklet:
    pdf: bytes
    pages: int

    @property
    def size_label(self):
        """The size as GOV.UK and NHS.UK describe a download: "220 KB", "1.4 MB"."""
        size = len(self.pdf)
        if size < 1_000_000:
            return f"{max(1, round(size / 1000))} KB"
        return f"{size / 1_000_000:.1f} MB"


def _digest(*parts):
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def _site(request):
    return absolute_url(_home_path(get_script_prefix()), request)


@memoize
def _home_path(_script_prefix):
    """The home page's path, worked out once per script prefix (the one thing that
    changes it): the page cache asks for it on every visit (page_variant)."""
    return reverse("programmes:home")


def _choosing_params(params):
    """The parameters that choose a booklet's programmes, in a fixed order: the
    catalogue page and the booklet it links find the same key for the same choice."""
    return urlencode(
        sorted((name, value) for name in CHOOSING for value in params.getlist(name) if value)
    )


def _facts_key(request, version, params):
    return "booklet:facts:" + _digest(version, _site(request), _choosing_params(params))


def link_facts(request, params=None):
    """The booklet's pages and size for this page's choice of programmes, if it has
    been made for this catalogue version: {"pages": 14, "size": "220 KB"}, or None.
    A cache lookup, never a render."""
    version = getattr(request, "catalogue_version", None)
    if version is None:  # an uncached page (an editor's): no size rather than another query
        return None
    return cache.get(_facts_key(request, version, request.GET if params is None else params))


def page_variant(request, version, params=None):
    """What the page cache adds to a page's key (programmes/cache.py): whether its
    booklet link knows the booklet's size, so a page cached before the booklet was
    made is not served after it."""
    facts = cache.get(_facts_key(request, version, request.GET if params is None else params))
    return f"booklet-{facts['pages']}-{facts['size']}" if facts else ""


def home_page_variant(request, version):
    """The home page links the booklet of the whole catalogue, whatever its query."""
    return page_variant(request, version, params=QueryDict())


def _description(finder):
    """What chose the programmes, in words: ["Search: “mentoring”", "Topic: Leadership"]."""
    chosen = []
    if finder.query:
        chosen.append(f"Search: “{finder.corrected or finder.query}”")
    chosen.extend(
        f"{FACETS[name]}: {label[:1].upper()}{label[1:]}" for name, _, label in finder.selected()
    )
    return chosen


def _qr_code(url):
    """A QR code of the address as an SVG data URI: vector, so it prints sharp at any size."""
    return segno.make(url, error="m").svg_data_uri(border=0, omitsize=True, dark="#212b32")


@memoize
def _static_text(path):
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(found).read_text(encoding="utf-8")


@memoize
def _logo():
    svg = _static_text("images/nhs-logo.svg").encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _data_uris_only():
    """WeasyPrint's URL fetcher: data: URIs only (the logo and QR codes). The booklet
    never loads anything from the network or the disk while rendering, whatever the
    catalogue's text holds."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def _rows(pairs):
    return [(key, value) for key, value in pairs if value]


def _entry(programme, request, today):
    """What the booklet says about one programme."""
    url = absolute_url(programme.get_absolute_url(), request)
    upcoming, _past = programme.dates_on(today)
    facts = _rows(
        [
            (
                "Stage",
                programme.get_status_display()
                if programme.status == Programme.Status.BEING_DEVELOPED
                else "",
            ),
            ("Format", programme.get_kind_display()),
            (programme.launch_label, programme.launch_display),
            ("Who it is for", ", ".join(a.name for a in programme.audiences.all())),
        ]
    )
    taking_part = _rows(
        [
            ("Who can take part", programme.who_can_take_part),
            ("How to take part", programme.how_to_take_part),
            ("Cost", programme.cost),
            ("Time it takes", programme.time_commitment),
            ("How it is delivered", programme.get_delivery_display() if programme.delivery else ""),
            ("Where", programme.location),
        ]
    )
    return {
        "programme": programme,
        "anchor": f"programme-{programme.slug}",
        "availability": programme.availability_on(today),
        "facts": facts,
        "taking_part": taking_part,
        "upcoming_dates": upcoming,
        "partners": list(programme.partner_roles.all()),
        "contacts": list(programme.contacts.all()),
        "replacement": programme.public_replacement if programme.is_ended else None,
        "url": url,
        "qr_code": _qr_code(url),
    }


def _programmes(pks):
    partner_roles = ProgrammePartner.objects.select_related("partner")
    programmes = (
        Programme.objects.published()
        .select_related("replaced_by")
        .prefetch_related(
            "audiences",
            "contacts",
            "key_dates",
            Prefetch("partner_roles", queryset=partner_roles),
        )
    )
    return in_order(programmes, pks)


def render_booklet(request, pks, description):
    """The booklet of these programmes (in this order), as PDF bytes and a page count."""
    from weasyprint import CSS, HTML

    global renders
    renders += 1
    now = timezone.now().astimezone(LONDON)
    today = london_today()
    entries = [_entry(programme, request, today) for programme in _programmes(pks)]
    from .views import GLOSSARY

    context = {
        "entries": entries,
        "description": description,
        "generated_on": long_date(now.date()),
        "generated_at": now,
        "catalogue_url": absolute_url(reverse("programmes:list"), request),
        "site_url": absolute_url(reverse("programmes:home"), request),
        "logo": _logo(),
        "glossary": GLOSSARY,
        "team_email": settings.TEAM_EMAIL,
        "site_name": settings.SITE_NAME,
    }
    html = render_to_string("programmes/booklet/booklet.html", context)
    document = HTML(string=html, url_fetcher=_data_uris_only()).render(
        stylesheets=[CSS(string=_static_text("css/booklet.css"))]
    )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    return Booklet(pdf=pdf, pages=len(document.pages))


def _kept_or_rendered(key, render_it):
    """The booklet kept under `key`, or rendered once and kept. While one request
    renders it, others asking for the same booklet wait for its result (cache.add is
    atomic in every Django cache backend: with a shared cache, across servers too)."""
    booklet = cache.get(key)
    if booklet is not None:
        return booklet
    rendering = f"{key}:rendering"
    if not cache.add(rendering, True, RENDER_WAIT_SECONDS):
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            booklet = cache.get(key)
            if booklet is not None:
                return booklet
            if cache.get(rendering) is None:  # the renderer failed: render it here
                booklet = cache.get(key)
                if booklet is not None:
                    return booklet
                break
    try:
        booklet = render_it()
        cache.set(key, booklet, KEEP_SECONDS)
    finally:
        cache.delete(rendering)
    return booklet


def _too_many(request, count):
    from .views import CATALOGUE, HOME  # views imports this module

    context = {
        "count": count,
        "limit": MAX_PROGRAMMES,
        "catalogue_url": reverse("programmes:list")
        + (f"?{request.GET.urlencode()}" if request.GET else ""),
        "breadcrumb": [HOME, CATALOGUE],
    }
    # 400: the request asks for more than one booklet may hold; the page says how to
    # ask for less. Never cached by the page cache (it keeps only 200s).
    return render(request, "programmes/booklet/too_many.html", context, status=400)


@require_safe
def booklet_pdf(request):
    version = catalogue_version()
    finder = Finder(request.GET, version=version)
    pks = [int(pk) for pk in finder.pks()]
    if len(pks) > MAX_PROGRAMMES:
        return _too_many(request, len(pks))
    description = _description(finder)
    key = "booklet:pdf:" + _digest(version, _site(request), pks, description)
    booklet = _kept_or_rendered(key, lambda: render_booklet(request, pks, description))
    # The pages linking this booklet may now say how big it is.
    facts = {"pages": booklet.pages, "size": booklet.size_label}
    facts_key = _facts_key(request, version, request.GET)
    if cache.get(facts_key) != facts:
        cache.set(facts_key, facts, KEEP_SECONDS)
    response = HttpResponse(booklet.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response
