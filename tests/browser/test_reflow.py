"""Reflow (WCAG 1.4.10), resize text (1.4.4) and text spacing (1.4.12): nothing scrolls
sideways or is cut off."""

import pytest

from tests.browser.checks import clipped_content, horizontal_overflow
from tests.browser.pages import ALL_PAGES

# 320 CSS pixels: a 1280px window at 400% zoom, the width WCAG 1.4.10 names.
NARROW = {"viewport": {"width": 320, "height": 640}}
# Browser zoom at 200% of a 1280x800 window: half as many CSS pixels, each drawn twice as big.
ZOOM_200 = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}


def text_zoom_200(page):
    """Text-only zoom, as in the browser's font size setting: the default font size doubled."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    return page


# WCAG 1.4.12's test values: what a user's own style sheet may set.
TEXT_SPACING = """
  * { line-height: 1.5 !important; letter-spacing: 0.12em !important;
      word-spacing: 0.16em !important; }
  p { margin-bottom: 2em !important; }
"""


def _problems(page, url, checks):
    page.goto(url)
    return [f"{page.url}: {problem}" for check in checks for problem in check(page)]


@pytest.fixture
def narrow_page(new_page):
    return new_page(**NARROW)


@pytest.fixture
def narrow_nojs_page(new_page):
    """Without JavaScript the header menu wraps instead of folding into "More"."""
    return new_page(java_script_enabled=False, **NARROW)


@pytest.fixture
def zoomed_page(new_page):
    return new_page(**ZOOM_200)


@pytest.fixture
def text_zoomed_page(new_page):
    return text_zoom_200(new_page())


def test_no_page_scrolls_sideways_at_320_css_pixels(full_site, narrow_page, narrow_nojs_page):
    problems = []
    for path in ALL_PAGES.values():
        problems += _problems(
            narrow_page, full_site.url(path), [horizontal_overflow, clipped_content]
        )
    # Without JavaScript only the header menu and the catalogue's filters lay out differently.
    for name in ("home", "catalogue filtered by tag"):
        url = full_site.url(ALL_PAGES[name])
        problems += _problems(narrow_nojs_page, url, [horizontal_overflow, clipped_content])
    assert not problems, "\n".join(problems)


def test_nothing_is_cut_off_at_200_percent_zoom(full_site, zoomed_page, text_zoomed_page):
    problems = []
    for page in (zoomed_page, text_zoomed_page):
        for path in ALL_PAGES.values():
            problems += _problems(page, full_site.url(path), [horizontal_overflow, clipped_content])
    assert not problems, "\n".join(problems)


def test_nothing_is_cut_off_with_wider_text_spacing(full_site, new_page):
    # The user's style sheet is not the site's, so the site's CSP does not apply to it.
    page = new_page(bypass_csp=True)
    problems = []
    for path in ALL_PAGES.values():
        page.goto(full_site.url(path))
        page.add_style_tag(content=TEXT_SPACING)
        assert page.evaluate("() => getComputedStyle(document.body).letterSpacing") != "normal"
        problems += [f"{page.url}: {p}" for p in horizontal_overflow(page) + clipped_content(page)]
    assert not problems, "\n".join(problems)


def test_text_zoom_really_makes_text_bigger(full_site, page, text_zoomed_page):
    """Proof the zoom above is real: the root font size doubles; body text grows at least 1.5x.

    (Not 2x: the type scale and breakpoints are in rem, so at twice the font size
    a 1280px window gets the smaller, small-screen sizes, as it would in a real browser.)
    """
    root = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    body = "() => parseFloat(getComputedStyle(document.querySelector('main ol li')).fontSize)"
    page.goto(full_site.url("/about/"))
    text_zoomed_page.goto(full_site.url("/about/"))
    assert text_zoomed_page.evaluate(root) == 2 * page.evaluate(root)
    assert text_zoomed_page.evaluate(body) >= 1.5 * page.evaluate(body)


def test_the_reflow_checks_can_fail(narrow_page):
    narrow_page.set_content(
        '<!DOCTYPE html><html lang="en-GB"><body><main>'
        '<div class="wide">Wide</div>'
        '<div class="box"><span>Words that do not fit in this small box at all</span></div>'
        "</main></body></html>"
    )
    narrow_page.add_style_tag(
        content=".wide { width: 600px } .box { width: 50px; overflow: hidden; white-space: nowrap }"
    )
    assert "page is 6" in " ".join(horizontal_overflow(narrow_page))
    assert "content cut off in div.box" in " ".join(clipped_content(narrow_page))
