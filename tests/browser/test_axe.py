"""axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on any kind of page."""

import pytest

from tests.browser.checks import WCAG_AA_TAGS
from tests.browser.finder import assert_finder_view
from tests.browser.pages import ALL_PAGES, FINDER_PAGES


def test_no_axe_violations_on_any_kind_of_page(full_site, page, axe_check):
    problems = []
    for name, path in ALL_PAGES.items():
        response = page.goto(full_site.url(path))
        expected = 404 if name == "404" else 200
        if response.status != expected:
            problems.append(f"{path}: status {response.status}, expected {expected}")
        try:
            axe_check(page)
        except AssertionError as failure:
            problems.append(str(failure))
    assert not problems, "\n\n".join(problems)


def test_the_catalogue_views_checked_are_what_they_say(full_site, page):
    """Filtered, empty and second-page views really are (or every check here would prove less)."""
    for name, path in FINDER_PAGES.items():
        page.goto(full_site.url(path))
        assert_finder_view(page, name)


def test_the_axe_check_can_fail(page, axe):
    """A link with no text is a violation: if axe missed it, the checks above would prove nothing."""
    page.set_content(
        '<!DOCTYPE html><html lang="en-GB"><head><title>Broken page</title></head>'
        '<body><main><h1>Broken</h1><a href="/somewhere"></a></main></body></html>'
    )
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    assert "link-name" in {v["id"] for v in results.response["violations"]}


def test_the_axe_fixture_fails_on_a_violation(page, axe_check):
    page.set_content(
        '<!DOCTYPE html><html lang="en-GB"><head><title>Broken page</title></head>'
        '<body><main><h1>Broken</h1><a href="/somewhere"></a></main></body></html>'
    )
    with pytest.raises(AssertionError, match="link-name"):
        axe_check(page)


def test_the_axe_fixture_checks_label_in_name(page, axe_check):
    """WCAG 2.5.3: axe's rule for it is experimental; the fixture turns it on."""
    page.set_content(
        '<!DOCTYPE html><html lang="en-GB"><head><title>Mismatch</title></head><body><main>'
        '<h1>Mismatch</h1><a href="/" aria-label="Go home">Programme catalogue</a></main></body></html>'
    )
    with pytest.raises(AssertionError, match="label-content-name-mismatch"):
        axe_check(page)
