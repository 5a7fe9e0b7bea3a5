"""Headings, landmarks, titles, language and link text on every kind of page."""

from tests.browser.checks import (
    heading_problems,
    landmark_problems,
    link_text_problems,
    template_leak_problems,
    title_and_language_problems,
)
from tests.browser.pages import ALL_PAGES, CONTENT_PAGES, LIVE_PROGRAMME, LIVE_PROGRAMME_TITLE

CHECKS = [
    heading_problems,
    landmark_problems,
    title_and_language_problems,
    link_text_problems,
    template_leak_problems,
]


def _problems(page, name):
    return [f"{name} ({page.url}): {problem}" for check in CHECKS for problem in check(page)]


def test_structure_of_every_kind_of_page(full_site, page):
    problems, titles = [], {}
    for name, path in ALL_PAGES.items():
        page.goto(full_site.url(path))
        problems += _problems(page, name)
        if name in CONTENT_PAGES:  # views of one catalogue may share its title
            titles.setdefault(page.title(), []).append(name)
    problems += [
        f"pages {names} share the title {t!r}" for t, names in titles.items() if len(names) > 1
    ]
    assert not problems, "\n".join(problems)


def test_programme_page_title_names_the_programme(full_site, page):
    page.goto(full_site.url(LIVE_PROGRAMME))
    assert page.title() == f"{LIVE_PROGRAMME_TITLE} - LWRS programmes"
    assert page.locator("h1").inner_text() == LIVE_PROGRAMME_TITLE


def test_the_structure_checks_can_fail(page):
    page.set_content(
        "<!DOCTYPE html><html><head><title>Untitled</title></head><body>"
        "<h2>Second</h2><h1>One</h1><h1>Two</h1><h4>Deep</h4>"
        '<a href="/a">click here</a><a href="/b">Partners</a><a href="/c">Partners</a>'
        "<p>{# a comment #}</p></body></html>"
    )
    found = " ".join(p for check in CHECKS for p in check(page))
    for expected in (
        "expected one h1, found 2",
        "first heading is not the h1",
        "jumps from h1 to h4",
        "one main landmark",
        "one banner landmark",
        "no navigation landmark",
        "is not '<what this page is> - LWRS programmes'",
        "expected en-GB",
        "'click here'",
        "'partners' leads to 2 places",
        "template syntax on the page: '{#'",
    ):
        assert expected in found


def test_no_javascript_errors_on_any_page(full_site, page):
    """NHS.UK's components start without error (a missing piece of markup throws), and the
    content security policy blocks nothing the pages need."""
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    def on_console(message):
        # NHS.UK frontend reports a component that fails to start with console.log.
        where = message.location.get("url", "")
        offline_font = message.type == "error" and not where.startswith(full_site.live_url)
        missing_page = "status of 404" in message.text and where.endswith("no-such-programme/")
        if not (offline_font or missing_page):
            errors.append(f"{page.url}: console {message.type}: {message.text} ({where})")

    page.on("console", on_console)
    for path in ALL_PAGES.values():
        page.goto(full_site.url(path))
        # The module script has run once its (deferred) work is done.
        page.wait_for_function("() => document.body.classList.contains('js-enabled')")
        page.evaluate("() => new Promise(requestAnimationFrame)")
    assert not errors, "\n".join(errors)
