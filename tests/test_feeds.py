"""The Atom feed of programmes, /programmes/feed/, whole or filtered like the catalogue."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from programmes import feeds
from programmes.feeds import FEED_LENGTH
from programmes.finder.index import BUILD_QUERIES
from programmes.models import Programme
from tests.test_production_sharing import head_of

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def feed(client, query=""):
    response = client.get(f"/programmes/feed/{query}", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response, ET.fromstring(response.content)  # noqa: S314 - our own response


def entry_titles(root):
    return [e.findtext("a:title", namespaces=ATOM) for e in root.findall("a:entry", ATOM)]


def test_feed_holds_every_published_programme_newest_first(client, catalogue):
    Programme.objects.create(title="A draft", summary="s", is_published=False)
    newest = Programme.objects.create(
        title="Brand new programme", summary="Just added.", is_published=True
    )
    newest.tags.add("WRES")
    _, root = feed(client)
    titles = entry_titles(root)
    assert titles[0] == "Brand new programme"
    assert sorted(titles) == sorted(p.title for p in Programme.objects.published())
    assert "A draft" not in titles

    entry = root.find("a:entry", ATOM)
    assert (
        entry.find("a:link", ATOM).get("href")
        == "https://testserver/programmes/brand-new-programme/"
    )
    assert entry.findtext("a:summary", namespaces=ATOM) == "Just added."
    assert entry.findtext("a:updated", namespaces=ATOM)
    assert entry.findtext("a:published", namespaces=ATOM)
    assert [c.get("term") for c in entry.findall("a:category", ATOM)] == ["WRES"]
    assert root.findtext("a:title", namespaces=ATOM) == "LWRS programmes"
    assert root.findtext("a:author/a:name", namespaces=ATOM).startswith("NHS England London")


def test_newest_first_follows_when_programmes_were_added(client, make_programmes):
    made = make_programmes(3)
    base = timezone.now() - datetime.timedelta(days=10)
    for days, programme in zip([5, 1, 9], made, strict=True):
        Programme.objects.filter(pk=programme.pk).update(
            created_at=base + datetime.timedelta(days=days)
        )
    _, root = feed(client)
    assert entry_titles(root) == [made[2].title, made[0].title, made[1].title]


def test_filtered_feed_holds_only_the_filtered_programmes(client, catalogue):
    response, root = feed(client, "?tag=wres&page=3&sort=title")
    expected = Programme.objects.published().filter(tags__slug="wres")
    assert expected.count() >= 2
    assert sorted(entry_titles(root)) == sorted(p.title for p in expected)
    assert root.findtext("a:title", namespaces=ATOM) == "LWRS programmes: WRES"
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", ATOM)}
    assert links["self"] == "https://testserver/programmes/feed/?tag=wres"
    assert links["alternate"] == "https://testserver/programmes/?tag=wres"


def test_feed_search_and_facets_combine_as_on_the_catalogue(client, catalogue):
    _, root = feed(client, "?q=bias")
    assert "London De-bias Recruitment Toolkit" in entry_titles(root)
    assert len(entry_titles(root)) < 12
    _, root = feed(client, "?tag=wres&status=ended")
    assert entry_titles(root) == []


@pytest.mark.parametrize(
    "query",
    ["?tag=%3Cscript%3E", "?status=nonsense&kind=", "?page=abc&sort=sideways", "?q=" + "x" * 5000],
)
def test_bad_parameters_never_fail_the_feed(client, catalogue, query):
    response, root = feed(client, query)
    assert b"<script>" not in response.content


def test_feed_is_bounded(client, make_programmes, monkeypatch):
    assert FEED_LENGTH == 50
    monkeypatch.setattr(feeds, "FEED_LENGTH", 4)
    make_programmes(6)
    _, root = feed(client)
    assert len(entry_titles(root)) == 4


def test_feed_queries_do_not_grow(client, make_programmes, django_assert_max_num_queries):
    make_programmes(40)
    # The tag's name, the catalogue version, the programmes and their tags; the
    # first request after a change also builds the finder's index.
    with django_assert_max_num_queries(4 + BUILD_QUERIES):
        feed(client, "?tag=shared-topic")
    with django_assert_max_num_queries(4):
        feed(client, "?tag=shared-topic&status=in-action")


def test_feed_revalidates_with_last_modified(client, programme):
    response, _ = feed(client)
    assert response["Last-Modified"]
    again = client.get(
        "/programmes/feed/", headers={"if-modified-since": response["Last-Modified"]}
    )
    assert again.status_code == 304


def test_catalogue_links_its_feed_with_the_active_filters(client, catalogue):
    head = head_of(client.get("/programmes/?tag=wres&page=1&sort=title"))
    [alternate] = head.links["alternate"]
    assert alternate["type"] == "application/atom+xml"
    assert alternate["href"] == "/programmes/feed/?tag=wres"
    plain = head_of(client.get("/programmes/"))
    assert plain.links["alternate"][0]["href"] == "/programmes/feed/"
