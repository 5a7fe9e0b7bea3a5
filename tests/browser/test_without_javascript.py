"""With JavaScript off in the browser, search, filters and the skip link still work."""

import re

from programmes.models import Programme
from tests.browser.finder import facet_option


def test_search_and_filter_without_javascript(full_site, nojs_page):
    page = nojs_page
    page.goto(full_site.url("/programmes/"))
    assert page.evaluate("() => document.body.className") == "", "JavaScript ran"

    page.get_by_label("Search programmes").fill("bias")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=bias"))
    first = page.locator("main .nhsuk-card__link").first.inner_text()
    assert first == "London De-bias Recruitment Toolkit"

    page.goto(full_site.url("/programmes/"))
    facet_option(page, "tag", "wres").check()
    assert page.get_by_role("checkbox", name=re.compile(r"^WRES \(\d+\)$")).is_checked()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"tag=wres"))
    titles = sorted(page.locator("main .nhsuk-card__link").all_inner_texts())
    expected = sorted(
        Programme.objects.published().filter(tags__slug="wres").values_list("title", flat=True)
    )
    assert titles == expected
    assert page.get_by_role("checkbox", name=re.compile(r"^WRES")).is_checked()

    # Remove the filter with its tag link.
    page.get_by_role("link", name=re.compile(r"Remove filter .*WRES", re.I)).click()
    assert "tag=wres" not in page.url
    assert page.locator("main .nhsuk-card__link").count() == 20


def test_skip_link_without_javascript(full_site, nojs_page):
    nojs_page.goto(full_site.url("/about/"))
    nojs_page.keyboard.press("Tab")
    nojs_page.keyboard.press("Enter")
    assert nojs_page.evaluate("() => document.activeElement.id") == "maincontent"


def test_a_corrected_search_without_javascript(full_site, nojs_page):
    page = nojs_page
    page.goto(full_site.url("/programmes/"))
    page.get_by_label("Search programmes").fill("recruitmnet")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=recruitmnet"))
    assert page.locator("main .nhsuk-card__link").first.inner_text() == (
        "London De-bias Recruitment Toolkit"
    )
    page.get_by_role("link", name="recruitmnet").click()  # "Search instead for recruitmnet"
    page.wait_for_url(re.compile(r"spelling=exact"))
    assert page.locator("main .nhsuk-card__link").count() == 0
    assert "No programmes found" in page.locator("main").inner_text()
