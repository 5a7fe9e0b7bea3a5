from django.conf import settings


def site(request):
    """Names every page uses: the site's name and the team mailbox."""
    return {
        "site_name": settings.SITE_NAME,
        "team_email": settings.TEAM_EMAIL,
        # Built from the version NHSUK_FRONTEND_VERSION names; the folder's name has
        # no version in it, so templates and scripts never change with one.
        "nhsuk_static": "vendor/nhsuk-frontend",
    }
