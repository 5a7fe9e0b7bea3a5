"""Each web process's copy of the catalogue's version token, kept current by
PostgreSQL's LISTEN/NOTIFY, so that a cached public page costs no database
round trip.

Why: every cached page used to read the token (programmes/cache.py). On SQLite
that read is a function call; on PostgreSQL it is a round trip to another
process (and Django's check of a kept connection before it, a second one),
which held a cached page to about 0.56 of a static file's throughput
(issue 19; bench/README.md).

How:

- One thread per web process, started at its first public page (and again in
  a forked child), with a connection of its own: `LISTEN`, then read the token.
  `catalogue_changed()` sends a notification in the same statement that
  replaces the token, so it is delivered when the change commits and never for
  a change rolled back.
- A notification only says "look again": the thread then reads the token
  itself. The table stays the one source of truth, so neither a lost
  notification nor one overtaking a read can leave an old token in place.
- It also reads the token every REFRESH_SECONDS whatever happens. That is the
  heartbeat that finds a connection gone silent (a frozen server, a network
  that drops packets), and what catches a change that sent no notification (a
  database restored from a backup, a token replaced by hand, a connection
  pooler that does not pass notifications on).
- A request uses the token only while the read that gave it was sent at most
  TRUST_SECONDS ago. A read sees every change committed before it was sent, so
  a page is never older than the catalogue was TRUST_SECONDS ago, whatever the
  thread, the connection or the network do; a notification makes it a few
  milliseconds in practice. Otherwise (the connection dropped, the server
  frozen, the thread not yet started or starved of CPU) the request reads the
  token itself as before, with programmes/cache.py's stale-if-error.

Only in web processes (lwrs_site.db.serving(), called by lwrs_site/wsgi.py) on
PostgreSQL. SQLite is read in-process, with no round trip to save; management
commands, `runserver` and Django's test client read per request. A request
whose connection is inside a transaction reads for itself too (cache.py): it
may see a change of its own that no other connection can.
"""

import os
import threading
import time
from contextlib import suppress

from django.db import DEFAULT_DB_ALIAS, connections

from lwrs_site.db import deadline, is_serving

from .health import FaultLog, _first_line
from .models import CatalogueVersion

# The channel catalogue_changed() notifies and every web process listens on.
CHANNEL = "lwrs_catalogue_changed"
APPLICATION_NAME = "lwrs catalogue listener"
# How old (seconds since the read was sent) a token may be and still be used:
# the bound on how long an edit can stay unseen by a worker.
TRUST_SECONDS = 1.0
# The heartbeat: a read at least this often, notified or not. Half the bound,
# so a healthy listener is always trusted.
REFRESH_SECONDS = 0.5
# Opening the connection may take longer than a read (libpq waits 2 s at least).
CONNECT_SECONDS = 3
# How soon the thread ends once asked to stop.
STOP_SECONDS = 0.25
# After losing its connection, the thread tries again this often.
RETRY_SECONDS = 1


def read_token(connection):
    """The catalogue version's token, or None if the row is missing. Plain SQL:
    it is read often, and building the query with the ORM cost more than running it."""
    table = connection.ops.quote_name(CatalogueVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [1])  # noqa: S608 - a model's table name
        row = cursor.fetchone()
    return row[0] if row else None


class VersionListener:
    """One per web process: a thread that keeps the token current, and what it knows."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None  # the process this listener was started (or judged not needed) in
        self._thread = None
        self._stopping = threading.Event()
        # (token, when the read that gave it was sent: time.monotonic()); replaced
        # whole, so a request never sees a token with another read's time.
        self._state = (None, float("-inf"))
        self._faults = FaultLog()
        self._lost = False
        self.reads = 0  # how many reads the thread has made (tests wait on it)
        self.backend_pid = None  # the server process of its connection (tests end it)

    # --- what requests ask ---------------------------------------------------------

    def current(self):
        """(token, time its read was sent) if that read is recent enough to use, else None."""
        if self._pid != os.getpid():
            self._start_if_needed()
        token, sent = self._state
        if token is not None and time.monotonic() - sent <= TRUST_SECONDS:
            return token, sent
        return None

    def _start_if_needed(self):
        with self._lock:
            if self._pid == os.getpid():
                return
            # In a forked child: the parent's thread and connection did not come along.
            self._state = (None, float("-inf"))
            self._pid = os.getpid()
            if is_serving() and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
                self._launch()

    def start(self):
        """Start listening in this process whatever kind it is (for tests)."""
        with self._lock:
            self._pid = os.getpid()
            self._launch()
        return self

    def _launch(self):  # with the lock held
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="catalogue-listener", daemon=True)
        self._thread.start()

    def stop(self):
        """Stop the thread and close its connection (for tests: a test database
        cannot be dropped while a connection to it is open)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._state = (None, float("-inf"))

    # --- the thread ----------------------------------------------------------------

    def _run(self):
        connection = connections[DEFAULT_DB_ALIAS]  # this thread's own
        while not self._stopping.is_set():
            try:
                self._listen(connection)
            except Exception as error:  # whatever it was, requests read for themselves
                self._state = (None, float("-inf"))
                self._lost = True
                self._faults.note(
                    "Not listening for catalogue changes",
                    f"{type(error).__name__}: {_first_line(error)}; "
                    "public pages read the catalogue version themselves meanwhile",
                )
            finally:
                with suppress(Exception):  # a connection cut by a deadline may not close cleanly
                    connection.close()
            self._stopping.wait(RETRY_SECONDS)

    def _listen(self, connection):
        with deadline(connection, CONNECT_SECONDS), connection.cursor() as cursor:
            # Named, for whoever looks at pg_stat_activity: one per web process.
            cursor.execute("SET application_name = %s", [APPLICATION_NAME])
            cursor.execute(f"LISTEN {CHANNEL}")
        self.backend_pid = connection.connection.info.backend_pid
        if self._lost:
            self._lost = False
            self._faults.note("Listening for catalogue changes again")
        while not self._stopping.is_set():
            sent = time.monotonic()
            # No point waiting longer: a read older than that is not used.
            with deadline(connection, TRUST_SECONDS):
                token = read_token(connection)
            self._state = (token, sent)
            self.reads += 1
            self._wait_for_change(connection)

    def _wait_for_change(self, connection):
        """Until a change is notified, it is time for the heartbeat, or the thread
        is asked to stop. A notification that arrived during the read is kept by
        psycopg and returned at once."""
        until = time.monotonic() + REFRESH_SECONDS
        while not self._stopping.is_set():
            left = until - time.monotonic()
            if left <= 0:
                return
            for _ in connection.connection.notifies(timeout=min(left, STOP_SECONDS), stop_after=1):
                return


LISTENER = VersionListener()
