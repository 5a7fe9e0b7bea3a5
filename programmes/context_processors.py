from django.conf import settings


def site(request):
    """Names every page uses: the site's name and the team mailbox."""
    return {
        "site_name": settings.SITE_NAME,
        "team_email": settings.TEAM_EMAIL,
        "nhsuk_static": f"vendor/nhsuk-frontend-{settings.NHSUK_FRONTEND_VERSION}",
    }
