"""Programmes on other sites: embeddable cards, oEmbed, and CORS for the feed and JSON.

- /programmes/<slug>/embed/ is a compact card (title, availability, summary, a link
  out) that trusts' intranets may show in an <iframe>. It is the only page that
  relaxes the content security policy's frame-ancestors, and only to the origins in
  settings.EMBED_ALLOWED_ORIGINS (DJANGO_EMBED_ALLOWED_ORIGINS); every other page
  keeps frame-ancestors 'none' and X-Frame-Options DENY.
- /oembed?url=...&format=json is oEmbed 1.0 (https://oembed.com/) for programme
  pages: tools that speak it (SharePoint, WordPress, many CMSs) embed a card from
  the page's address. Each programme page links it in its head (discovery).
- The Atom feed and the JSON download may be read by scripts on the same origins
  (`allow_cors`): a GET with an allowed Origin gets Access-Control-Allow-Origin.

Origins are CSP source expressions (https://intranet.example.nhs.uk,
https://*.nhs.uk, http://127.0.0.1:8123); `origin_allowed` reads an Origin header
against them as a browser reads frame-ancestors, so framing and CORS agree.
"""

import math
import re
from functools import wraps
from urllib.parse import urlencode, urlsplit

from csp.constants import NONE
from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from .absolute_urls import absolute_url
from .cache import cache_public_page
from .models import Programme, ProgrammeSlug
from .taking_part import london_today

DEFAULT_PORTS = {"http": 80, "https": 443}

# The card's size in an <iframe>: wide enough for a sidebar, and tall enough for
# the longest documented programme's card at that width (tests/browser measure it).
CARD_WIDTH = 480
CARD_BASE_HEIGHT = 190  # padding, source line, availability and the link out
LINE_HEIGHT = 24
TITLE_LINE_HEIGHT = 30
CHARACTER_WIDTH = 8.6  # an average character of 16px Arial, in CSS pixels
CARD_PADDING = 48
SUMMARY_WORDS = 40
MAX_URL_LENGTH = 2000
# The views whose address names a programme (an old address too) that has a card.
CARD_VIEWS = ("programmes:detail", "programmes:embed")


# --- Origins -----------------------------------------------------------------


ORIGIN = re.compile(r"^(?P<scheme>https?)://(?P<host>[^:/?#\s]+)(?::(?P<port>\d{1,5}))?$", re.I)
PATTERN = re.compile(
    r"^(?P<scheme>https?)://(?P<wildcard>\*\.)?(?P<host>[^:/?#\s*]+)(?::(?P<port>\d{1,5}|\*))?$",
    re.I,
)


def origin_allowed(origin, patterns):
    """Whether an Origin header (scheme://host[:port]) is one of the patterns, read as
    CSP reads host sources: "https://*.nhs.uk" is any subdomain of nhs.uk (not nhs.uk
    itself); a pattern without a port means the scheme's default port; ":*" any port."""
    found = ORIGIN.match(origin or "")
    if not found:
        return False  # no Origin, "null" (a sandboxed frame, a file), or not an origin
    scheme, host = found["scheme"].lower(), found["host"].lower().rstrip(".")
    port = int(found["port"]) if found["port"] else DEFAULT_PORTS[scheme]
    for pattern in patterns:
        wanted = PATTERN.match(pattern)
        if not wanted or wanted["scheme"].lower() != scheme:
            continue
        wanted_port = wanted["port"] or str(DEFAULT_PORTS[scheme])
        if wanted_port != "*" and int(wanted_port) != port:
            continue
        domain = wanted["host"].lower()
        matches = host.endswith(f".{domain}") if wanted["wildcard"] else host == domain
        if matches:
            return True
    return False


def allow_cors(view):
    """Let scripts on the allowed origins read this GET response (Access-Control-Allow-Origin
    names the one origin asking; never "*", never credentials). `Vary: Origin` keeps
    caches from handing one origin's answer to another."""

    @wraps(view)
    def cors_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            patch_vary_headers(response, ["Origin"])
            origin = request.headers.get("Origin", "")
            if origin_allowed(origin, settings.EMBED_ALLOWED_ORIGINS):
                response["Access-Control-Allow-Origin"] = origin
        return response

    return cors_view


def embeddable(view):
    """May be framed by the allowed origins, and by no other: the CSP's frame-ancestors
    lists them (X-Frame-Options cannot name origins, so it is left off: browsers that
    know frame-ancestors ignore it anyway), and Cross-Origin-Resource-Policy lets a
    page of another origin load it. Read per request, so a changed setting applies."""

    @wraps(view)
    def embeddable_view(request, *args, **kwargs):
        ancestors = list(settings.EMBED_ALLOWED_ORIGINS) or [NONE]
        framed = xframe_options_exempt(csp_replace({"frame-ancestors": ancestors})(view))
        response = framed(request, *args, **kwargs)
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    return embeddable_view


# --- The card ----------------------------------------------------------------


