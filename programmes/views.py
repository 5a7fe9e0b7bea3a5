"""Public pages of the catalogue. Every query starts from `Programme.objects.published()`."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import booklet
from .cache import cache_public_page
from .finder import Finder
from .finder.form import AVAILABILITY_OPTIONS
from .finder.search_log import SearchMade
from .finder.vocabulary import acronyms
from .formatting import programme_prose
from .health import DATABASE
from .models import Partner, Programme, ProgrammePartner, ProgrammeSlug, published_rule
from .taking_part import london_today
from .two_factor import is_verified

PAGE_SIZE = 20
PAST_DATES_SHOWN = 5  # the rest are in the programme's calendar file

# Breadcrumb steps, (label, URL). Lazy: the URLconf is not loaded yet when this
# module is imported.
HOME = ("Home", reverse_lazy("programmes:home"))
CATALOGUE = ("Programmes", reverse_lazy("programmes:list"))
PARTNERS = ("Partners", reverse_lazy("programmes:partner_list"))

GLOSSARY = [
    (
        "WRES",
        "The Workforce Race Equality Standard: 9 indicators, required through the NHS "
        "Standard Contract since April 2015.",
    ),
    (
        "WDES",
        "The Workforce Disability Equality Standard: 10 metrics, with data collection "
        "mandatory since April 2019.",
    ),
    (
        "EDI Improvement Plan",
        "The NHS equality, diversity and inclusion improvement plan, "
        "published in June 2023, with six high impact actions.",
    ),
    ("GLA", "The Greater London Authority."),
    ("ICB and ICS", "Integrated care board and integrated care system."),
]


def _rows(pairs):
    """Plain (key, text) pairs as rows for the summary list include."""
    return [{"key": key, "items": [{"text": text}]} for key, text in pairs]


def _catalogue_url(**params):
    """The catalogue filtered by one facet value, e.g. tag="wres"."""
    return f"{reverse('programmes:list')}?{urlencode(params)}"


def _programme_facts(programme, availability):
    """The summary-list rows of a programme page, availability first; facets link to
    the filtered catalogue."""
    item = {"text": availability.label}
    if availability.state is not None:
        facet_label = dict(AVAILABILITY_OPTIONS)[availability.slug]
        item["also"] = (
            f"Other programmes: {facet_label.lower()}",
            _catalogue_url(availability=availability.slug),
        )
    rows = [{"key": "Availability", "items": [item]}]
    if programme.status == Programme.Status.BEING_DEVELOPED:
        # "In action" tells nobody anything; "being developed" does.
        rows.append(
            {
                "key": "Stage",
                "items": [
                    {
                        "text": programme.get_status_display(),
                        "url": _catalogue_url(status=programme.status),
                    }
                ],
            }
        )
    rows.append(
        {
            "key": "Format",
            "items": [
                {"text": programme.get_kind_display(), "url": _catalogue_url(kind=programme.kind)}
            ],
        }
    )
    if programme.launched_on:
        rows.append({"key": programme.launch_label, "items": [{"text": programme.launch_display}]})
    labels = programme.audiences_and_topics
    audiences = [{"text": a.name, "url": _catalogue_url(audience=a.slug)} for a in labels.audiences]
    if audiences:
        rows.append({"key": "Who it is for", "items": audiences})
    partners = [
        {
            "text": p.name,
            "url": p.get_absolute_url(),
            "note": p.role_display,
            "also": (f"All programmes with {p.name}", _catalogue_url(partner=p.slug)),
        }
        for p in labels.partners
    ]
    if partners:
        rows.append({"key": "Partners", "items": partners})
    # Topic names as the catalogue's filters show them: a capital first letter.
    tags = [{"text": capfirst(t.name), "url": _catalogue_url(tag=t.slug)} for t in labels.topics]
    if tags:
        rows.append({"key": "Topics", "items": tags})
    return rows


def _taking_part(programme):
    """The "How to take part" rows: only the facts an editor filled in."""
    facts = [
        ("Who can take part", programme.who_can_take_part),
        ("How to take part", programme.how_to_take_part),
        ("Cost", programme.cost),
        ("Time it takes", programme.time_commitment),
        ("How it is delivered", programme.get_delivery_display() if programme.delivery else ""),
        ("Where", programme.location),
    ]
    return _rows((key, text) for key, text in facts if text)


def _can_preview(request):
    """Editors may see drafts; the public may not."""
    # Both steps of signing in: a password alone shows no draft (programmes/two_factor.py).
    return is_verified(request.user) and request.user.has_perm("programmes.view_programme")


@require_safe
@cache_public_page(variant=booklet.home_page_variant)  # the booklet's size, once known
def home(request):
    count = Programme.objects.published().count()
    browse = f"Browse all {count} programmes" if count != 1 else "Browse the 1 programme"
    return render(
        request, "programmes/home.html", {"programme_count": count, "browse_label": browse}
    )


@require_safe
def about(request):
    return render(
        request, "programmes/about.html", {"breadcrumb": [HOME], "glossary": _rows(GLOSSARY)}
    )


@require_safe
def accessibility(request):
    return render(request, "programmes/accessibility.html", {"breadcrumb": [HOME]})


def _page_number(raw):
    """The page asked for, as a number: anything that is not one means page 1, and
    numbers below 1 mean page 1 too (Paginator.get_page sends them to the last page)."""
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def _page_links(page):
    """Page numbers to offer: the first, the last, and two either side of this one;
    None where numbers are left out."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - 2, page.number + 3)}
    links, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            links.append(None)
        links.append(number)
        previous = number
    return links


