"""An editor's whole journey in a real Chromium: sign in to the admin, add a programme
with tags and a partner, publish it, and find it on the public catalogue through a filter.

It runs against pytest-django's live server with DEBUG off, as in production: the
session and CSRF cookies are `__Host-` and Secure, which Chromium accepts on
http://localhost (a potentially trustworthy origin). Fixtures: tests/browser/conftest.py.
"""

import re

import pytest

from tests.browser.finder import facet_option
from tests.browser.signing_in import sign_in

PASSWORD = "a long passphrase 9"  # the `editor` fixture's (tests/conftest.py)
pytestmark = pytest.mark.browser

# --- The journey ----------------------------------------------------------------


def _sign_in(page, site, username):
    page.goto(site.url("/admin/"))
    assert "/admin/login/" in page.url
    sign_in(page, site, username)


def test_editor_adds_publishes_and_finds_a_programme(site, new_page, page, editor):
    from programmes.models import Programme

    visitor, page = page, new_page()  # the editor signs in in a context of their own
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    _sign_in(page, site, editor.username)
    assert page.url == site.url("/admin/"), page.locator("body").inner_text()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["__Host-sessionid"]["secure"]
    assert cookies["__Host-sessionid"]["httpOnly"]

    page.goto(site.url("/admin/programmes/programme/add/"))
    page.get_by_label("Title:").press_sequentially("Reciprocal Mentoring for Inclusion")
    # The slug is filled from the title as the editor types (prepopulated field).
    assert (
        page.get_by_label("Web address:").input_value() == "reciprocal-mentoring-for-inclusion"
    ), errors
    page.get_by_label("Summary:").fill(
        "Senior leaders and staff from minority ethnic backgrounds mentor each other."
    )
    page.get_by_label("Format:").select_option("training")

    # An existing topic ticked, a new one typed (issue 21: tick boxes, not autocomplete).
    topics = page.get_by_role("group", name="Topics")
    topics.get_by_label("Show only topics containing").fill("WRE")
    topics.get_by_role("checkbox", name="WRES", exact=True).check()
    page.get_by_label("Add new topics:").fill("reciprocal mentoring")

    # A partner in the partners' blank row, named for screen readers by its row.
    page.get_by_role("combobox", name="Partner 1: partner").select_option(label="BRAP")

    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_load_state()
    body = page.locator("body").inner_text()
    assert "is published" in body, body[:2000]

    programme = Programme.objects.get(title="Reciprocal Mentoring for Inclusion")
    assert programme.is_published
    assert sorted(programme.tags.names(), key=str.lower) == ["reciprocal mentoring", "WRES"]
    assert [p.name for p in programme.partners.all()] == ["BRAP"]
    assert programme.history.earliest().history_user == editor

    # The public catalogue, as a visitor: the filter form, partner BRAP and tag WRES
    # (the facets offer the most used options, so not a brand-new tag).
    public = visitor
    public.goto(site.url("/programmes/"))
    public.get_by_label(re.compile(r"^BRAP \(2\)$")).check()
    facet_option(public, "tag", "wres").check()
    assert public.get_by_label(re.compile(r"^WRES \(\d+\)$")).is_checked()
    public.get_by_role("button", name="Apply filters").click()
    public.wait_for_load_state()
    assert "partner=brap" in public.url
    assert "tag=wres" in public.url
    titles = [t.strip() for t in public.locator("main .nhsuk-card__link").all_inner_texts()]
    assert titles == ["Reciprocal Mentoring for Inclusion"]
    public.get_by_role("link", name="Reciprocal Mentoring for Inclusion").click()
    assert (
        public.get_by_role("heading", level=1).inner_text() == "Reciprocal Mentoring for Inclusion"
    )
    assert "BRAP" in public.locator("main").inner_text()

    # The strict Content Security Policy did not block anything the admin needed...
    assert not [e for e in errors if "Content Security Policy" in e], errors
    # ...and a blocked inline script would have been seen here.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert [e for e in errors if "Content Security Policy" in e], errors
