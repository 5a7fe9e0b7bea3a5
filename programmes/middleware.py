"""Security headers Django and django-csp do not set themselves."""

from django.conf import settings


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Our pages and files are for this site only; other origins may not embed them.
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    return middleware
