"""Pages that share well: canonical address, Open Graph and Twitter tags, schema.org JSON-LD."""

import json
from html.parser import HTMLParser

import pytest

from programmes.models import Programme


class HeadParser(HTMLParser):
    """Collects <meta>, <link rel> and JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.links = {}
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "link" and attrs.get("rel") in {"canonical", "alternate"}:
            self.links.setdefault(attrs["rel"], []).append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def head_of(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "London Workforce Race Strategy programmes - LWRS programmes"),
        ("/programmes/", "Programmes and initiatives - LWRS programmes"),
        ("/programmes/active-bystander-training/", "Active Bystander Training - LWRS programmes"),
        ("/partners/brap/", None),
        ("/about/", None),
    ],
)
def test_every_page_has_canonical_and_link_preview_tags(client, catalogue, path, title):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    head = head_of(response)
    url = f"https://testserver{path}"
    assert head.links["canonical"] == [{"rel": "canonical", "href": url}]
    assert head.meta["og:url"] == url
    assert head.meta["og:site_name"] == "LWRS programmes"
    assert head.meta["og:type"] == "website"
    assert head.meta["twitter:card"] == "summary"
    for key in ("og:title", "twitter:title", "og:description", "twitter:description"):
        assert head.meta[key].strip(), key
    assert head.meta["og:title"] == head.meta["twitter:title"]
    assert head.meta["og:description"] == head.meta["description"]
    if title:
        assert head.meta["og:title"] == title
        assert f"<title>{title}</title>" in response.text


def test_programme_preview_uses_its_own_title_and_summary(client, programme):
    programme.summary = 'Tom & Jerry say "hello" <b>loudly</b>.'
    programme.save()
    head = head_of(client.get(programme.get_absolute_url()))
    assert head.meta["og:title"] == "Example Inclusion Programme - LWRS programmes"
    # Escaped once in the HTML, so the preview shows the editor's exact words.
    assert head.meta["og:description"] == programme.summary
    assert "&amp;amp;" not in client.get(programme.get_absolute_url()).text


def test_filtered_catalogue_points_at_the_plain_catalogue(client, catalogue):
    head = head_of(client.get("/programmes/?tag=wres&page=2", secure=True))
    assert head.links["canonical"][0]["href"] == "https://testserver/programmes/"


def test_error_pages_offer_no_address_to_share(client, db):
    response = client.get("/programmes/no-such-programme/")
    assert response.status_code == 404
    head = head_of(response)
    assert "canonical" not in head.links
    assert "og:url" not in head.meta


def json_ld_of(client, programme):
    head = head_of(client.get(programme.get_absolute_url(), secure=True))
    assert len(head.json_ld) == 1
    return json.loads(head.json_ld[0])


def test_training_is_a_course_provided_by_nhs_england_london(client, programme):
    data = json_ld_of(client, programme)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == programme.title
    assert data["description"] == programme.summary
    assert data["url"] == f"https://testserver{programme.get_absolute_url()}"
    assert data["provider"]["name"] == "NHS England London"
    assert data["provider"]["@type"] == "GovernmentOrganization"
    assert data["dateCreated"] == "2021-07-01"
    assert data["audience"] == [
        {"@type": "Audience", "audienceType": "Line managers and supervisors"}
    ]
    assert data["contributor"][0]["name"] == "Example Partner Trust"
    assert data["keywords"] == "leadership, WRES"


def test_other_formats_are_creative_works(client, programme):
    programme.kind = Programme.Kind.TOOLKIT
    programme.save()
    data = json_ld_of(client, programme)
    assert data["@type"] == "CreativeWork"
    assert data["publisher"]["name"] == "NHS England London"


def test_json_ld_cannot_break_out_of_its_script(client, programme):
    programme.title = "</script><script>alert(1)</script>"
    programme.summary = "<!-- & -->"
    programme.save()
    html = client.get(programme.get_absolute_url()).text
    block = html[html.index('<script type="application/ld+json">') :]
    block = block[: block.index("</script>")]
    assert "<" not in block.removeprefix('<script type="application/ld+json">')
    assert "<script>alert(1)" not in html
    assert json_ld_of(client, programme)["name"] == programme.title


def test_every_documented_programme_has_valid_json_ld(client, catalogue):
    for programme in Programme.objects.published():
        data = json_ld_of(client, programme)
        assert data["@type"] in {"Course", "CreativeWork"}
        assert data["name"] == programme.title
