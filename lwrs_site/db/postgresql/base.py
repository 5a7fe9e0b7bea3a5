"""Django's PostgreSQL backend, with a deadline on every call (see lwrs_site/db/)."""

import math

from django.db.backends.postgresql import base

from lwrs_site.db import DatabaseTimeout, DeadlineMixin, deadline, seconds_left

# Django's health check before the first query of a request ("SELECT 1" on a
# kept connection) bypasses its error wrapper: it gets its own, short deadline.
# A server that answers does so in milliseconds; a frozen one costs this long.
USABLE_SECONDS = 1


class DatabaseWrapper(DeadlineMixin, base.DatabaseWrapper):
    def is_usable(self):
        try:
            with deadline(self, USABLE_SECONDS):
                return super().is_usable()
        except Exception:  # Django expects False, never an error, from here
            return False

    def close_if_health_check_failed(self):
        # Django's, plus: a server that took the connection and did not answer
        # SELECT 1 in time is frozen or cut off, and a new connection would only
        # wait again (connect_timeout). This request fails now; the next connects.
        if (
            self.pool  # a pool hands out checked connections
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return
        with deadline(self, USABLE_SECONDS) as watch:
            usable = self.is_usable()
        if not usable:
            self.close()
        self.health_check_done = True
        if watch.fired:
            raise DatabaseTimeout(f"the database did not answer within {USABLE_SECONDS} s")

    def get_new_connection(self, conn_params):
        # The watchdog cannot cut a connection that is still being opened: within
        # a shorter deadline, ask libpq to give up sooner (it waits 2 s at least).
        left = seconds_left(self)
        if left is not None and left < float(conn_params.get("connect_timeout") or math.inf):
            conn_params = {**conn_params, "connect_timeout": max(2, math.ceil(left))}
        return super().get_new_connection(conn_params)