def _without(params, name, value):
    """The catalogue's query string less one facet value, back on page 1."""
    params = params.copy()
    params.pop("page", None)
    params.setlist(name, [v for v in params.getlist(name) if v != value])
    return f"?{params.urlencode()}"


def _search_links(params, finder):
    """For a corrected search: the corrected one, and the words as typed."""
    if not finder.corrected:
        return None
    corrected, as_typed = params.copy(), params.copy()
    for link in (corrected, as_typed):
        link.pop("page", None)
        link.pop("spelling", None)
    corrected["q"] = finder.corrected
    as_typed["spelling"] = "exact"
    return {"corrected": f"?{corrected.urlencode()}", "as_typed": f"?{as_typed.urlencode()}"}


@require_safe
@cache_public_page(variant=booklet.page_variant)  # the booklet's size, once known
def programme_list(request):
    finder = Finder(request.GET, version=getattr(request, "catalogue_version", None))
    page = Paginator(finder.pks(), PAGE_SIZE).get_page(_page_number(request.GET.get("page")))
    # The cards come from the finder's index: no query, and the page renders even
    # while the database does not answer (programmes/cache.py).
    page.object_list = finder.cards(page.object_list)
    cards = [(card, finder.card_facts(card)) for card in page.object_list]
    facets = finder.facets()
    labels = {facet.name: facet.legend for facet in facets}
    selected = [
        {"facet": labels[name], "label": label, "remove_url": _without(request.GET, name, value)}
        for name, value, label in finder.selected()
    ]
    clear_url = request.GET.copy()
    for name in [*labels, "page"]:
        clear_url.pop(name, None)
    context = {
        "finder": finder,
        "page": page,
        "cards": cards,
        "page_links": _page_links(page),
        "facets": facets,
        "selected": selected,
        "selected_summary": ", ".join(item["label"] for item in selected),
        "has_facet_options": any(facet.options for facet in facets),
        "clear_url": f"?{clear_url.urlencode()}",
        "search_links": _search_links(request.GET, finder),
        "notices": finder.notices(),
        "breadcrumb": [HOME],
    }
    response = render(request, "programmes/programme_list.html", context)
    if finder.query:
        response.search_made = SearchMade(
            finder.query, page.paginator.count, finder.partial, page.number
        )
    return response


@require_safe
@cache_public_page
def programme_detail(request, slug):
    visible = Programme.objects.all() if _can_preview(request) else Programme.objects.published()
    # Six queries on a miss (tests/test_query_counts.py): the catalogue version,
    # this row, its labels, its contacts and links, its key dates, related programmes.
    programme = (
        visible.select_related("replaced_by").with_review_interval().filter(slug=slug).first()
    )
    if programme is None:
        # An address it had before still works: one permanent hop to today's.
        old = ProgrammeSlug.objects.filter(slug=slug, programme__in=visible).select_related(
            "programme"
        )
        old = get_object_or_404(old)
        return HttpResponsePermanentRedirect(old.programme.get_absolute_url())
    today = london_today()
    availability = programme.availability_on(today)
    upcoming, past = programme.dates_on(today)
    # Acronyms explained on their first use on the page, from the search vocabulary.
    meanings = acronyms(programme.audiences_and_topics.vocabulary)
    summary, body = programme_prose(programme, meanings)
    context = {
        "programme": programme,
        "summary": summary,
        "body": body,
        "availability": availability,
        "facts": _programme_facts(programme, availability),
        "taking_part": _taking_part(programme),
        "call_to_action": programme.call_to_action(settings.TEAM_EMAIL, today),
        "upcoming_dates": upcoming,
        "past_dates": past[:PAST_DATES_SHOWN],
        "earlier_dates": len(past) - PAST_DATES_SHOWN,
        "related": programme.related(),
        "breadcrumb": [HOME, CATALOGUE],
        "preview": getattr(request, "is_preview", False),  # programmes/admin_preview.py
    }
    return render(request, "programmes/programme_detail.html", context)


@require_safe
@cache_public_page
def partner_list(request):
    partners = Partner.objects.public().annotate(
        programme_count=Count("programmes", filter=published_rule("programmes"), distinct=True)
    )
    for partner in partners:
        partner.programmes_note = (
            f"{partner.get_kind_display()}. Involved in {partner.programme_count} "
            f"programme{'' if partner.programme_count == 1 else 's'}."
        )
    return render(
        request, "programmes/partner_list.html", {"partners": partners, "breadcrumb": [HOME]}
    )


@require_safe
@cache_public_page
def partner_detail(request, slug):
    # A partner no published programme names is not public (a draft's, say).
    partner = get_object_or_404(Partner.objects.public(), slug=slug)
    roles = (
        ProgrammePartner.objects.filter(
            partner=partner, programme__in=Programme.objects.published()
        )
        .select_related("programme")
        .order_by("programme__title")
    )
    context = {"partner": partner, "roles": roles, "breadcrumb": [HOME, PARTNERS]}
    return render(request, "programmes/partner_detail.html", context)


@require_safe
@never_cache  # a cached "ok" would hide an outage from the load balancer
def healthz(request):
    """200 when the app can serve and save the catalogue; 503 with a one-line
    reason otherwise, within 2 seconds whatever the database does (the probe
    runs in its own thread: programmes/health.py)."""
    health = DATABASE.health()
    if health.ok:
        return HttpResponse("ok\n", content_type="text/plain")
    response = HttpResponse(f"{health.reason}\n", status=503, content_type="text/plain")
    response._has_been_logged = True  # the fault log names it once a minute
    return response


@require_safe
@never_cache
def healthz_live(request):
    """200 while the process runs, without asking the database: "restart me" is
    this one failing, "take me out of rotation" is /healthz failing."""
    return HttpResponse("alive\n", content_type="text/plain")
