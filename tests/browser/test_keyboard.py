"""Keyboard only: the skip link comes first, every control is reachable and shows its focus,
and a user can search, filter, open a programme and come back with the filters intact."""

import re

from tests.browser.checks import (
    active_element,
    focusables,
    focused_element_problems,
    remember_unfocused_look,
)
from tests.browser.pages import ALL_PAGES, MOBILE


def tab_to(page, wanted, what, limit=80):
    """Press Tab until `wanted(active element)` holds; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        problems = focused_element_problems(page)
        assert not problems, f"{page.url}: {problems}"
        element = active_element(page)
        if wanted(element):
            return element
    raise AssertionError(f"{page.url}: {what} not reached in {limit} presses of Tab")


def test_skip_link_is_first_and_moves_focus_to_main_content(full_site, page):
    page.goto(full_site.url("/"))
    remember_unfocused_look(page)
    page.keyboard.press("Tab")
    first = active_element(page)
    assert "nhsuk-skip-link" in first["className"], f"first Tab stop is {first}"
    assert first["text"] == "Skip to main content"
    assert not focused_element_problems(page)
    page.keyboard.press("Enter")
    assert active_element(page)["id"] == "maincontent"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.getElementById('maincontent').contains(document.activeElement)"
    )


def test_focus_is_visible_on_every_control_of_every_page(full_site, page):
    problems = []
    for path in ALL_PAGES.values():
        page.goto(full_site.url(path))
        remember_unfocused_look(page)
        for _ in range(focusables(page)):
            page.keyboard.press("Tab")
            problems += focused_element_problems(page)
    assert not problems, "\n".join(problems)


def test_search_filter_open_and_come_back_with_the_keyboard_only(full_site, page):
    page.goto(full_site.url("/"))
    remember_unfocused_look(page)

    # Search from the header.
    tab_to(page, lambda el: el["id"] == "search-field", "the header search")
    page.keyboard.type("recruitment")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programmes/\?q=recruitment"))
    remember_unfocused_look(page)

    # Tick the first stage filter and apply it.
    tab_to(page, lambda el: el["type"] == "checkbox" and el["name"] == "status", "a stage filter")
    page.keyboard.press("Space")
    tab_to(
        page, lambda el: el["tag"] == "button" and el["text"] == "Apply filters", "Apply filters"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"status="))
    filtered_url = page.url
    assert "q=recruitment" in filtered_url
    assert "status=" in filtered_url
    remember_unfocused_look(page)

    # Open the first result.
    result = tab_to(page, lambda el: "nhsuk-card__link" in el["className"], "a result")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(result["href"]) + "$"))
    assert page.locator("h1").inner_text() == result["text"]

    # And back. In a real browser that is Alt+Left (or Backspace in some); headless Chromium
    # has no browser window to take the shortcut, so ask for the same Back directly.
    page.go_back()
    assert page.url == filtered_url
    assert page.locator("#catalogue-search").input_value() == "recruitment"
    checked = page.locator("input[name=status]:checked")
    assert checked.count() == 1


def test_the_focus_check_can_fail(page):
    page.set_content(
        '<!DOCTYPE html><html lang="en-GB"><head><title>No focus style</title></head><body>'
        '<a href="/a">Styled</a><a class="bare" href="/b">Bare</a></body></html>'
    )
    page.add_style_tag(
        content="a:focus { outline: none } a:not(.bare):focus { background: yellow }"
    )
    remember_unfocused_look(page)
    page.keyboard.press("Tab")
    assert focused_element_problems(page) == []
    page.keyboard.press("Tab")
    assert "no visible focus indicator" in " ".join(focused_element_problems(page))


def test_header_more_menu_works_with_the_keyboard_on_a_phone(full_site, new_page):
    """On a narrow screen NHS.UK folds header links into "More": it must open from the keyboard."""
    page = new_page(viewport=MOBILE)
    page.goto(full_site.url("/"))
    remember_unfocused_look(page)
    toggle = page.locator(".nhsuk-header__menu-toggle")
    assert toggle.is_visible(), "no More menu at phone width: nothing was folded away"
    tab_to(page, lambda el: el["id"] == "toggle-menu", "the More menu button")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    about = tab_to(page, lambda el: el["text"] == "About the strategy", "a link in the menu")
    assert about["href"] == "/about/"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