def _published_programme(slug):
    """(programme, None) for a published programme's slug; (None, current slug) for an
    old slug of one; (None, None) otherwise."""
    programme = (
        Programme.objects.published().prefetch_related("key_dates").filter(slug=slug).first()
    )
    if programme is not None:
        return programme, None
    old = (
        ProgrammeSlug.objects.filter(slug=slug, programme__in=Programme.objects.published())
        .values_list("programme__slug", flat=True)
        .first()
    )
    return None, old


@require_safe
@embeddable
@cache_public_page
def programme_embed(request, slug):
    programme, current_slug = _published_programme(slug)
    if current_slug:
        return HttpResponsePermanentRedirect(reverse("programmes:embed", args=[current_slug]))
    if programme is None:
        # Still a card (framed, it would otherwise show the browser's own error).
        catalogue_url = absolute_url(reverse("programmes:list"), request)
        return render(
            request,
            "programmes/embed_not_found.html",
            {"catalogue_url": catalogue_url},
            status=404,
        )
    context = {
        "programme": programme,
        "availability": programme.availability_on(london_today()),
        "summary": Truncator(programme.summary).words(SUMMARY_WORDS),
        "page_url": absolute_url(programme.get_absolute_url(), request),
    }
    return render(request, "programmes/embed.html", context)


def card_height(programme, width=CARD_WIDTH):
    """The card's height at `width` CSS pixels, estimated from its text: a frame's
    height cannot follow its content across origins without script on both sides."""
    characters_per_line = max(1, (width - CARD_PADDING) / CHARACTER_WIDTH)
    summary = Truncator(programme.summary).words(SUMMARY_WORDS)
    summary_lines = math.ceil(len(summary) / characters_per_line)
    title_lines = math.ceil(len(programme.title) / (characters_per_line * 0.8))
    link_lines = math.ceil((len(programme.title) + 40) / characters_per_line)
    return (
        CARD_BASE_HEIGHT
        + title_lines * TITLE_LINE_HEIGHT
        + (summary_lines + link_lines) * LINE_HEIGHT
    )


def iframe_html(programme, request, width=CARD_WIDTH, height=None):
    """The <iframe> a site pastes to show the card: titled (screen readers announce the
    frame by it), lazily loaded, and sandboxed (the card runs no script; its link may
    open a new tab)."""
    height = height or card_height(programme, width)
    src = absolute_url(reverse("programmes:embed", args=[programme.slug]), request)
    return format_html(
        '<iframe src="{}" title="{}: London Workforce Race Strategy programme" width="{}" '
        'height="{}" loading="lazy" sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>',
        src,
        programme.title,
        width,
        height,
    )


# --- oEmbed ------------------------------------------------------------------


class BadRequest(Exception):
    pass


def _dimension(request, name):
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= 10_000:
        raise BadRequest(f"{name} must be a whole number of pixels from 1 to 10000")
    return int(raw)


def _slug_of(url, request):
    """The programme slug an address names on this site, or None."""
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise BadRequest("url must be the web address of a programme page")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise BadRequest("url must be the web address of a programme page") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest("url must be an http or https address")
    if parts.netloc.lower() != request.get_host().lower():
        return None  # another site's page: we have no card for it
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.kwargs["slug"] if match.view_name in CARD_VIEWS else None


def _plain(status, message):
    return HttpResponse(f"{message}\n", status=status, content_type="text/plain; charset=utf-8")


@require_safe
def oembed(request):
    """oEmbed 1.0, type "rich": an <iframe> of the programme's card. 404 for an
    address that is not a published programme's page; 400 for a bad url, maxwidth or
    maxheight; 501 for a format other than json (the spec's answer)."""
    if request.GET.get("format", "json") != "json":
        return _plain(501, "Only format=json is offered")
    try:
        slug = _slug_of(request.GET.get("url", "").strip(), request)
        max_width = _dimension(request, "maxwidth")
        max_height = _dimension(request, "maxheight")
    except BadRequest as error:
        return _plain(400, str(error))
    programme, current_slug = _published_programme(slug) if slug else (None, None)
    if programme is None and current_slug:
        programme, _ = _published_programme(current_slug)
    if programme is None:
        return _plain(404, "No published programme has that address")
    width = min(CARD_WIDTH, max_width or CARD_WIDTH)
    height = card_height(programme, width)
    if max_height:
        height = min(height, max_height)
    data = {
        "version": "1.0",
        "type": "rich",
        "title": programme.title,
        "provider_name": "NHS England London: London Workforce Race Strategy programmes",
        "provider_url": absolute_url(reverse("programmes:home"), request),
        "cache_age": 3600,
        "html": iframe_html(programme, request, width, height),
        "width": width,
        "height": height,
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def discovery_url(programme, request):
    """The oEmbed address of a programme page, for its <link rel="alternate">."""
    page = absolute_url(programme.get_absolute_url(), request)
    query = urlencode({"url": page, "format": "json"})
    return absolute_url(f"{reverse('programmes:oembed')}?{query}", request)
