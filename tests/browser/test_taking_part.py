"""Taking part in a real browser: the call to action by keyboard, the pages with key dates
and with every taking-part fact (axe checks them with every other page: pages.py), and
screenshots of them at phone and desktop widths."""

from tests.browser.checks import active_element, focused_element_problems, remember_unfocused_look
from tests.browser.pages import DATED_PROGRAMME, DESKTOP, EVERY_FACT_PROGRAMME, MOBILE


def test_the_call_to_action_is_reached_by_keyboard(full_site, page):
    page.goto(full_site.url(EVERY_FACT_PROGRAMME))
    remember_unfocused_look(page)
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        problems = focused_element_problems(page)
        assert not problems, problems
        element = active_element(page)
        stops.append(element)
        if element["id"] == "call-to-action":
            break
    else:
        raise AssertionError(f"the call to action was not reached: {[s['text'] for s in stops]}")
    assert element["text"] == "Start the online training"
    assert element["href"] == "https://example.org/start"
    # Straight after the summary: no related programme or other section's link before it.
    assert not any("nhsuk-card__link" in s["className"] for s in stops)


def test_the_pages_checked_show_what_they_say(full_site, page):
    page.goto(full_site.url(DATED_PROGRAMME))
    main = page.locator("main")
    assert main.locator("#key-dates").is_visible()
    assert main.get_by_text("Past dates").is_visible()
    assert "Open for applications until" in main.locator(".nhsuk-summary-list").first.inner_text()
    assert main.get_by_role("link", name="Add these dates to your calendar").is_visible()
    assert "Page last reviewed" in main.inner_text()

    page.goto(full_site.url(EVERY_FACT_PROGRAMME))
    facts = page.locator("#how-to-take-part + .nhsuk-summary-list .nhsuk-summary-list__key")
    assert facts.all_inner_texts() == [
        "Who can take part",
        "How to take part",
        "Cost",
        "Time it takes",
        "How it is delivered",
        "Where",
    ]
    assert page.locator("main").get_by_text("Launches").count() == 1
    assert page.locator("main").get_by_text("Related programmes").is_visible()


def test_the_call_to_action_is_on_the_first_screen_of_a_phone(full_site, new_page):
    page = new_page(viewport=MOBILE)
    page.goto(full_site.url(DATED_PROGRAMME))
    box = page.locator("#call-to-action").bounding_box()
    assert box, "no call to action"
    assert box["y"] + box["height"] <= MOBILE["height"] * 1.5, box  # within a short scroll


def test_screenshots_of_programme_pages_with_taking_part(full_site, new_page, screenshot_dir):
    written = []
    for width_name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page = new_page(viewport=viewport, device_scale_factor=1)
        for name, path in (
            ("programme-with-dates", DATED_PROGRAMME),
            ("programme-with-every-fact", EVERY_FACT_PROGRAMME),
        ):
            page.goto(full_site.url(path))
            target = screenshot_dir / f"{name}-{width_name}.png"
            page.screenshot(path=target, full_page=True)
            written.append(target)
    for target in written:
        assert target.stat().st_size > 10_000, f"{target} looks empty"
