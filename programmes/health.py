"""The database as this process sees it: what /healthz answers, whether public
pages should ask the database at all, and what visitors and editors get when it
cannot answer.

Three parts:

- A probe (`DATABASE.health()`): can the app serve the catalogue (the catalogue
  version reads) and save it (every migration applied, the database writable)?
  It runs in a thread of its own, one at a time per process, under a deadline;
  /healthz waits for it at most HEALTHZ_WAIT seconds and says 503 otherwise, so
  it answers within 2 s whether the database answers, refuses or hangs.
- A circuit breaker: once a public page's read fails, the process stops asking
  the database for public pages (they come from the page cache, stale; see
  programmes/cache.py) and the admin answers "cannot be edited right now" at
  once, instead of every request waiting for its own timeout. Meanwhile a probe
  asks again every RETRY_SECONDS, in the background; the first one that reads
  the catalogue closes the breaker, so fresh pages come back without a restart.
- A fault log that names each fault once a minute, not once per request.
"""

import functools
import logging
import os
import threading
import time
from dataclasses import dataclass

from django.apps import apps
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from lwrs_site.db import DatabaseTimeout, deadline

from .models import CatalogueVersion

logger = logging.getLogger("programmes.database")

HEALTHZ_WAIT = 1.5  # seconds /healthz waits for the probe: it answers within 2 s
PROBE_SECONDS = 5  # a probe that takes longer is cut off
RETRY_SECONDS = 1  # while the database is down, a probe every second at most
REPORT_EVERY = 60  # seconds between two log lines about the same fault
RETRY_AFTER = 30  # seconds, in the Retry-After of a 503


def is_outage(error):
    """A database error that means "cannot answer now", not a mistake in a request
    (a duplicate, a value too long), which stays the form's or the view's to handle."""
    return isinstance(error, (DatabaseError, InterfaceError)) and not isinstance(
        error, (IntegrityError, DataError)
    )


def _connection_lost(error):
    return isinstance(error, (OperationalError, InterfaceError))


def _first_line(error):
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""


class FaultLog:
    """Logs a fault the first time, then at most once every `every` seconds,
    with how often it happened in between."""

    def __init__(self, every=REPORT_EVERY, clock=time.monotonic):
        self.every, self.clock = every, clock
        self._lock = threading.Lock()
        self._logged_at = {}
        self._unlogged = {}

    def note(self, what, detail=""):
        """One more occurrence of `what`; True if it was logged now."""
        with self._lock:
            now = self.clock()
            count = self._unlogged.get(what, 0) + 1
            last = self._logged_at.get(what)
            if last is not None and now - last < self.every:
                self._unlogged[what] = count
                return False
            self._unlogged[what] = 0
            self._logged_at[what] = now
        more = f" ({count} times since the last report)" if count > 1 else ""
        logger.warning("%s%s%s", what, f": {detail}" if detail else "", more)
        return True


@dataclass(frozen=True)
class Health:
    ok: bool
    reason: str  # one line for /healthz: no host names, paths or driver messages
    can_read: bool  # the catalogue can be read: public pages may ask the database


@functools.cache
def _needed_migrations():
    """Every migration the code on disk has (it does not change while the process runs)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def _needed_tables():
    """The tables of every model the code has (many-to-many ones included)."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _read_only(connection):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"
            )
            return cursor.fetchone()[0]
    path = getattr(connection, "database_file", lambda: None)()
    # SQLite writes a journal beside the file: the folder must be writable too.
    return bool(path) and not (
        os.access(path, os.W_OK) and os.access(os.path.dirname(path), os.W_OK)
    )


def _unhealthy(error):
    if isinstance(error, DatabaseTimeout):
        reason = "database did not answer in time"
    elif _connection_lost(error):
        reason = "database unavailable"
    else:
        reason = "database error"
    return Health(False, reason, can_read=False)


def inspect_database():
    """What /healthz reports, found on this thread's connection."""
    connection = connections[DEFAULT_DB_ALIAS]
    path = getattr(connection, "database_file", lambda: None)()
    if path and not os.path.exists(path):
        return Health(False, "database file missing", can_read=False)
    with deadline(connection, PROBE_SECONDS):
        tables = set(connection.introspection.table_names())
        if MigrationRecorder.Migration._meta.db_table not in tables:
            return Health(False, "database not migrated", can_read=False)
        missing = _needed_tables() - tables
        if missing:
            count = len(missing)
            return Health(
                False,
                f"database schema incomplete: {count} table{'s' if count > 1 else ''} missing",
                # Public pages may still read, unless the catalogue's version is gone.
                can_read=CatalogueVersion._meta.db_table not in missing,
            )
        CatalogueVersion.objects.filter(pk=1).values_list("token", flat=True).first()
        pending = _needed_migrations() - set(MigrationRecorder(connection).applied_migrations())
        read_only = _read_only(connection)
    if pending:
        count = len(pending)
        return Health(
            False,
            f"database schema out of date: {count} migration{'s' if count > 1 else ''} not applied",
            can_read=True,
        )
    if read_only:
        return Health(False, "database is read-only", can_read=True)
    return Health(True, "ok", can_read=True)


