"""/sitemap.xml and /robots.txt: what search engines are told."""

import datetime
import xml.etree.ElementTree as ET
from pathlib import Path

from django.utils import timezone
from lxml import etree

from programmes.models import Partner, Programme, ProgrammePartner

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_every_published_programme_and_partner_with_lastmod(client, catalogue):
    draft = Programme.objects.create(title="Unpublished idea", summary="s", is_published=False)
    entries = sitemap_entries(client)

    for programme in Programme.objects.published():
        url = f"http://testserver{programme.get_absolute_url()}"
        assert entries[url] == timezone.localdate(programme.updated_at).isoformat()
    assert f"http://testserver{draft.get_absolute_url()}" not in entries
    assert Partner.objects.count() == 5
    for partner in Partner.objects.all():
        assert entries[f"http://testserver{partner.get_absolute_url()}"], partner
    assert "http://testserver/programmes/" in entries
    assert "http://testserver/" in entries
    assert not any("/admin/" in url for url in entries)


def test_partner_lastmod_follows_its_programmes(client, programme, partner):
    later = timezone.now() + datetime.timedelta(days=3)
    Programme.objects.filter(pk=programme.pk).update(updated_at=later)
    entries = sitemap_entries(client)
    assert entries[f"http://testserver{partner.get_absolute_url()}"] == (
        timezone.localdate(later).isoformat()
    )


def test_sitemap_drops_a_programme_when_it_is_unpublished(client, programme):
    url = f"http://testserver{programme.get_absolute_url()}"
    assert url in sitemap_entries(client)
    programme.is_published = False
    programme.save()
    assert url not in sitemap_entries(client)


def test_sitemap_uses_https_for_secure_requests(client, programme):
    response = client.get("/sitemap.xml", secure=True)
    assert f"<loc>https://testserver{programme.get_absolute_url()}</loc>" in response.text


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: https://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    for download in ["export.csv", "export.json", "calendar.ics", "booklet.pdf"]:
        assert f"Disallow: /programmes/{download}" in lines
    # The catalogue itself stays open to crawlers.
    assert "Disallow: /" not in lines
    assert "Disallow: /programmes/" not in lines


# --- As search engines read it: the sitemaps.org 0.9 schema ----------------------

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "sitemap-0.9.xsd")))


def assert_valid(content):
    document = etree.fromstring(content)
    assert XSD.validate(document), [str(e) for e in XSD.error_log]


def test_sitemap_follows_the_sitemaps_org_schema(client, catalogue):
    assert_valid(client.get("/sitemap.xml", secure=True).content)


def test_an_empty_catalogue_gives_a_valid_sitemap_of_the_fixed_pages(client, db):
    response = client.get("/sitemap.xml")
    assert_valid(response.content)
    assert len(sitemap_entries(client)) == 5


def test_the_schema_check_can_fail():
    bad = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://example.org/</loc><lastmod>yesterday</lastmod></url></urlset>"
    )
    assert not XSD.validate(etree.fromstring(bad))


def test_only_published_programmes_and_public_partners(client, programme, partner):
    draft = Programme.objects.create(title="Draft only", summary="s", is_published=False)
    hidden = Partner.objects.create(name="Partner of a draft", slug="partner-of-a-draft")
    ProgrammePartner.objects.create(programme=draft, partner=hidden)
    Partner.objects.create(name="Partner of nothing", slug="partner-of-nothing")
    entries = sitemap_entries(client)
    assert_valid(client.get("/sitemap.xml").content)
    pages = {url.removeprefix("http://testserver") for url in entries}
    assert programme.get_absolute_url() in pages
    assert partner.get_absolute_url() in pages
    assert draft.get_absolute_url() not in pages
    assert not any(page.startswith("/partners/partner-of-") for page in pages)
    # A partner page answers 404 when it is not public: the sitemap never lists one.
    assert client.get(hidden.get_absolute_url()).status_code == 404
