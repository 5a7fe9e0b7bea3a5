"""Proof that a catalogue view is the one its URL asks for (issue 3's search, facets, pages).

Without this an accessibility check of "the filtered catalogue" would pass on a
catalogue that ignores its filters.
"""

import re

from programmes.models import Programme

FIRST_TITLE_A_TO_Z = "Active Bystander Training"


def result_titles(page):
    return [t.strip() for t in page.locator("main .nhsuk-card__link").all_inner_texts()]


def result_count(page):
    """The number the page announces, e.g. "3 programmes" -> 3, "No programmes" -> 0."""
    text = " ".join(page.locator("main").inner_text().split())
    match = re.search(r"\b(\d+|No|no) programmes?\b", text)
    assert match, f"no result count ('N programmes') on {page.url}"
    return 0 if match.group(1).lower() == "no" else int(match.group(1))


def assert_finder_view(page, name):
    published = Programme.objects.published()
    if name == "catalogue filtered by tag":
        expected = published.filter(tags__slug="wres").distinct().count()
        assert 0 < expected < published.count()
        assert result_count(page) == expected, f"{page.url} is not filtered by tag"
        assert len(result_titles(page)) == expected
    elif name == "catalogue searched, no results":
        assert result_count(page) == 0, f"{page.url} found programmes for 'zzzzzz'"
        assert result_titles(page) == []
        assert "zzzzzz" in page.locator("main").inner_text(), "the empty state names the search"
    elif name == "catalogue page 2":
        assert published.count() > 20
        titles = result_titles(page)
        assert 0 < len(titles) <= 20, f"{page.url} shows {len(titles)} programmes"
        assert FIRST_TITLE_A_TO_Z not in titles, f"{page.url} shows the first page again"
    elif name == "catalogue searched, corrected":
        text = page.locator("main").inner_text()
        assert "Showing results for leadership" in text, f"{page.url} was not corrected"
        assert "Calibre Leadership Programme" in result_titles(page)
    elif name == "catalogue searched, partly matched":
        text = page.locator("main").inner_text()
        assert "No programme matches all of your words" in text, f"{page.url} is not partial"
        assert "White Allies Programme" in result_titles(page)
    else:
        raise AssertionError(f"unknown catalogue view {name!r}")


def facet_option(page, name, value):
    """A facet's checkbox, opening "Show N more" first if it is folded there, as a
    person would (a folded option is not shown, so not found by its label)."""
    checkbox = page.locator(f'input[name="{name}"][value="{value}"]')
    folded = checkbox.locator("xpath=ancestor::details[contains(@class, 'app-more-options')]")
    if folded.count() and not folded.evaluate("el => el.open"):
        folded.locator("xpath=summary").click()
    return checkbox
