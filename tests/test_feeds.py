"""The Atom feed of programmes, /programmes/feed/, whole or filtered like the catalogue."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

import feedparser
import pytest
from django.utils import timezone

from programmes import feeds
from programmes.feeds import FEED_LENGTH
from programmes.finder.index import BUILD_QUERIES
from programmes.formatting import ALLOWED_TAGS
from programmes.models import Programme, VocabularyGroup
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


# --- As feed readers read it (RFC 4287) ------------------------------------------

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">&amp; “quotes”'


def read(client, query=""):
    """The feed as a feed reader sees it: feedparser, which says (bozo) when a feed is
    not well-formed or breaks its rules."""
    response, root = feed(client, query)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed, root


def test_every_entry_has_what_rfc_4287_asks(client, catalogue, settings):
    settings.SITE_URL = "https://lwrs.example.nhs.uk"
    parsed, root = read(client)
    assert len(parsed.entries) == 12
    for entry, element in zip(parsed.entries, root.findall("a:entry", ATOM), strict=True):
        programme = Programme.objects.get(title=entry.title)
        assert entry.id == f"tag:lwrs.example.nhs.uk,2026:programme/{programme.pk}"
        [alternate] = [link for link in entry.links if link.rel == "alternate"]
        assert alternate.href == f"https://testserver{programme.get_absolute_url()}"
        assert entry.link == alternate.href
        assert entry.updated_parsed
        assert entry.published_parsed
        assert entry.author == "NHS England London, Equality and Inclusion team"
        assert entry.summary == programme.summary
        assert entry.summary_detail.type == "text/plain"
        assert element.find("a:summary", ATOM).get("type") == "text"
        if programme.body:
            [content] = entry.content
            assert content.type == "text/html"
            assert element.find("a:content", ATOM).get("type") == "html"
        else:
            assert "content" not in entry
    assert sum(bool(e.get("content")) for e in parsed.entries) >= 6
    assert parsed.feed.title == "LWRS programmes"
    assert parsed.feed.updated_parsed
    assert parsed.feed.id
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == "https://testserver/programmes/feed/"


def test_self_link_keeps_the_filters(client, catalogue):
    parsed, _ = read(client, "?tag=wres&status=in-action&page=2")
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == "https://testserver/programmes/feed/?tag=wres&status=in-action"
    assert links["alternate"] == "https://testserver/programmes/?tag=wres&status=in-action"


def test_entry_ids_survive_a_new_title_and_slug(client, programme, settings):
    settings.SITE_URL = "https://lwrs.example.nhs.uk:8443"
    [before] = read(client)[0].entries
    programme.title = "A renamed programme"
    programme.slug = "a-renamed-programme"
    programme.save()
    [after] = read(client)[0].entries
    assert after.link.endswith("/programmes/a-renamed-programme/")
    assert after.link != before.link
    assert after.id == before.id == f"tag:lwrs.example.nhs.uk,2026:programme/{programme.pk}"
    # The same id whatever address a reader used.
    assert client.get("/programmes/feed/").content.count(before.id.encode()) == 1


def prose_of(html):
    """The programme page's body, as it shows it."""
    start = html.index('<div class="app-prose">') + len('<div class="app-prose">')
    return html[start : html.index("</div>", start)]


def test_content_is_the_body_as_its_page_shows_it(client, programme):
    VocabularyGroup.objects.create(terms="WRES, Workforce Race Equality Standard")
    programme.summary = "Uses the WRES data."
    programme.body = "The WRES and the [guide](https://example.org/g).\n\n- one\n- two"
    programme.save()
    page = client.get(programme.get_absolute_url()).content.decode()
    [entry] = read(client)[0].entries
    assert entry.summary == "Uses the WRES data."  # the editor's words, plain
    _, root = feed(client)
    content = root.find("a:entry/a:content", ATOM).text
    assert content == prose_of(page)
    assert "<li>one</li>" in content
    assert 'href="https://example.org/g"' in content


def test_a_programme_without_a_body_has_no_content(client, programme):
    programme.body = ""
    programme.save()
    _, root = read(client)
    assert root.find("a:entry/a:content", ATOM) is None


class Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_a_stored_script_is_never_live_in_any_field(client, programme):
    programme.title = PAYLOAD
    programme.summary = PAYLOAD
    programme.body = f"{PAYLOAD}\n\n[click](javascript:alert(3)) <a href=x onclick=y>z</a>"
    programme.save()
    programme.tags.add(PAYLOAD)
    parsed, root = read(client, "?q=" + quote(PAYLOAD))
    element = root.find("a:entry", ATOM)
    # Text constructs carry the editor's exact words, as text.
    for name in ("title", "summary"):
        assert element.find(f"a:{name}", ATOM).get("type", "text") == "text"
        assert element.findtext(f"a:{name}", namespaces=ATOM) == PAYLOAD
    [entry] = parsed.entries
    assert entry.title == entry.summary == PAYLOAD
    assert entry.summary_detail.type == entry.title_detail.type == "text/plain"
    assert PAYLOAD in [c.get("term") for c in element.findall("a:category", ATOM)]
    assert root.findtext("a:title", namespaces=ATOM).startswith(f"LWRS programmes: “{PAYLOAD}")
    # The one HTML field is the sanitised body: no script, image, handler or javascript: link.
    content = element.findtext("a:content", namespaces=ATOM)
    markup = Markup()
    markup.feed(content)
    assert markup.tags
    for tag, attrs in markup.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), attrs
        assert not attrs.get("href", "").startswith("javascript"), attrs
    assert "alert(1)" not in content


@pytest.mark.parametrize("query", ["?q=zzzzqqq", "?tag=wres&status=ended", "?q=zzzzqqq&tag=wres"])
def test_a_filter_matching_nothing_gives_a_valid_empty_feed(client, catalogue, query):
    parsed, root = read(client, query)
    assert parsed.entries == []
    for name in ("id", "title", "updated"):
        assert root.findtext(f"a:{name}", namespaces=ATOM), name
    assert root.findtext("a:author/a:name", namespaces=ATOM)


def test_control_characters_pasted_into_text_never_break_the_feed(client, programme):
    # Word's line and page breaks arrive as vertical tabs and form feeds, which XML
    # 1.0 cannot carry: Django's feed writer raised an error, a 500.
    # Stored as text saved before saves cleaned it (models.py, without_controls) was.
    Programme.objects.filter(pk=programme.pk).update(
        title="Line\x0bbreak\x01 programme",
        summary="Page\x0cbreak\x1f.",
        body="Body\x0bwith a break\x08.",
    )
    programme.tags.add("tag\x02")
    parsed, root = read(client, "?q=line%0Bbreak%01")
    [entry] = parsed.entries
    assert entry.title == "Line break programme"
    assert entry.summary == "Page break."
    assert "Body with a break." in entry.content[0].value
    assert "tag" in [t.term for t in entry.tags]
