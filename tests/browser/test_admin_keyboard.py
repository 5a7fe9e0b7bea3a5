"""An editor who uses only a keyboard can do their whole job (issue 21): sign in with both
steps, find a programme, change its summary, add a partner with a role and a topic,
preview, save, and revert the change from History. Every Tab stop shows its focus (the
helper fails otherwise) and focus is never trapped (each control is reached by Tab).

Also: errors are listed in a summary at the top of the form that takes focus and links
to each field, and the result of a save is in a live region screen readers announce.
"""

import re

import pytest

from tests.browser.checks import (
    active_element,
    focused_element_problems,
    remember_unfocused_look,
)
from tests.browser.signing_in import PASSWORD, code_for
from tests.browser.test_keyboard import tab_to

pytestmark = pytest.mark.browser

PROGRAMME = "London De-bias Recruitment Toolkit"
NEW_SUMMARY = "A toolkit for fair recruitment, changed by an editor who uses a keyboard."


def _loaded(page):
    page.wait_for_load_state()
    remember_unfocused_look(page)


def _press_enter_on(page, wanted, what, limit=400):
    tab_to(page, wanted, what, limit)
    page.keyboard.press("Enter")


def test_an_editor_does_their_job_with_the_keyboard_only(site, new_page, editor):
    from programmes.models import Programme

    programme = Programme.objects.get(title=PROGRAMME)
    old_summary = programme.summary
    page = new_page()

    # Sign in: username, password, then the authenticator app's code.
    code_for(editor.username)
    page.goto(site.url("/admin/login/?next=/admin/"))
    _loaded(page)
    # The username box has focus as the page opens (Django's autofocus).
    assert active_element(page)["id"] == "id_username"
    page.keyboard.type(editor.username)
    tab_to(page, lambda el: el["id"] == "id_password", "the password box")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/two-factor/verify/"))
    _loaded(page)
    if active_element(page)["name"] != "code":  # autofocus, or the first Tab stop
        tab_to(page, lambda el: el["name"] == "code", "the code box")
    page.keyboard.type(code_for(editor.username))
    page.keyboard.press("Enter")
    page.wait_for_url(site.url("/admin/"))
    _loaded(page)

    # Find the programme: the list, a search, the result.
    _press_enter_on(
        page, lambda el: el["href"] == "/admin/programmes/programme/", "the programmes list"
    )
    page.wait_for_url(re.compile(r"/admin/programmes/programme/$"))
    _loaded(page)
    tab_to(page, lambda el: el["id"] == "searchbar", "the search box")
    page.keyboard.type("de-bias")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=de-bias"))
    _loaded(page)
    _press_enter_on(page, lambda el: el["text"] == PROGRAMME, "the programme in the results")
    page.wait_for_url(re.compile(r"/change/"))
    _loaded(page)

    # Change the summary.
    tab_to(page, lambda el: el["id"] == "id_summary", "the summary")
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_SUMMARY)

    # Add a topic it does not have: type part of its name in the filter above the
    # boxes, then Tab to its box and tick it with Space.
    from taggit.models import Tag

    topic = Tag.objects.exclude(pk__in=programme.tags.values("pk")).order_by("name").first()
    tab_to(page, lambda el: el["id"].startswith("checkbox-group-filter"), "the topics filter")
    page.keyboard.type(topic.name[1:5])
    tab_to(
        page,
        lambda el: (
            el["type"] == "checkbox" and el["name"] == "tags" and el["text"] == str(topic.pk)
        ),
        f"the box of the topic {topic.name}",
    )
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked")

    # Add a partner with its role, in the partners' blank row: type to choose.
    partner = tab_to(
        page,
        lambda el: el["tag"] == "select" and re.match(r"partner_roles-\d+-partner$", el["name"]),
        "a partner's name",
    )
    name = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert re.fullmatch(r"Partner \d+: partner", name), name
    row = partner["name"].split("-")[1]
    page.keyboard.type("BRAP")
    tab_to(page, lambda el: el["name"] == f"partner_roles-{row}-role", "the partner's role")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        f"Partner {int(row) + 1}: role"
    )
    page.keyboard.type("Delivery")
    assert page.locator(f"#id_partner_roles-{row}-partner option:checked").inner_text() == "BRAP"
    assert page.locator(f"#id_partner_roles-{row}-role").input_value() == "delivery"

    # Preview: it opens in a new tab, and focus stays on the form.
    tab_to(page, lambda el: el["name"] == "_preview", "Preview changes")
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    preview = opened.value
    preview.wait_for_load_state()
    assert NEW_SUMMARY in preview.locator("body").inner_text()
    preview.close()
    assert active_element(page)["name"] == "_preview"

    # Save: Shift+Tab goes back through the buttons (focus is not trapped), to
    # "Save and continue editing"; every stop shows its focus.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        assert not focused_element_problems(page), focused_element_problems(page)
        if active_element(page)["name"] == "_continue":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _loaded(page)
    # The result is announced: Django's message in a live region.
    announced = page.locator("[role=alert]").inner_text()
    assert "was changed successfully" in announced, announced
    programme.refresh_from_db()
    assert programme.summary == NEW_SUMMARY
    assert topic.name in programme.tags.names()
    assert programme.partner_roles.filter(partner__name="BRAP", role="delivery").exists()

    # Revert from History: the version before the change, then Revert.
    _press_enter_on(page, lambda el: re.search(r"/history/(\?|$)", el["href"]), "History")
    page.wait_for_url(re.compile(r"/history/"))
    _loaded(page)
    version = programme.history.order_by("-history_date")[1]
    _press_enter_on(
        page,
        lambda el: el["href"].endswith(f"/history/{version.pk}/"),
        "the version before the change",
    )
    page.wait_for_url(re.compile(rf"/history/{version.pk}/"))
    _loaded(page)
    tab_to(page, lambda el: el["name"] == "_save" and el["text"] == "Revert", "Revert", 400)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    programme.refresh_from_db()
    assert programme.summary == old_summary
    assert page.locator("[role=alert]").count()


