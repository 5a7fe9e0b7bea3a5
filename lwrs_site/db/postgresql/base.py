"""Django's PostgreSQL backend, with a deadline on every call (see lwrs_site/db/)."""

from django.db.backends.postgresql import base
from django.utils.functional import cached_property

from lwrs_site.db import DeadlineErrorWrapper, deadline

# Django's health check before the first query of a request ("SELECT 1" on a
# kept connection) bypasses its error wrapper: it gets its own, short deadline.
# A server that answers does so in milliseconds; a frozen one costs this long.
USABLE_SECONDS = 1


class DatabaseWrapper(base.DatabaseWrapper):
    @cached_property
    def wrap_database_errors(self):
        return DeadlineErrorWrapper(self)

    def is_usable(self):
        try:
            with deadline(self, USABLE_SECONDS):
                return super().is_usable()
        except Exception:  # Django expects False, never an error, from here
            return False
