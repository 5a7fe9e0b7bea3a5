"""Security headers Django and django-csp do not set themselves, a guard for the
admin's input, and answers when the database cannot."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.urls import reverse
from django.views.defaults import bad_request

from lwrs_site.db import refused

from .health import DATABASE, is_outage

logger = logging.getLogger(__name__)


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Our pages and files are for this site only; other origins may not embed them.
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # HSTS is Django's SecurityMiddleware's, on HTTPS responses only: browsers
        # ignore it over plain HTTP (RFC 6797, section 8.1).
        return response

    return middleware


class AdminInputGuard:
    """Bad input to the admin answers 400, never 500, on every database.

    - A NUL character in an admin address's query string (a search, a list filter,
      the autocomplete's term): PostgreSQL refuses NUL in text, so the query would fail.
    - A number too large for the database (a crafted id such as 99999999999999999999
      in a filter or a form): SQLite's driver raises OverflowError before asking.
    Public pages handle both themselves (programmes/finder/form.py)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:  # the URLconf is not loaded when this is made
            self.admin_prefix = reverse("admin:index")
        if request.path_info.startswith(self.admin_prefix) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("A NUL character in the query string")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            logger.warning("Refused a number too large for the database: %s", request.path)
            return bad_request(request, exception)
        return None


class DatabaseOutage:
    """A request that meets a database outage gets the NHS-styled 503 page (for
    editors: "the catalogue cannot be edited right now"), not a 500 and a
    traceback per request; the fault is logged once a minute (programmes/health.py).
    While this process knows the database is down, the admin answers so at once
    instead of each request waiting for its own timeout. Public pages handle the
    outage themselves, from the page cache (programmes/cache.py)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def _editing(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        return request.path_info.startswith(self.admin_prefix)

    def __call__(self, request):
        if not DATABASE.is_down():
            return self.get_response(request)
        if self._editing(request):
            return DATABASE.unavailable(editing=True)
        # Any other view that needs the database fails at once (and gets the
        # 503 page from process_exception below); pages from the cache do not ask.
        with refused("the database is not answering (this process found so just before)"):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        DATABASE.failed(exception, request.path)
        return DATABASE.unavailable(editing=self._editing(request))
