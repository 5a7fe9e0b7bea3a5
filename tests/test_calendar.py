"""Key dates as iCalendar files, read back with the icalendar package."""

import datetime

import icalendar
import pytest

from programmes.models import KeyDate, Programme
from programmes.taking_part import LONDON, KeyDateKind

D = datetime.date


@pytest.fixture
def dated(programme):
    KeyDate.objects.create(
        programme=programme,
        kind=KeyDateKind.APPLICATIONS_CLOSE,
        label="Applications close",
        starts_on=D(2027, 1, 31),
    )
    KeyDate.objects.create(
        programme=programme,
        kind=KeyDateKind.SESSION,
        label="Welcome session",
        starts_on=D(2027, 6, 1),
        starts_at=datetime.time(10),
        ends_at=datetime.time(12, 30),
        url="https://example.org/book",
    )
    KeyDate.objects.create(
        programme=programme,
        kind=KeyDateKind.EVENT,
        label="Conference",
        starts_on=D(2027, 3, 1),
        ends_on=D(2027, 3, 2),
    )
    return programme


def get_calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return icalendar.Calendar.from_ical(response.content), response.content


def events(calendar):
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_a_programmes_dates_as_icalendar(client, dated):
    calendar, raw = get_calendar(client, "/programmes/example-inclusion-programme/calendar.ics")
    assert calendar["version"] == "2.0"
    assert calendar["prodid"]
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")  # RFC 5545 lines end CRLF
    found = events(calendar)
    assert set(found) == {
        "Example Inclusion Programme: Applications close",
        "Example Inclusion Programme: Welcome session",
        "Example Inclusion Programme: Conference",
    }
    deadline = found["Example Inclusion Programme: Applications close"]
    assert deadline.decoded("dtstart") == D(2027, 1, 31)  # a whole day
    assert deadline.decoded("dtend") == D(2027, 2, 1)  # DTEND is exclusive
    session = found["Example Inclusion Programme: Welcome session"]
    start = session.decoded("dtstart")
    assert start == datetime.datetime(2027, 6, 1, 10, tzinfo=LONDON)
    assert start.utcoffset() == datetime.timedelta(hours=1)  # BST
    assert session["dtstart"].params["TZID"] == "Europe/London"
    assert session.decoded("dtend") == datetime.datetime(2027, 6, 1, 12, 30, tzinfo=LONDON)
    assert str(session["url"]) == "https://example.org/book"
    conference = found["Example Inclusion Programme: Conference"]
    assert conference.decoded("dtend") == D(2027, 3, 3)
    assert str(conference["url"]) == "http://testserver/programmes/example-inclusion-programme/"
    for event in found.values():
        assert event["uid"]
        assert event.decoded("dtstamp").tzinfo is not None
        assert event.decoded("dtstamp").utcoffset() == datetime.timedelta(0)  # DTSTAMP in UTC
    # The time zone the times refer to is in the file.
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_uids_are_stable_and_unique(client, dated):
    url = "/programmes/example-inclusion-programme/calendar.ics"
    first, raw_first = get_calendar(client, url)
    again, raw_again = get_calendar(client, url)
    uids = [str(e["uid"]) for e in first.walk("VEVENT")]
    assert len(set(uids)) == 3
    assert uids == [str(e["uid"]) for e in again.walk("VEVENT")]
    assert raw_first == raw_again  # nothing changed, so the same file
    key_date = dated.key_dates.get(label="Welcome session")
    key_date.label = "Welcome session (moved room)"
    key_date.save()
    moved = events(get_calendar(client, url)[0])[
        "Example Inclusion Programme: Welcome session (moved room)"
    ]
    assert str(moved["uid"]) == f"key-date-{key_date.pk}@testserver"
    assert str(moved["uid"]) in uids  # the calendar updates the event, not adds one


def test_the_catalogue_calendar_takes_the_catalogues_filters(client, dated, make_programmes):
    other = Programme.objects.create(title="Other programme", summary="s", is_published=True)
    other.tags.add("gardening")
    KeyDate.objects.create(programme=other, label="Open day", starts_on=D(2027, 5, 5))
    draft = Programme.objects.create(title="Draft programme", summary="s", is_published=False)
    KeyDate.objects.create(programme=draft, label="Secret day", starts_on=D(2027, 5, 6))
    make_programmes(5)  # programmes without dates add nothing

    every = events(get_calendar(client, "/programmes/calendar.ics")[0])
    assert "Other programme: Open day" in every
    assert len(every) == 4
    assert not any("Secret" in summary for summary in every)

    filtered = events(get_calendar(client, "/programmes/calendar.ics?tag=gardening")[0])
    assert set(filtered) == {"Other programme: Open day"}
    searched = events(get_calendar(client, "/programmes/calendar.ics?q=inclusion")[0])
    assert "Other programme: Open day" not in searched
    assert len(searched) == 3


def test_a_calendar_with_no_dates_is_still_valid(client, programme):
    calendar, _ = get_calendar(client, "/programmes/calendar.ics?q=zzzzzz")
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")  # RFC 5545: at least one component
    calendar, _ = get_calendar(client, "/programmes/example-inclusion-programme/calendar.ics")
    assert calendar.walk("VEVENT") == []


def test_unknown_and_draft_programmes_are_not_found(client, dated):
    assert client.get("/programmes/no-such-thing/calendar.ics").status_code == 404
    dated.is_published = False
    dated.save()
    assert client.get("/programmes/example-inclusion-programme/calendar.ics").status_code == 404
    assert get_calendar(client, "/programmes/calendar.ics")[0].walk("VEVENT") == []


def test_an_old_address_redirects_to_the_calendar(client, dated):
    dated.slug = "renamed-programme"
    dated.save()
    response = client.get("/programmes/example-inclusion-programme/calendar.ics")
    assert response.status_code == 301
    assert response["Location"] == "/programmes/renamed-programme/calendar.ics"


@pytest.mark.parametrize(
    "query", ["tag=%00", "page=-1", "sort=bogus", "q=" + "x" * 5000, "availability=open"]
)
def test_bad_parameters_never_fail(client, dated, query):
    assert client.get(f"/programmes/calendar.ics?{query}").status_code in {200, 400}


def test_calendar_is_routed_before_programme_pages(client, catalogue):
    """`calendar.ics` under /programmes/ is never read as a programme's slug."""
    response = client.get("/programmes/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


def test_post_is_refused(client, dated):
    assert client.post("/programmes/calendar.ics").status_code == 405
