"""The catalogue on a phone and on a desktop, as staff see it (issue 12): on a phone
the result count and the first result are on the first screen, with the filters
folded behind one control; on a desktop the filters sit open beside the results,
with JavaScript or without."""

import re

PHONE = {"width": 375, "height": 667}


def test_on_a_phone_the_first_result_is_on_the_first_screen(site, new_page, screenshot_dir):
    page = new_page(viewport=PHONE, device_scale_factor=1)
    page.goto(site.url("/programmes/"))
    page.screenshot(path=screenshot_dir / "catalogue-first-screen-phone.png")
    first = page.locator("main .nhsuk-card__link").first.bounding_box()
    count = page.locator("#result-count").bounding_box()
    assert count["y"] + count["height"] <= PHONE["height"], count
    assert first["y"] + first["height"] <= PHONE["height"], f"first result at {first}"
    filters = page.locator("#filters")
    assert filters.evaluate("el => el.open") is False
    assert page.locator("#filters > summary").is_visible()
    assert not page.get_by_role("checkbox").first.is_visible()
    page.screenshot(path=screenshot_dir / "catalogue-first-screen-phone.png")


def test_on_a_phone_the_filters_open_from_one_control(site, new_page):
    page = new_page(viewport=PHONE, device_scale_factor=1)
    page.goto(site.url("/programmes/?tag=wres"))
    summary = page.locator("#filters > summary")
    assert re.match(r"Filters \(1\)", summary.inner_text())
    summary.click()
    checkbox = page.get_by_role("checkbox", name=re.compile(r"^WRES \(\d+\)$"))
    assert checkbox.is_visible()
    assert checkbox.is_checked()


def test_on_a_desktop_the_filters_are_open_beside_the_results(site, page, nojs_page):
    for each in (page, nojs_page):
        each.goto(site.url("/programmes/"))
        checkbox = each.get_by_role("checkbox").first
        assert checkbox.is_visible(), "filters folded on a desktop"
        box = checkbox.bounding_box()
        results = each.locator("main .nhsuk-card__link").first.bounding_box()
        assert box["x"] < results["x"], "filters are beside (left of) the results"
        assert not each.locator("#filters > summary").is_visible()
        checkbox.check()  # usable, not just drawn
        each.get_by_role("button", name="Apply filters").click()
        each.wait_for_url(re.compile(r"\?.*="))


def test_the_call_to_action_from_a_result_is_two_steps_away_by_keyboard(site, page):
    page.goto(site.url("/programmes/?q=active+bystander"))
    page.locator("main .nhsuk-card__link").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programmes/active-bystander-training/$"))
    action = page.locator("main .nhsuk-action-link a, main a.nhsuk-action-link").first
    action.focus()
    assert page.evaluate("() => document.activeElement.textContent").strip()
