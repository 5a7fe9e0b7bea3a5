"""Programmes on other sites: the embeddable card, oEmbed, CORS, and sharing on programme pages."""

import json
import os
import re
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.embeds import card_height, origin_allowed
from programmes.models import Programme
from tests import observatory

EMBED = "/programmes/active-bystander-training/embed/"
PAGE = "/programmes/active-bystander-training/"
DEFAULT_ORIGINS = ["https://*.nhs.uk", "https://*.nhs.net"]


def csp(response):
    return observatory.parse_csp(response["Content-Security-Policy"])


# --- The card -------------------------------------------------------------------------


def test_the_card_shows_title_availability_summary_and_a_link_out(client, catalogue):
    response = client.get(EMBED, secure=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html
    assert "Active Bystander Training</h1>" in html
    assert "<strong>Availability:</strong> Ask the LWRS team" in html
    assert "Delivered in partnership with NHSE London" in html
    assert (
        '<a href="https://testserver/programmes/active-bystander-training/" target="_blank" '
        'rel="noopener">Read more about Active Bystander Training (opens in a new tab)</a>'
    ) in html
    assert '<html lang="en-GB">' in html
    assert '<meta name="robots" content="noindex">' in html
    # Self-contained: styles only, no script, no header or footer to click away into.
    assert "<script" not in html
    assert "nhsuk-header" not in html
    assert "nhsuk-footer" not in html


def test_only_the_card_may_be_framed_and_only_by_the_allowed_origins(client, catalogue):
    card = client.get(EMBED, secure=True)
    assert csp(card)["frame-ancestors"] == DEFAULT_ORIGINS
    assert "X-Frame-Options" not in card  # it cannot name origins; frame-ancestors does
    assert card["Cross-Origin-Resource-Policy"] == "cross-origin"
    # The rest of its policy is as strict as every page's.
    assert csp(card)["default-src"] == ["'none'"]
    assert csp(card)["script-src"] == ["'self'"]
    total, reasons = observatory.score(card)
    assert total >= 120, reasons

    for path in [
        "/",
        "/programmes/",
        PAGE,
        "/programmes/?tag=wres",
        "/partners/",
        "/about/",
        "/programmes/feed/",
        "/programmes/export.json",
        "/oembed?url=https://testserver" + PAGE,
        "/programmes/no-such-programme/",
        "/programmes/active-bystander-training/calendar.ics",
    ]:
        response = client.get(path, secure=True)
        assert response.status_code in (200, 404), path
        assert csp(response)["frame-ancestors"] == ["'none'"], path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", path


def test_the_origins_come_from_the_setting(client, catalogue, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://intranet.example.nhs.uk", "http://127.0.0.1:8123"]
    card = client.get(EMBED, secure=True)
    assert csp(card)["frame-ancestors"] == settings.EMBED_ALLOWED_ORIGINS
    settings.EMBED_ALLOWED_ORIGINS = []
    card = client.get(EMBED, secure=True)
    assert csp(card)["frame-ancestors"] == ["'none'"]


def test_an_unknown_programme_is_a_404_card_that_can_still_be_framed(client, catalogue):
    Programme.objects.create(title="Secret Draft", summary="s", is_published=False)
    for path in ["/programmes/no-such-programme/embed/", "/programmes/secret-draft/embed/"]:
        response = client.get(path, secure=True)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Programme not found" in html
        assert "Secret Draft" not in html
        assert csp(response)["frame-ancestors"] == DEFAULT_ORIGINS


def test_an_old_address_of_the_card_redirects_to_the_current_one(client, catalogue):
    programme = Programme.objects.get(slug="active-bystander-training")
    programme.slug = "active-bystander-training-london"
    programme.save()
    response = client.get(EMBED)
    assert response.status_code == 301
    assert response["Location"] == "/programmes/active-bystander-training-london/embed/"


def test_the_card_is_cached_like_a_page(client, catalogue, django_assert_num_queries):
    client.get(EMBED)
    with django_assert_num_queries(1):  # the catalogue version
        response = client.get(EMBED)
    assert response.status_code == 200


def test_the_card_is_never_a_500_for_odd_slugs(client, catalogue):
    for slug in ["a" * 300, "x-y_z", "9" * 30]:
        assert client.get(f"/programmes/{slug}/embed/").status_code == 404


# --- The setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://*.nhs.uk https://*.nhs.net",
        "https://intranet.example.nhs.uk",
        "http://127.0.0.1:8123 http://localhost:8000",
        "https://*.nhs.uk:*",
        "",
    ],
)
def test_the_setting_takes_origins(monkeypatch, value):
    from lwrs_site.settings import envorigins

    monkeypatch.setitem(os.environ, "DJANGO_EMBED_ALLOWED_ORIGINS", value)
    assert envorigins("DJANGO_EMBED_ALLOWED_ORIGINS", "https://*.nhs.uk") == value.split()


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "'none'",
        "'self'",
        "https://a.nhs.uk/path",
        "https://a.nhs.uk; script-src *",
        "https://a.nhs.uk,https://b.nhs.uk",
        "javascript:alert(1)",
        "https://*",
        "intranet.nhs.uk",
        "https://a.nhs.uk'",
    ],
)
def test_the_setting_refuses_anything_else(monkeypatch, value):
    from lwrs_site.settings import envorigins

    monkeypatch.setitem(os.environ, "DJANGO_EMBED_ALLOWED_ORIGINS", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_EMBED_ALLOWED_ORIGINS"):
        envorigins("DJANGO_EMBED_ALLOWED_ORIGINS", "")


def test_the_default_is_nhs_sites(settings):
    assert settings.EMBED_ALLOWED_ORIGINS == DEFAULT_ORIGINS


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://intranet.example.nhs.uk", True),
        ("https://trust.nhs.net", True),
        ("https://a.b.c.nhs.uk", True),
        ("https://INTRANET.NHS.UK", True),
        ("https://intranet.nhs.uk:443", True),
        ("https://nhs.uk", False),  # "*." is a subdomain, not the domain itself
        ("http://intranet.nhs.uk", False),
        ("https://intranet.nhs.uk:8443", False),
        ("https://intranet.nhs.uk.evil.example", False),
        ("https://evilnhs.uk", False),
        ("https://intranet.nhs.uk/", False),
        ("null", False),
        ("", False),
        ("https://intranet.nhs.uk\r\nX: y", False),
    ],
)
def test_origins_are_read_as_frame_ancestors_reads_them(origin, allowed):
    assert origin_allowed(origin, DEFAULT_ORIGINS) is allowed


