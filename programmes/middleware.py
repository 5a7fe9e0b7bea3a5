"""Security headers Django and django-csp do not set themselves."""

from django.conf import settings


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
