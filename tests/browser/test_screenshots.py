"""Screenshots of the main pages at desktop and phone widths, for a person to look at.

They are written to test-artifacts/screenshots/ (not in git); the test run prints the folder.
"""

from tests.browser.pages import DESKTOP, LIVE_PROGRAMME, MOBILE

PAGES = {"home": "/", "catalogue": "/programmes/", "programme": LIVE_PROGRAMME}


def test_screenshots_of_home_catalogue_and_a_programme(site, new_page, screenshot_dir):
    written = []
    for width_name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page = new_page(viewport=viewport, device_scale_factor=1)
        for name, path in PAGES.items():
            page.goto(site.url(path))
            target = screenshot_dir / f"{name}-{width_name}.png"
            page.screenshot(path=target, full_page=True)
            written.append(target)
    for target in written:
        assert target.stat().st_size > 10_000, f"{target} looks empty"