def test_exact_origins_and_any_port():
    assert origin_allowed("http://127.0.0.1:8123", ["http://127.0.0.1:8123"])
    assert not origin_allowed("http://127.0.0.1:8124", ["http://127.0.0.1:8123"])
    assert not origin_allowed("http://localhost:8123", ["http://127.0.0.1:8123"])
    assert origin_allowed("https://a.nhs.uk:8443", ["https://*.nhs.uk:*"])


# --- CORS on the feed and the JSON download ---------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/programmes/feed/", "/programmes/export.json?tag=wres", "/programmes/export.schema.json"],
)
def test_scripts_on_allowed_origins_may_read_the_feed_and_json(client, catalogue, path):
    origin = "https://intranet.example.nhs.uk"
    response = client.get(path, headers={"origin": origin})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]

    refused = client.get(path, headers={"origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused
    assert "Origin" in refused["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get(path)


@pytest.mark.parametrize(
    "path", ["/programmes/export.csv", "/programmes/", PAGE, "/programmes/calendar.ics", EMBED]
)
def test_no_other_url_answers_cors(client, catalogue, path):
    response = client.get(path, headers={"origin": "https://intranet.example.nhs.uk"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


# --- oEmbed -----------------------------------------------------------------------------------


def oembed(client, url, **params):
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in {"url": url, **params}.items())
    return client.get(f"/oembed?{query}")


def test_oembed_answers_with_the_spec_fields(client, catalogue):
    response = oembed(client, "http://testserver" + PAGE, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    # oEmbed 1.0, section 2.3.4: every response has type and version; "rich" adds
    # html, width and height (integers, pixels).
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert isinstance(data["width"], int)
    assert isinstance(data["height"], int)
    assert data["width"] > 0
    assert data["height"] > 0
    assert data["title"] == "Active Bystander Training"
    assert data["provider_name"]
    assert data["provider_url"] == "http://testserver/"
    assert isinstance(data["cache_age"], int)
    html = data["html"]
    assert html.startswith(
        '<iframe src="http://testserver/programmes/active-bystander-training/embed/"'
    )
    assert 'title="Active Bystander Training: London Workforce Race Strategy programme"' in html
    assert f'width="{data["width"]}"' in html
    assert f'height="{data["height"]}"' in html
    assert html.endswith("></iframe>")
    # Without format, json is the default (section 2.2).
    assert oembed(client, "http://testserver" + PAGE).status_code == 200
    # The card's own address works too.
    assert oembed(client, "http://testserver" + EMBED).status_code == 200


@pytest.mark.parametrize(
    ("maxwidth", "maxheight"), [(300, None), (None, 120), (200, 150), (1000, 1000)]
)
def test_oembed_honours_maxwidth_and_maxheight(client, catalogue, maxwidth, maxheight):
    params = {k: v for k, v in {"maxwidth": maxwidth, "maxheight": maxheight}.items() if v}
    data = json.loads(oembed(client, "http://testserver" + PAGE, **params).content)
    if maxwidth:
        assert data["width"] <= maxwidth
    if maxheight:
        assert data["height"] <= maxheight
    assert f'width="{data["width"]}"' in data["html"]
    assert f'height="{data["height"]}"' in data["html"]


def test_a_narrower_card_is_taller():
    programme = Programme(title="A programme", summary="word " * 40)
    assert card_height(programme, 300) > card_height(programme, 480)


def test_oembed_for_an_old_address_gives_the_current_card(client, catalogue):
    programme = Programme.objects.get(slug="active-bystander-training")
    programme.slug = "active-bystander-training-london"
    programme.save()
    data = json.loads(oembed(client, "http://testserver" + PAGE).content)
    assert "/programmes/active-bystander-training-london/embed/" in data["html"]


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/programmes/no-such-programme/",
        "http://testserver/programmes/secret-draft/",
        "http://testserver/programmes/",
        "http://testserver/programmes/feed/",
        "http://testserver/partners/brap/",
        "http://testserver/",
        "https://www.england.nhs.uk/programmes/active-bystander-training/",
        "http://user@testserver/programmes/active-bystander-training/",
    ],
)
def test_oembed_for_an_unknown_address_is_404(client, catalogue, url):
    Programme.objects.create(title="Secret Draft", summary="s", is_published=False)
    response = oembed(client, url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"url": ""},
        {"url": "not a url"},
        {"url": "javascript:alert(1)"},
        {"url": "ftp://testserver/programmes/active-bystander-training/"},
        {"url": "http://[::1/programmes/x/"},
        {"url": "http://testserver:99999/programmes/x/"},
        {"url": "http://testserver/programmes/x/\x00"},
        {"url": "http://testserver/" + "a" * 3000},
        {"url": "http://testserver" + PAGE, "maxwidth": "wide"},
        {"url": "http://testserver" + PAGE, "maxwidth": "-1"},
        {"url": "http://testserver" + PAGE, "maxheight": "0"},
        {"url": "http://testserver" + PAGE, "maxheight": "1e9"},
        {"url": "http://testserver" + PAGE, "maxwidth": "\u0663\u0660\u0660"},
    ],
)
def test_oembed_refuses_bad_values_with_400(client, catalogue, params):
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    response = client.get(f"/oembed?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_oembed_offers_only_json(client, catalogue):
    response = oembed(client, "http://testserver" + PAGE, format="xml")
    assert response.status_code == 501  # the spec's answer to a format it does not offer


URLS = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["http://testserver", "https://testserver", "http://testserver:80"]).flatmap(
        lambda site: st.text(max_size=60).map(lambda path: f"{site}/programmes/{path}")
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(url=URLS, maxwidth=st.text(max_size=6), fmt=st.sampled_from(["json", "", "xml", "JSON"]))
def test_oembed_never_fails_whatever_it_is_sent(client, catalogue, url, maxwidth, fmt):
    query = f"url={quote(url, safe='')}&maxwidth={quote(maxwidth, safe='')}&format={quote(fmt, safe='')}"
    assert client.get(f"/oembed?{query}").status_code in (200, 400, 404, 501)


# --- On the programme page ------------------------------------------------------------------


def test_the_programme_page_offers_discovery_share_and_embed(client, catalogue):
    html = client.get(PAGE).content.decode()
    head = html[: html.index("</head>")]
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', head)
    assert link
    href = link.group(1).replace("&amp;", "&")
    assert href == (
        "http://testserver/oembed?url=http%3A%2F%2Ftestserver%2Fprogrammes%2F"
        "active-bystander-training%2F&format=json"
    )
    assert client.get(href.removeprefix("http://testserver")).status_code == 200

    share = html[html.index('<section class="app-share') :]
    share = share[: share.index("</section>")]
    assert 'value="http://testserver/programmes/active-bystander-training/"' in share
    # The newsletter text: title, one sentence, availability, link.
    assert "<p><strong>Active Bystander Training</strong></p>" in share
    assert (
        "<p>Delivered in partnership with NHSE London Equality and Inclusion Programme "
        "and The Active Bystander Training Company.</p>"
    ) in share
    assert "<p>Availability: Ask the LWRS team</p>" in share
    assert "<p>Find out more: http://testserver/programmes/active-bystander-training/</p>" in share
    # Buttons only with JavaScript (static/js/copy.mjs shows them), each with a status.
    buttons = re.findall(r"<button[^>]*>[^<]*</button>", share)
    assert [re.search(r">([^<]*)<", b).group(1) for b in buttons] == [
        "Copy link",
        "Copy text",
        "Copy code",
    ]
    assert all(" hidden>" in b for b in buttons)
    for status in re.findall(r'data-status="([^"]+)"', share):
        assert f'id="{status}" role="status"' in share
    # The embed code, in a details element, with the frame's title.
    details = share[share.index('<details class="nhsuk-details" id="embed-code">') :]
    code = re.search(r'id="embed-code-source"[^>]*value="([^"]+)"', details).group(1)
    assert code.startswith(
        "&lt;iframe src=&quot;http://testserver/programmes/active-bystander-training/embed/&quot; "
        "title=&quot;Active Bystander Training: London Workforce Race Strategy programme&quot;"
    )
    assert "https://*.nhs.uk and https://*.nhs.net" in details


def test_a_draft_preview_offers_no_sharing(editor_client, catalogue):
    Programme.objects.create(title="Secret Draft", summary="s", is_published=False)
    html = editor_client.get("/programmes/secret-draft/").content.decode()
    assert "app-share" not in html
    assert "json+oembed" not in html


@pytest.mark.parametrize(
    ("summary", "line"),
    [
        ("One. Two.", "One."),
        ("Led by Dr. Naureen Bhatti. Then more.", "Led by Dr. Naureen Bhatti."),
        ("No full stop at all", "No full stop at all"),
        ("Version 2.0 is out. Next.", "Version 2.0 is out."),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_the_newsletter_line_is_the_first_sentence(summary, line):
    from programmes.templatetags.share import first_sentence

    assert first_sentence(summary) == line
