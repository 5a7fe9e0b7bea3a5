"""Key dates as iCalendar (RFC 5545) files, for "Add to calendar".

/programmes/<slug>/calendar.ics has one programme's dates; /programmes/calendar.ics
the dates of the programmes the catalogue shows for the same parameters (search,
facets), read the way the downloads read them (programmes/exports.py).

Every event keeps its UID for ever (the key date's id), so a calendar that
imports the file again updates the event instead of adding a copy; DTSTAMP and
LAST-MODIFIED are when the date was last edited, so the same dates give the same
file. Times are London wall-clock times, sent with the Europe/London time zone
(its VTIMEZONE included); a date without a time is an all-day event.
"""

import datetime

import icalendar
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from .absolute_urls import absolute_url
from .finder import Finder
from .finder.index import in_order
from .models import KeyDate, Programme, ProgrammeSlug
from .taking_part import LONDON

PRODUCT_ID = "-//NHS England London//LWRS programmes//EN"


def _event(key_date, programme, request):
    event = icalendar.Event()
    event.add("uid", f"key-date-{key_date.pk}@{request.get_host()}")
    edited = key_date.updated_at.astimezone(datetime.UTC)
    event.add("dtstamp", edited)
    event.add("last-modified", edited)
    event.add("summary", f"{programme.title}: {key_date.label}")
    page = absolute_url(programme.get_absolute_url(), request)
    event.add("description", f"{key_date.get_kind_display()}. {programme.title}: {page}")
    event.add("url", key_date.url or page)
    event.add("categories", [key_date.get_kind_display()])
    if key_date.starts_at:
        start = datetime.datetime.combine(key_date.starts_on, key_date.starts_at, tzinfo=LONDON)
        event.add("dtstart", start)
        if key_date.ends_at:
            end_day = key_date.ends_on or key_date.starts_on
            event.add("dtend", datetime.datetime.combine(end_day, key_date.ends_at, tzinfo=LONDON))
        elif key_date.ends_on:
            # Until the end of its last day: DTEND is exclusive.
            end_day = key_date.ends_on + datetime.timedelta(days=1)
            event.add("dtend", datetime.datetime.combine(end_day, datetime.time(), tzinfo=LONDON))
    else:
        event.add("dtstart", key_date.starts_on)
        # All-day events end the day after their last day (DTEND is exclusive).
        event.add("dtend", key_date.last_day + datetime.timedelta(days=1))
        # A deadline or an all-day marker does not make anyone busy; a timed session does.
        event.add("transp", "TRANSPARENT")
    return event


def _calendar(name, programmes, request):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    # Always there: the times refer to it, and a calendar with no dates still
    # holds one component, as RFC 5545 requires.
    calendar.add_component(icalendar.Timezone.from_tzid("Europe/London"))
    for programme in programmes:
        for key_date in programme.dates:
            calendar.add_component(_event(key_date, programme, request))
    return calendar


def _response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def _with_dates(queryset):
    return queryset.prefetch_related(
        Prefetch("key_dates", queryset=KeyDate.objects.all(), to_attr="dates")
    )


@require_safe
def programme_calendar(request, slug):
    programme = _with_dates(Programme.objects.published().filter(slug=slug)).first()
    if programme is None:
        # An address it had before still works, as its page does.
        old = ProgrammeSlug.objects.filter(
            slug=slug, programme__in=Programme.objects.published()
        ).select_related("programme")
        old = get_object_or_404(old)
        return HttpResponsePermanentRedirect(
            reverse("programmes:calendar", args=[old.programme.slug])
        )
    calendar = _calendar(f"{programme.title}: key dates", [programme], request)
    return _response(calendar, programme.slug)


@require_safe
def catalogue_calendar(request):
    programmes = in_order(
        _with_dates(Programme.objects.published()),
        Finder(request.GET).pks(),
    )
    return _response(_calendar("LWRS programmes: key dates", programmes, request), "lwrs-key-dates")
