"""Security headers Django and django-csp do not set themselves, and a guard for the admin's input."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)


def _hsts_value():
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Our pages and files are for this site only; other origins may not embed them.
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if settings.SECURE_HSTS_SECONDS:
            # Django's SecurityMiddleware sends HSTS on HTTPS responses only.
            # Browsers ignore it over plain HTTP (RFC 6797, section 8.1), so
            # sending it there too costs nothing, and scanners that probe the
            # site over HTTP see the same policy as browsers over HTTPS.
            response.setdefault("Strict-Transport-Security", _hsts_value())
        return response

    return middleware


class AdminInputGuard:
    """Bad input to the admin answers 400, never 500, on every database.

    - A NUL character in an admin address's query string (a search, a list filter,
      the autocomplete's term): PostgreSQL refuses NUL in text, so the query would fail.
    - A number too large for the database (a crafted id such as 99999999999999999999
      in a filter or a form): SQLite's driver raises OverflowError before asking.
    Public pages handle both themselves (programmes/filters.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and any(
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
