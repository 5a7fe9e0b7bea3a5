"""Programmes on other sites, in a real Chromium: the card framed by an allowed origin and
refused by another, the card's accessibility and fit, and the Copy buttons."""

import json
import threading
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from tests.browser.pages import LIVE_PROGRAMME, LIVE_PROGRAMME_TITLE

EMBED = LIVE_PROGRAMME + "embed/"


@contextmanager
def intranet_page(body):
    """A page served from another origin (127.0.0.1 on a port of its own; the live
    server is http://localhost:...), as a trust's intranet would serve it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            content = (
                '<!DOCTYPE html><html lang="en-GB"><head><title>Trust intranet</title></head>'
                f"<body><main><h1>Our staff news</h1>{body}</main></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def snippet(site):
    """The <iframe> code a trust pastes, as the site's oEmbed endpoint gives it."""
    url = quote(site.url(LIVE_PROGRAMME), safe="")
    with urllib.request.urlopen(site.url(f"/oembed?url={url}&format=json")) as response:  # noqa: S310 - the live server
        return json.load(response)["html"]


def test_an_allowed_origin_frames_the_card_and_another_is_refused(
    site, page, settings, screenshot_dir
):
    code = snippet(site)
    with intranet_page(code) as allowed, intranet_page(code) as other:
        settings.EMBED_ALLOWED_ORIGINS = [allowed]

        page.goto(allowed + "/")
        card = page.frame_locator("iframe")
        heading = card.get_by_role("heading", level=1)
        heading.wait_for()
        assert heading.inner_text() == LIVE_PROGRAMME_TITLE
        assert "Availability:" in card.locator("main").inner_text()
        # Styled (its stylesheets load inside the sandboxed frame): a white NHS.UK card.
        background = card.locator("main").evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(255, 255, 255)"
        page.screenshot(path=screenshot_dir / "embed-card-on-an-intranet-page.png")
        # Its link opens the programme's page in a new tab, out of the intranet page.
        with page.context.expect_page() as opened:
            card.get_by_role("link").click()
        new_tab = opened.value
        new_tab.wait_for_load_state()
        assert new_tab.url == site.url(LIVE_PROGRAMME)
        new_tab.close()

        refusals = []
        page.on("console", lambda message: refusals.append(message.text))
        page.goto(other + "/")
        page.wait_for_load_state("load")
        frame = page.frames[1]
        assert frame.url != site.url(EMBED) or not frame.locator("h1").count()
        assert not page.frame_locator("iframe").get_by_role("heading", level=1).count()
        assert any("frame-ancestors" in text for text in refusals), refusals


def test_a_page_that_is_not_a_card_is_refused_even_to_an_allowed_origin(site, page, settings):
    frame_code = f'<iframe src="{site.url(LIVE_PROGRAMME)}" title="The whole page"></iframe>'
    with intranet_page(frame_code) as allowed:
        settings.EMBED_ALLOWED_ORIGINS = [allowed]
        refusals = []
        page.on("console", lambda message: refusals.append(message.text))
        page.goto(allowed + "/")
        page.wait_for_load_state("load")
        assert not page.frame_locator("iframe").get_by_role("heading", level=1).count()
        assert any("frame-ancestors" in text for text in refusals), refusals


def test_no_axe_violations_on_the_card(site, page, axe_check):
    for path, status in [(EMBED, 200), ("/programmes/no-such-programme/embed/", 404)]:
        response = page.goto(site.url(path))
        assert response.status == status
        axe_check(page)


def test_every_card_fits_the_frame_the_snippet_gives_it(site, new_page):
    """The snippet's height is estimated from the text (a frame cannot follow its content
    across origins): no documented programme's card may need to scroll in it."""
    from programmes.embeds import CARD_WIDTH, card_height
    from programmes.models import Programme

    page = new_page(viewport={"width": CARD_WIDTH, "height": 400})
    for width in (CARD_WIDTH, 320):
        for programme in Programme.objects.published():
            height = card_height(programme, width)
            page.set_viewport_size({"width": width, "height": height})
            page.goto(site.url(programme.get_absolute_url() + "embed/"))
            needed = page.evaluate("document.documentElement.scrollHeight")
            assert needed <= height, (programme.title, width, needed, height)
            # ... and does not leave much empty space either.
            content = page.evaluate(
                "document.querySelector('.app-embed__content').getBoundingClientRect().height"
            )
            assert content >= height - 160, (programme.title, width, content, height)


@pytest.fixture
def clipboard_page(new_page):
    return new_page(permissions=["clipboard-read", "clipboard-write"])


def test_copy_buttons_copy_and_say_so(site, clipboard_page, screenshot_dir):
    page = clipboard_page
    page.goto(site.url(LIVE_PROGRAMME))
    share = page.locator("section.app-share")

    share.get_by_role("button", name="Copy link").click()
    status = share.locator("#share-link-status")
    status.get_by_text("Link copied").wait_for()
    share.screenshot(path=screenshot_dir / "programme-share-copied.png")
    assert status.get_attribute("role") == "status"
    assert page.evaluate("navigator.clipboard.readText()") == site.url(LIVE_PROGRAMME)

    share.get_by_role("button", name="Copy text").click()
    share.locator("#newsletter-status").get_by_text("Text copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    lines = [line for line in copied.splitlines() if line.strip()]
    assert lines[0] == LIVE_PROGRAMME_TITLE
    assert lines[2].startswith("Availability: ")
    assert lines[3] == f"Find out more: {site.url(LIVE_PROGRAMME)}"

    share.get_by_text("Show this programme on your intranet").click()
    share.get_by_role("button", name="Copy code").click()
    share.locator("#embed-code-status").get_by_text("Code copied").wait_for()
    code = page.evaluate("navigator.clipboard.readText()")
    assert code.startswith(f'<iframe src="{site.url(EMBED)}" title="')


def test_where_the_clipboard_is_refused_the_text_is_selected_to_copy(site, new_page):
    page = new_page()
    # A locked-down browser: writing to the clipboard fails.
    page.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));"
    )
    page.goto(site.url(LIVE_PROGRAMME))
    share = page.locator("section.app-share")
    share.get_by_role("button", name="Copy text").click()
    share.locator("#newsletter-status").get_by_text("Press Ctrl and C").wait_for()
    selected = page.evaluate("getSelection().toString()")
    assert selected.startswith(LIVE_PROGRAMME_TITLE)
    assert "Find out more: " in selected


def test_without_javascript_the_text_is_there_to_select_and_no_button_is(site, nojs_page):
    nojs_page.goto(site.url(LIVE_PROGRAMME))
    share = nojs_page.locator("section.app-share")
    assert share.get_by_role("button").count() == 0  # hidden buttons are not in the tree
    assert share.locator("#share-link").input_value() == site.url(LIVE_PROGRAMME)
    assert LIVE_PROGRAMME_TITLE in share.locator("#newsletter-text").inner_text()
