"""Absolute addresses of the site's pages: one way to make them (programmes/absolute_urls.py),
https in production behind the TLS proxy, in every output that carries them."""

import datetime
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client

from programmes.absolute_urls import absolute_url
from programmes.models import KeyDate

HOST = "lwrs.example.nhs.uk"
# What the TLS proxy in front of production sends with every HTTPS request.
VIA_PROXY = {"x-forwarded-proto": "https", "host": HOST}
OUR_ADDRESS = re.compile(rf"\bhttps?://{re.escape(HOST)}[^\s\"'<>\\]*")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def behind_tls_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = [HOST]
    return Client(headers=VIA_PROXY)


def outputs(programme):
    page = programme.get_absolute_url()
    return [
        page,  # canonical, og:url, JSON-LD, oEmbed discovery, share texts, print line
        "/programmes/",
        f"/partners/{programme.partner_roles.first().partner.slug}/",
        "/programmes/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/programmes/export.csv",
        "/programmes/export.json",
        "/programmes/calendar.ics",
        f"{page}calendar.ics",
        f"{page}embed/",
        f"/oembed?url={quote(f'https://{HOST}{page}')}&format=json",
    ]


def test_every_output_gives_https_addresses_behind_the_proxy(behind_tls_proxy, programme):
    KeyDate.objects.create(
        programme=programme,
        kind=KeyDate.Kind.EVENT,
        label="Launch event",
        starts_on=datetime.date(2030, 1, 1),
    )
    for path in outputs(programme):
        response = behind_tls_proxy.get(path)
        assert response.status_code == 200, path
        found = OUR_ADDRESS.findall(response.content.decode())
        assert found, path
        for address in found:
            assert address.startswith(f"https://{HOST}/"), (path, address)
    # The card for an address that is no programme's links to the catalogue.
    missing = behind_tls_proxy.get("/programmes/no-such-programme/embed/")
    assert missing.status_code == 404
    assert f'href="https://{HOST}/programmes/"' in missing.content.decode()


def test_without_a_request_the_sites_public_address(settings):
    settings.SITE_URL = "https://lwrs.example.nhs.uk"
    assert absolute_url("/programmes/") == "https://lwrs.example.nhs.uk/programmes/"


def test_absolute_addresses_are_made_in_one_place():
    """build_absolute_uri(), the site's address and the request's scheme appear only in
    programmes/absolute_urls.py (settings and the check that it is https aside)."""
    made_elsewhere = re.compile(
        r"""build_absolute_uri|scheme\s*\}+\s*://|SITE_URL[\w.()"'/]*\s*\+"""
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("programmes", "alerts", "lwrs_site", "templates")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if made_elsewhere.search(line)
    ]
    assert {place.split(":")[0] for place in found} == {"programmes/absolute_urls.py"}, found
