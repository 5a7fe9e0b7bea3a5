"""What staff searched for: anonymous weekly counts for the EDI team (SearchCount).

Anonymous by design: only the words (casefolded, spaces collapsed), the week
(its Monday, in London) and counts are kept; never an address, a cookie, a
browser or a time of day. Searches by signed-in editors are not counted, nor
later pages of the same search. Weeks older than 13 months are deleted.

Counting must not slow pages down: each worker adds up searches in memory and
writes them in one batch, at most every FLUSH_SECONDS (or every MAX_PENDING
different searches), after a response has been sent (Django's
request_finished signal). A worker that crashes loses its last minute of
counts: acceptable for figures that guide the team's vocabulary.
"""

import atexit
import datetime
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

logger = logging.getLogger(__name__)

KEEP_MONTHS = 13
QUERY_MAX_LENGTH = 200

# (week, query) -> [searches, results, partial]
Pending = dict[tuple[datetime.date, str], list[int]]


@dataclass(frozen=True)
class SearchMade:
    """A search the catalogue page answered: set on the response by the view,
    kept with the page in the page cache, so a cached answer counts too."""

    query: str
    results: int
    partial: bool
    page: int = 1


def normalised(query: str) -> str:
    return " ".join(query.casefold().split())[:QUERY_MAX_LENGTH]


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


class SearchLog:
    """This worker's counts not yet written to the database."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Pending = {}
        self._since: float | None = None  # when the oldest pending count was made (time.time())
        self._pruned_on: datetime.date | None = None

    def add(self, made: SearchMade, today: datetime.date | None = None) -> None:
        week = monday(today or timezone.localdate())
        key = (week, normalised(made.query))
        if not key[1]:
            return
        with self._lock:
            entry = self._pending.setdefault(key, [0, 0, False])
            entry[0] += 1
            entry[1], entry[2] = made.results, made.partial
            if self._since is None:
                self._since = time.time()

    def due(self) -> bool:
        if self._since is None:
            return False
        waited = time.time() - self._since
        return (
            waited >= settings.SEARCH_LOG_FLUSH_SECONDS
            or len(self._pending) >= settings.SEARCH_LOG_MAX_PENDING
        )

    def flush(self) -> None:
        """Write the pending counts (one UPDATE, or INSERT, a search) and prune
        old weeks once a day. Never raises: a count is not worth a failure."""
        with self._lock:
            pending, self._pending, self._since = self._pending, {}, None
        if not pending:
            return
        try:
            _write(pending)
            today = timezone.localdate()
            if self._pruned_on != today:
                delete_old_counts(today)
                self._pruned_on = today
        except Exception:  # a database that does not answer: drop these counts
            logger.warning("Could not record %d searches", len(pending), exc_info=True)


def _write(pending: Pending) -> None:
    from ..models import SearchCount

    for (week, query), (searches, results, partial) in pending.items():
        fields = {"results": results, "partial": partial}
        with transaction.atomic():
            found = SearchCount.objects.filter(week=week, query=query)
            if found.update(searches=F("searches") + searches, **fields):
                continue
            try:
                with transaction.atomic():
                    SearchCount.objects.create(week=week, query=query, searches=searches, **fields)
            except IntegrityError:  # another worker wrote it first
                found.update(searches=F("searches") + searches, **fields)


def delete_old_counts(today: datetime.date | None = None) -> int:
    """Delete the weeks older than KEEP_MONTHS months; how many rows went."""
    from ..models import SearchCount

    cutoff = months_before(today or timezone.localdate(), KEEP_MONTHS)
    deleted, _ = SearchCount.objects.filter(week__lt=cutoff).delete()
    return deleted


SEARCH_LOG = SearchLog()


def _counts(request: HttpRequest, response: HttpResponseBase) -> bool:
    made = getattr(response, "search_made", None)
    return (
        made is not None
        and response.status_code == 200
        and made.page == 1  # the next pages of a search are the same search
        # Editors are the only people with a session (public pages set no cookies).
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def count_searches(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Any:
    """Middleware: count the searches the catalogue page answers (see SearchMade),
    however it was answered: rendered, from the view's cache, or from the front of
    the cache (programmes/cache.py), which answers before the view is reached. So
    it sits above the front in settings.MIDDLEWARE."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if _counts(request, response):
            SEARCH_LOG.add(response.search_made)  # type: ignore[attr-defined]  # the view's
        return response

    return middleware


def _flush_when_due(**_signal_kwargs: Any) -> None:
    if SEARCH_LOG.due():
        SEARCH_LOG.flush()


# After the response has been sent: the visitor never waits for the write.
request_finished.connect(_flush_when_due, dispatch_uid="search-log-flush")
atexit.register(SEARCH_LOG.flush)
