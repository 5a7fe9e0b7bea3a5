"""Deploy checks (`manage.py check --deploy`): alert emails link to the real site, over HTTPS,
and come from a real address."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def alert_email_settings(app_configs, **kwargs):
    found = []
    if not settings.SITE_URL.startswith("https://"):
        found.append(
            Warning(
                f"DJANGO_SITE_URL is {settings.SITE_URL!r}: the links in alert emails would not "
                "reach the site over HTTPS.",
                hint="Set DJANGO_SITE_URL to the site's public address, e.g. https://lwrs.example.nhs.uk",
                id="alerts.W001",
            )
        )
    if settings.EMAIL_HOST and settings.DEFAULT_FROM_EMAIL.endswith("@localhost>"):
        found.append(
            Warning(
                "DJANGO_DEFAULT_FROM_EMAIL is not set: alert emails would come from an address "
                "no mail server accepts.",
                hint="Set DJANGO_DEFAULT_FROM_EMAIL, e.g. 'LWRS programmes <lwrs.alerts@nhs.net>'",
                id="alerts.W002",
            )
        )
    return found
