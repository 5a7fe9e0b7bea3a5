"""The one way to make an absolute address of a page of this site.

For a request: the scheme and host the visitor used, so a copied link works
where it was copied from. In production that is https: the TLS proxy says so
(X-Forwarded-Proto, read through SECURE_PROXY_SSL_HEADER) and plain HTTP is
redirected first. Feeds, downloads, cards and oEmbed, calendars, the booklet,
link previews and structured data all use it. (Django's sitemap and feed
frameworks make the addresses they add themselves the same way: the request's
scheme and host; tests/test_absolute_urls.py checks every one.)

Without a request (alert emails, sent by a command), the site's public address,
settings.SITE_URL (DJANGO_SITE_URL), which `check --deploy` wants to be https.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path, request=None):
    """`path` (from reverse() or get_absolute_url(), starting with "/") as an absolute URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path


def site_host():
    """The host name of the site's public address (settings.SITE_URL), without a port:
    what names the site where the address a visitor used must not matter (the feed's
    entry ids)."""
    return urlsplit(settings.SITE_URL).hostname