def test_errors_are_summarised_at_the_top_and_link_to_their_fields(site, new_page, editor):
    from tests.browser.signing_in import sign_in

    page = new_page()
    sign_in(page, site, editor.username)
    page.goto(site.url("/admin/programmes/programme/add/"))
    page.get_by_label("Status:").select_option("ended")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    links = summary.get_by_role("link")
    texts = links.all_inner_texts()
    assert any(t.startswith("Title: ") for t in texts), texts
    assert any(t.startswith("Where to go instead: ") for t in texts), texts
    # Each link takes the editor to its field (Enter, from the summary).
    page.keyboard.press("Tab")
    assert active_element(page)["href"] == "#id_title"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the browser moves the sequential focus point to the target
    assert active_element(page)["id"] in {"id_title", "id_slug"}
    # Django's own "Please correct the errors below" is not said twice.
    assert not page.locator(".errornote").is_visible()


def test_errors_in_an_inline_row_are_named_by_their_row(site, new_page, editor):
    from programmes.models import Programme
    from tests.browser.signing_in import sign_in

    programme = Programme.objects.get(title=PROGRAMME)
    page = new_page()
    sign_in(page, site, editor.username)
    page.goto(site.url(f"/admin/programmes/programme/{programme.pk}/change/"))
    rows = page.locator("#links-group tr.form-row:not(.empty-form)")
    blank = rows.count()
    page.get_by_label(f"Link {blank}: label").fill("Somewhere")
    page.get_by_label(f"Link {blank}: web address").fill("not a web address")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    texts = page.locator(".error-summary").get_by_role("link").all_inner_texts()
    assert any(t.startswith(f"Link {blank}: web address: ") for t in texts), texts