class Database:
    """One per process: the breaker, the probe and what happened while the database was down."""

    def __init__(self, faults=None):
        self.faults = faults or FaultLog()
        self._lock = threading.Condition()
        self._down_since = None
        self._probing = False
        self._probed_at = float("-inf")
        self._probes = 0  # how many have finished
        self._health = None
        self._stale = self._unavailable = 0

    def reset(self):
        """Back to "the database answers", once any probe has finished (for tests)."""
        with self._lock:
            self._lock.wait_for(lambda: not self._probing, timeout=10)
            self._down_since = None
            self._probed_at = float("-inf")
            self.faults = FaultLog()

    # --- the breaker ------------------------------------------------------------

    def is_down(self):
        """True while public pages and the admin should not ask the database.
        Also asks a probe to look again, at most every RETRY_SECONDS."""
        if self._down_since is None:
            return False
        with self._lock:
            if not self._probing and time.monotonic() - self._probed_at >= RETRY_SECONDS:
                self._start_probe()
        return True

    def failed(self, error, where="", *, stop_reads=None):
        """A request met a database error: log it (once a minute). Connection-level
        errors stop public reads; the version read says so itself (`stop_reads`),
        since any error there means the catalogue cannot be read."""
        if _connection_lost(error) if stop_reads is None else stop_reads:
            self._stop_reads()
        at = f" at {where!r}" if where else ""
        self.faults.note(
            "Database unavailable", f"{type(error).__name__}: {_first_line(error)}{at}"
        )

    def _stop_reads(self):
        with self._lock:
            if self._down_since is None:
                self._down_since = time.monotonic()
                self._stale = self._unavailable = 0

    def answered(self):
        """The database answered a public read: close the breaker."""
        if self._down_since is None:
            return
        with self._lock:
            since, self._down_since = self._down_since, None
            stale, unavailable = self._stale, self._unavailable
        if since is not None:
            self.faults.note(
                "Database answers again",
                f"after {time.monotonic() - since:.0f} s; meanwhile {stale} pages were served "
                f"from the cache and {unavailable} requests were answered 503",
            )

    def served_stale(self):
        self._stale += 1

    def served_unavailable(self):
        self._unavailable += 1

    # --- the probe --------------------------------------------------------------

    def health(self, wait=HEALTHZ_WAIT):
        """The answer of a probe that finishes within `wait` seconds (one already
        running counts), or an unhealthy answer saying the database is too slow."""
        with self._lock:
            finished = self._probes
            if not self._probing:
                self._start_probe()
            if self._lock.wait_for(lambda: self._probes > finished, timeout=wait):
                return self._health
        return Health(False, f"database did not answer within {wait:g} s", can_read=False)

    def _start_probe(self):  # with the lock held
        self._probing = True
        threading.Thread(target=self._probe, name="db-probe", daemon=True).start()

    def _probe(self):
        error = None
        try:
            health = inspect_database()
        except Exception as caught:  # whatever happens, the probe reports and ends
            error, health = caught, _unhealthy(caught)
        finally:
            # This thread ends here: its connection must not outlive it.
            connections.close_all()
        with self._lock:
            self._health = health
            self._probes += 1
            self._probing = False
            self._probed_at = time.monotonic()
            self._lock.notify_all()
        if health.can_read:
            self.answered()
            if not health.ok:  # pages are served; saving is not safe
                self.faults.note("Database not healthy", health.reason)
            return
        self._stop_reads()
        detail = f"{type(error).__name__}: {_first_line(error)}" if error else health.reason
        self.faults.note("Database unavailable", f"{detail} (the health probe)")

    # --- what visitors and editors get -------------------------------------------

    def unavailable(self, *, editing=False):
        """The NHS-styled 503 page: "temporarily unavailable", or for editors
        "the catalogue cannot be edited right now". Rendered without a request
        context, so nothing in it can touch the database."""
        self.served_unavailable()
        response = HttpResponse(render_to_string("503.html", {"editing": editing}), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        add_never_cache_headers(response)
        # The fault log names the fault once a minute; Django would log every 503.
        response._has_been_logged = True
        return response


DATABASE = Database()
