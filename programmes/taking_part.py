"""Taking part in a programme: whether someone can join now, in users' words.

`availability()` is a pure function of a programme's status, the editor's
availability choice, its key dates and the day it is asked about. Everything
that shows availability (the programme page, the calendar, the finder's result
cards and its "Availability" facet) calls it, so they always agree.

Days, not moments: availability changes at midnight in London. A closing date
is open all of that day ("until 31 January 2027" still reads open on the 31st
and closed on 1 February); an opening date is open from the start of its day.
The page cache and the finder's index are labelled with today's London date
(programmes/cache.catalogue_version), so both turn over at that midnight with
no edit.
"""

import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def london_today():
    """Today's date in London, whatever time zone is active: the day availability is for."""
    return timezone.localdate(timezone=LONDON)


def long_date(day):
    """A date as NHS.UK writes it: "31 January 2027"."""
    return f"{day.day} {day:%B %Y}"


def clock_time(time):
    """A time as NHS.UK writes it: "10am", "12:30pm", "midday", "midnight"."""
    if time.hour == 0 and time.minute == 0:
        return "midnight"
    if time.hour == 12 and time.minute == 0:
        return "midday"
    hour = time.hour % 12 or 12
    suffix = "am" if time.hour < 12 else "pm"
    return f"{hour}{suffix}" if time.minute == 0 else f"{hour}:{time.minute:02d}{suffix}"


def add_months(day, months):
    """The same day `months` later (or earlier), or the month's last day if it is shorter:
    31 August + 6 months is 28 February (29 in a leap year)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


class Availability(models.TextChoices):
    """Whether and how someone can take part. The editor chooses one (Programme.availability);
    key dates, where a programme has them, decide between OPEN, OPENING and CLOSED."""

    ANY_TIME = "any-time", "Open to join any time"
    OPEN = "open", "Open for applications"
    OPENING = "opening", "Opening on a date"
    INVITATION = "invitation", "By invitation or nomination"
    ORGANISATIONS = "organisations", "Not open to individuals"
    CLOSED = "closed", "Closed"
    ENDED = "ended", "Ended"


# The slug of a programme whose availability nobody has stated.
NOT_STATED = "not-stated"

# Best first: what someone can join now (the soonest closing first), then what
# opens soon, then what is not for individuals to join, then the rest.
_RANK = {
    Availability.OPEN: 0,
    Availability.ANY_TIME: 1,
    Availability.OPENING: 2,
    Availability.INVITATION: 3,
    Availability.ORGANISATIONS: 4,
    None: 5,
    Availability.CLOSED: 6,
    Availability.ENDED: 7,
}


class KeyDateKind(models.TextChoices):
    APPLICATIONS_OPEN = "applications-open", "Applications open"
    APPLICATIONS_CLOSE = "applications-close", "Applications close"
    COHORT_STARTS = "cohort-starts", "Cohort starts"
    SESSION = "session", "Session"
    EVENT = "event", "Event"


class AvailabilityNow(NamedTuple):
    """A programme's availability on one day.

    - `state`: an `Availability`, or None when nobody has said.
    - `label`: the words to show, e.g. "Open for applications until 31 January 2027",
      "Opens 1 March 2027", "Ask the LWRS team".
    - `date`: the date the label names (closing or opening day), if any.
    """

    state: Availability | None
    label: str
    date: datetime.date | None = None

    @property
    def slug(self):
        """For URLs and facets: the state's value, or "not-stated"."""
        return self.state.value if self.state else NOT_STATED

    @property
    def sort_key(self):
        """Sorts best first: open now (soonest closing first), any time, opening
        (soonest first), by invitation, not for individuals, not stated, closed, ended."""
        return (_RANK[self.state], self.date or datetime.date.max)


def availability(*, status_ended, choice, key_dates, today):
    """A programme's availability on `today` (a date in London: see london_today()).

    - `status_ended`: the programme's status is "Ended".
    - `choice`: the editor's `Availability` value, or "" when not stated.
    - `key_dates`: (kind, date) pairs, in any order: the programme's key dates of
      kind "applications open" or "applications close" decide; the others are ignored.
    - `today`: the day asked about.

    An ended programme (by status or choice) reads "Ended", whatever its dates.
    Otherwise, with application dates: before an opening date, "Opens <date>";
    from it to the next closing date (inclusive), "Open for applications until
    <date>" (or "Open for applications" with no closing date ahead); after the
    last closing date, "Applications closed on <date>". Without application dates, the editor's choice;
    with no choice, "Ask the LWRS team".
    """
    if status_ended or choice == Availability.ENDED:
        return AvailabilityNow(Availability.ENDED, "Ended")
    opens = sorted(d for kind, d in key_dates if kind == KeyDateKind.APPLICATIONS_OPEN)
    closes = sorted(d for kind, d in key_dates if kind == KeyDateKind.APPLICATIONS_CLOSE)
    if opens or closes:
        return _from_dates(opens, closes, today)
    if choice:
        state = Availability(choice)
        if state == Availability.OPENING:
            return AvailabilityNow(state, "Opening soon")
        return AvailabilityNow(state, state.label)
    return AvailabilityNow(None, "Ask the LWRS team")


def _from_dates(opens, closes, today):
    next_open = next((d for d in opens if d > today), None)
    next_close = next((d for d in closes if d >= today), None)
    # A closing date ahead of the next opening belongs to a round open today.
    if next_open and not (next_close and next_close < next_open):
        return AvailabilityNow(Availability.OPENING, f"Opens {long_date(next_open)}", next_open)
    if next_close:
        return AvailabilityNow(
            Availability.OPEN, f"Open for applications until {long_date(next_close)}", next_close
        )
    last_open = next((d for d in reversed(opens) if d <= today), None)
    last_close = next((d for d in reversed(closes) if d < today), None)
    if last_open and (last_close is None or last_open > last_close):
        return AvailabilityNow(Availability.OPEN, "Open for applications")
    if last_close:
        label = f"Applications closed on {long_date(last_close)}"
        return AvailabilityNow(Availability.CLOSED, label, last_close)
    return AvailabilityNow(Availability.CLOSED, "Closed")
