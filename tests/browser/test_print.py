"""A programme page prints cleanly on A4: content, its web address and its contact only."""

import re

from tests.browser.checks import horizontal_overflow
from tests.browser.pages import LIVE_PROGRAMME, LIVE_PROGRAMME_TITLE

# A4 is 210mm wide; less Chromium's default 1cm margins, about 718 CSS pixels of paper.
A4_PRINTABLE = {"width": 718, "height": 1047}
NOT_PRINTED = ("header nav", ".nhsuk-header__search", "form", ".nhsuk-breadcrumb", "footer")
AFTER = "(el) => getComputedStyle(el, '::after').content"


def _printed(page, selector):
    return [el for el in page.locator(selector).all() if el.is_visible()]


def test_programme_page_prints_cleanly(full_site, page, screenshot_dir):
    page.set_viewport_size(A4_PRINTABLE)
    page.goto(full_site.url(LIVE_PROGRAMME))
    page.emulate_media(media="print")
    for selector in NOT_PRINTED:
        assert not _printed(page, selector), f"{selector} is printed"
    text = page.locator("body").inner_text()
    assert LIVE_PROGRAMME_TITLE in text
    assert f"This page: {page.url}" in text
    assert "London.RaceStrategy@nhs.net" in text
    assert horizontal_overflow(page) == []
    # On paper a link elsewhere shows its address; this site's own links do not.
    external = page.locator("main a[href^='https://']").first
    assert "https://www.nhsemployers.org/" in external.evaluate(AFTER)
    assert page.locator("main a[href^='/']").first.evaluate(AFTER) == "none"
    page.screenshot(path=screenshot_dir / "programme-print.png", full_page=True)

    # A real A4 print, laid out by Chromium's own print engine.
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pdf.startswith(b"%PDF")
    assert 1 <= pages <= 2, f"{pages} A4 pages"


def test_catalogue_prints_results_without_the_filters(full_site, page):
    page.set_viewport_size(A4_PRINTABLE)
    page.goto(full_site.url("/programmes/?tag=wres"))
    page.emulate_media(media="print")
    assert not _printed(page, ".app-filters")
    assert not _printed(page, ".nhsuk-pagination")
    results = page.locator(".app-results").bounding_box()
    assert results["width"] > 0.8 * A4_PRINTABLE["width"], "results keep the filters' space"
