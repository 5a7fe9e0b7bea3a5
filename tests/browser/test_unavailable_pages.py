"""The pages served when the database cannot answer (programmes/health.py) pass
axe like every other page. They are rendered by the real template and handed to
the browser at a URL of the live site, so their stylesheet loads from it."""

import pytest
from django.template.loader import render_to_string


@pytest.mark.parametrize(
    ("template", "context", "heading"),
    [
        ("503.html", {"editing": False}, "Sorry, the service is temporarily unavailable"),
        ("503.html", {"editing": True}, "The catalogue cannot be edited right now"),
        ("500.html", {}, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_have_no_axe_violations(site, page, axe_check, template, context, heading):
    html = render_to_string(template, context)
    url = site.url("/an-error-page/")
    page.route(url, lambda route: route.fulfill(status=503, body=html, content_type="text/html"))
    page.goto(url)
    assert page.locator("h1").inner_text() == heading
    # The NHS.UK stylesheet really applied: the header has its blue background.
    colour = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(0, 94, 184)"
    axe_check(page)
