"""Security headers Django and django-csp do not set themselves; answers when the database cannot."""

from django.conf import settings
from django.urls import reverse

from lwrs_site.db import refused

from .health import DATABASE, is_outage


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
