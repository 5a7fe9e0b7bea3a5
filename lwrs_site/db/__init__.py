"""Client-side deadlines on database calls, for the backends in this package.

Why: a database server that is frozen (paused, stuck on its disk, cut off
behind a firewall that drops packets) still has its socket accepted by the
kernel, so nothing it would do itself (statement_timeout) and nothing TCP does
ever ends a call: the request, and with gthread workers the thread, would wait
for ever. So every call into the driver (connect, query, fetch, commit,
rollback) runs under a deadline kept by one watchdog thread per process; when a
deadline passes, the watchdog shuts the connection's socket down (PostgreSQL)
or interrupts the query (SQLite), and the call fails at once with
DatabaseTimeout, an OperationalError the rest of the site already handles.

The deadline of each call is settings.DATABASE_CALL_TIMEOUT (above the
server's own statement timeout, so a server that answers always answers
first); code that needs a shorter one for a whole block (the public pages'
version read, the health probe) wraps it in `deadline(connection, seconds)`.

A web process must never create a missing SQLite file: `serving()` (called by
lwrs_site/wsgi.py) says this process is one.
"""

import os
import socket
import threading
import time
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import OperationalError, connections
from django.db.utils import DatabaseErrorWrapper
from django.utils.functional import cached_property

_web_process = False


def serving():
    """This process serves web requests: it opens the database, never creates it."""
    global _web_process
    _web_process = True


def is_serving():
    return _web_process


class DatabaseTimeout(OperationalError):
    """The database did not answer a call within its deadline."""


class DatabaseRefused(OperationalError):
    """The database is known not to answer: this call was not even tried."""


_refusing = threading.local()


@contextmanager
def refused(reason):
    """Within this block, any database use on this thread fails at once with
    DatabaseRefused: while a process knows its database is down, a request that
    needs it gets its 503 now rather than after its own timeouts."""
    _refusing.reason = reason
    try:
        yield
    finally:
        _refusing.reason = None


def _check_refused():
    reason = getattr(_refusing, "reason", None)
    if reason:
        raise DatabaseRefused(reason)


def _interrupt(wrapper):
    """Make the call in progress on this connection fail now. False if there is
    no connection yet (it is being opened: connect_timeout bounds that)."""
    connection = wrapper.connection
    if connection is None:
        return False
    if wrapper.vendor == "sqlite":
        connection.interrupt()
        return True
    try:
        fd = connection.fileno()
    except Exception:  # already closed: nothing waits on it
        return True
    # shutdown() acts on the socket itself, so the driver's blocked read sees
    # the end of the stream and fails; closing our duplicate leaves its own
    # descriptor alone.
    with socket.socket(fileno=os.dup(fd)) as duplicate, suppress(OSError):  # already shut
        duplicate.shutdown(socket.SHUT_RDWR)
    return True


class Watchdog:
    """One thread per process that ends the database calls that outlive their deadline."""

    TICK = 0.05  # seconds between looks: how late a deadline may fire

    def __init__(self):
        self._lock = threading.Lock()
        self._watched = {}  # token -> [wrapper, deadline, fired]
        self._pid = None

    def _ensure_running(self):
        # Started lazily, and again in a forked child (threads do not survive fork).
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                    thread.start()
                    self._pid = os.getpid()

    def start(self, wrapper, seconds):
        self._ensure_running()
        token = object()
        with self._lock:
            self._watched[token] = [wrapper, time.monotonic() + seconds, False]
        return token

    def stop(self, token):
        """Stop watching; True if the deadline fired."""
        with self._lock:
            watched = self._watched.pop(token, None)
        return bool(watched and watched[2])

    def _run(self):
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            # Under the lock: a call that has finished (stop() takes the lock
            # too) is never interrupted after the fact.
            with self._lock:
                for watched in self._watched.values():
                    wrapper, when, fired = watched
                    if not fired and now >= when and _interrupt(wrapper):
                        watched[2] = True


WATCHDOG = Watchdog()


class Watch:
    fired = False  # whether the deadline cut a call short


@contextmanager
def deadline(wrapper, seconds):
    """Fail any database call on `wrapper` that is still running `seconds` from
    now. Yields a Watch that says afterwards whether that happened."""
    watch = Watch()
    if not seconds:
        yield watch
        return
    # django.db.connection is a proxy to the current thread's connection: the
    # watchdog, in its own thread, must hold this thread's.
    wrapper = connections[wrapper.alias]
    token = WATCHDOG.start(wrapper, seconds)
    ends = wrapper.__dict__.setdefault("_deadlines_ending", [])
    ends.append(time.monotonic() + seconds)
    try:
        yield watch
    except Exception as error:
        if WATCHDOG.stop(token):
            watch.fired = True
            wrapper.errors_occurred = True
            if not isinstance(error, DatabaseTimeout):
                raise DatabaseTimeout(
                    f"the database did not answer within {seconds:g} s"
                ) from error
        raise
    else:
        if WATCHDOG.stop(token):
            # Fired as the call returned (or the call swallowed the error): the
            # connection is cut, drop it.
            watch.fired = True
            wrapper.errors_occurred = True
    finally:
        ends.pop()


def seconds_left(wrapper):
    """Seconds until the nearest deadline() on this connection ends, or None."""
    ends = wrapper.__dict__.get("_deadlines_ending")
    return min(ends) - time.monotonic() if ends else None


class DeadlineErrorWrapper(DatabaseErrorWrapper):
    """Django's wrapper around every driver call (it turns the driver's errors
    into django.db's), with the call's deadline added. Calls nest (a cursor's
    fetch inside a query): only the outermost is timed."""

    def __init__(self, wrapper):
        super().__init__(wrapper)
        self._calls = threading.local()

    def __enter__(self):
        depth = getattr(self._calls, "depth", 0)
        self._calls.depth = depth + 1
        if depth == 0 and settings.DATABASE_CALL_TIMEOUT:
            self._calls.token = WATCHDOG.start(self.wrapper, settings.DATABASE_CALL_TIMEOUT)

    def __exit__(self, exc_type, exc_value, traceback):
        self._calls.depth -= 1
        fired = False
        if self._calls.depth == 0 and getattr(self._calls, "token", None) is not None:
            fired = WATCHDOG.stop(self._calls.token)
            self._calls.token = None
        if fired:
            self.wrapper.errors_occurred = True  # the connection is cut: drop it
        if fired and exc_type is not None:
            raise DatabaseTimeout(
                f"the database did not answer within {settings.DATABASE_CALL_TIMEOUT:g} s"
            ).with_traceback(traceback) from exc_value
        return super().__exit__(exc_type, exc_value, traceback)


class DeadlineMixin:
    """What the backends in this package add to Django's: the deadline on every
    call, and refusal within `refused()`. Before Django's own checks, which may
    already wait on the server (a kept connection's health check, a connect)."""

    @cached_property
    def wrap_database_errors(self):
        return DeadlineErrorWrapper(self)

    def ensure_connection(self):
        _check_refused()
        return super().ensure_connection()

    def _cursor(self, name=None):
        _check_refused()
        return super()._cursor(name)
