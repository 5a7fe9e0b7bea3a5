"""Downloads of the catalogue for trusts and analysts: /programmes/export.csv and .json.

Both take the catalogue's own parameters (search, facets, sort), read by the
catalogue's finder, so a download holds exactly the programmes the page
shows, in the same order, on every page of it.

The JSON's shape is stated by a JSON Schema (draft 2020-12), docs/export.schema.json,
served as it is at /programmes/export.schema.json and named by every download (its
"$schema" and a `Link: <...>; rel="describedby"` header). The CSV's columns are
described beside it, in docs/downloads.md. Change a field and both change with it
(tests/test_exports.py holds them to each other).
"""

import csv
import functools
import io

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .absolute_urls import absolute_url
from .embeds import allow_cors
from .finder import Finder
from .finder.index import in_order
from .models import Programme, ProgrammePartner
from .taking_part import london_today

FILENAME = "lwrs-programmes"
# The JSON download's schema: one file, in docs/, the only copy.
SCHEMA_FILE = settings.BASE_DIR / "docs" / "export.schema.json"
# MAJOR.MINOR of that schema (its title and $comment say the same): adding a field
# is a new minor version, renaming or removing one a major (docs/downloads.md).
SCHEMA_VERSION = "1.0"
# What the CSV puts between the items of a list in one cell (audiences, partners,
# contacts, links, topics, key dates), everywhere.
LIST_SEPARATOR = "; "

# Spreadsheets run a cell that starts with one of these as a formula: an editor's
# text must never become one (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _programmes(request):
    partner_roles = ProgrammePartner.objects.select_related("partner").order_by("partner__name")
    programmes = Programme.objects.published().prefetch_related(
        "audiences",
        "contacts",
        "links",
        "tags",
        "key_dates",
        Prefetch("partner_roles", queryset=partner_roles),
    )
    return in_order(programmes, Finder(request.GET).pks())


def _record(programme, request, today):
    """One programme as plain data: what both downloads hold (availability on `today`)."""
    availability = programme.availability_on(today)
    return {
        "title": programme.title,
        "slug": programme.slug,
        "url": absolute_url(programme.get_absolute_url(), request),
        "summary": programme.summary,
        "status": programme.status,
        "status_label": programme.get_status_display(),
        "format": programme.kind,
        "format_label": programme.get_kind_display(),
        "audiences": [a.name for a in programme.audiences.all()],
        "launched": programme.launch_display,
        "launched_on": programme.launched_on.isoformat() if programme.launched_on else None,
        "launch_precision": programme.launch_precision if programme.launched_on else None,
        "partners": [
            {
                "name": role.partner.name,
                "role": role.get_role_display(),
                "url": absolute_url(role.partner.get_absolute_url(), request),
            }
            for role in programme.partner_roles.all()
        ],
        "contacts": [
            {"name": c.name, "email": c.email, "phone": c.phone, "url": c.url}
            for c in programme.contacts.all()
        ],
        "links": [{"label": link.label, "url": link.url} for link in programme.links.all()],
        "tags": sorted((t.name for t in programme.tags.all()), key=str.lower),
        "availability": availability.label,
        "availability_state": availability.slug,
        "who_can_take_part": programme.who_can_take_part,
        "how_to_take_part": programme.how_to_take_part,
        "call_to_action": (
            {"label": programme.cta_label, "url": programme.cta_url} if programme.cta_url else None
        ),
        "cost": programme.cost,
        "time_commitment": programme.time_commitment,
        "delivery": programme.get_delivery_display() if programme.delivery else "",
        "location": programme.location,
        "key_dates": [
            {
                "label": d.label,
                "kind": d.kind,
                "starts_on": d.starts_on.isoformat(),
                "ends_on": d.ends_on.isoformat() if d.ends_on else None,
                "url": d.url,
            }
            for d in programme.dates
        ],
        "last_updated": programme.updated_at.isoformat(),
        "last_reviewed_on": (
            programme.last_reviewed_on.isoformat() if programme.last_reviewed_on else None
        ),
    }


def _download(response, extension):
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.{extension}"'
    return response


@require_safe
@allow_cors  # scripts on the intranet origins that may embed cards may read it too
def programmes_json(request):
    today = london_today()
    programmes = [_record(p, request, today) for p in _programmes(request)]
    schema_url = absolute_url(reverse("programmes:export_schema"), request)
    response = JsonResponse(
        {
            "$schema": schema_url,
            "schema_version": SCHEMA_VERSION,
            "count": len(programmes),
            "programmes": programmes,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    # The schema again, for clients that read headers (RFC 8288's "describedby", the
    # link JSON Schema 2020-12 recommends); scripts of other origins may read it too.
    response["Link"] = f'<{schema_url}>; rel="describedby"; type="application/schema+json"'
    response["Access-Control-Expose-Headers"] = "Link"
    return _download(response, "json")


@functools.cache
def _schema_bytes():
    return SCHEMA_FILE.read_bytes()


@require_safe
@allow_cors
def export_schema(request):
    """docs/export.schema.json as it is: the stable address every JSON download names."""
    return HttpResponse(_schema_bytes(), content_type="application/schema+json")


def _joined(items):
    return LIST_SEPARATOR.join(items)


CSV_COLUMNS = [
    ("Title", lambda r: r["title"]),
    ("Web address", lambda r: r["url"]),
    ("Summary", lambda r: r["summary"]),
    ("Status", lambda r: r["status_label"]),
    ("Format", lambda r: r["format_label"]),
    ("Availability", lambda r: r["availability"]),
    ("Who it is for", lambda r: _joined(r["audiences"])),
    ("Who can take part", lambda r: r["who_can_take_part"]),
    ("How to take part", lambda r: r["how_to_take_part"]),
    ("Cost", lambda r: r["cost"]),
    ("Time commitment", lambda r: r["time_commitment"]),
    ("Delivery", lambda r: r["delivery"]),
    ("Location", lambda r: r["location"]),
    ("Key dates", lambda r: _joined(f"{d['label']}: {d['starts_on']}" for d in r["key_dates"])),
    ("Launched", lambda r: r["launched"]),
    ("Partners", lambda r: _joined(f"{p['name']} ({p['role']})" for p in r["partners"])),
    ("Contact emails", lambda r: _joined(c["email"] for c in r["contacts"] if c["email"])),
    ("Links", lambda r: _joined(f"{link['label']}: {link['url']}" for link in r["links"])),
    ("Topics", lambda r: _joined(r["tags"])),
    ("Last updated", lambda r: r["last_updated"][:10]),
    ("Last reviewed", lambda r: r["last_reviewed_on"] or ""),
]


def _cell(value):
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@require_safe
def programmes_csv(request):
    out = io.StringIO()
    # The byte order mark tells Excel the file is UTF-8 (titles use curly quotes).
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    today = london_today()
    for programme in _programmes(request):
        record = _record(programme, request, today)
        writer.writerow([_cell(column(record)) for _, column in CSV_COLUMNS])
    return _download(HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8"), "csv")
