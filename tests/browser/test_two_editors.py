"""Two editors at once in a real Chromium, each in a browser context of their own:
the second save is refused, names the first editor, keeps the second editor's text,
and saving again keeps both changes. Fixtures: tests/browser/conftest.py."""

import pytest

from tests.browser.signing_in import sign_in

PASSWORD = "a long passphrase 9"  # the `editor` fixture's (tests/conftest.py)
pytestmark = pytest.mark.browser


def _sign_in(page, site, username, password):
    sign_in(page, site, username, password)
    assert page.url == site.url("/admin/"), page.locator("body").inner_text()[:500]


def test_two_editors_never_lose_each_others_work(site, new_page, editor):
    from django.contrib.auth.models import Group, User

    from programmes.models import Programme

    sam = User.objects.create_user(
        "sam", password="another passphrase 7", first_name="Sam", last_name="Second"
    )
    sam.is_staff = True
    sam.save()
    sam.groups.add(Group.objects.get(name="Catalogue editors"))
    programme = Programme.objects.get(slug="london-core-managers-programme")
    url = site.url(f"/admin/programmes/programme/{programme.pk}/change/")

    edna_page, sam_page = new_page(), new_page()  # two browser contexts: two sessions
    _sign_in(edna_page, site, "edna", PASSWORD)
    _sign_in(sam_page, site, "sam", "another passphrase 7")
    edna_page.goto(url)
    sam_page.goto(url)

    edna_page.get_by_label("Summary:").fill("Edna's summary, saved first.")
    edna_page.get_by_role("button", name="Save", exact=True).click()
    edna_page.wait_for_load_state()
    assert "was changed successfully" in edna_page.locator("body").inner_text()

    sam_page.get_by_label("Body:").fill("Sam's body, typed meanwhile.")
    sam_page.get_by_role("button", name="Save", exact=True).click()
    sam_page.wait_for_load_state()
    errors = sam_page.locator(".errornote, .errorlist.nonfield").all_inner_texts()
    message = " ".join(errors)
    assert "Not saved: Edna Editor saved this programme" in message, message
    assert "They changed Summary" in message
    assert sam_page.get_by_label("Body:").input_value() == "Sam's body, typed meanwhile."
    assert sam_page.get_by_label("Summary:").input_value() == "Edna's summary, saved first."
    programme.refresh_from_db()
    assert programme.summary == "Edna's summary, saved first."
    assert programme.body == ""

    sam_page.get_by_role("button", name="Save", exact=True).click()
    sam_page.wait_for_load_state()
    assert "was changed successfully" in sam_page.locator("body").inner_text()
    programme.refresh_from_db()
    assert (programme.summary, programme.body) == (
        "Edna's summary, saved first.",
        "Sam's body, typed meanwhile.",
    )


def test_preview_opens_the_unsaved_page_in_a_new_tab(site, new_page, editor):
    from programmes.models import Programme

    programme = Programme.objects.get(slug="london-core-managers-programme")
    page = new_page()
    _sign_in(page, site, "edna", PASSWORD)
    page.goto(site.url(f"/admin/programmes/programme/{programme.pk}/change/"))
    page.get_by_label("Summary:").fill("Only in the preview.")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview changes (opens a new tab, saves nothing)").click()
    preview = opened.value
    preview.wait_for_load_state()
    text = preview.locator("main").inner_text()
    assert "Preview: not saved" in text
    assert "Only in the preview." in text
    programme.refresh_from_db()
    assert programme.summary != "Only in the preview."
