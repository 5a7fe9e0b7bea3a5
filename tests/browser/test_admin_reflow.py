"""The programme change form at 320 CSS pixels wide and at 200% zoom (WCAG 1.4.10, 1.4.4):
nothing of the page scrolls sideways, every control can still be used, and screenshots are
kept for a person to look at (test-artifacts/screenshots/). Issue 21.

The inlines' rows are tables of several columns: those may scroll inside their own box
(1.4.10 exempts content that needs two dimensions), never the page.
"""

import pytest

from tests.browser.checks import horizontal_overflow
from tests.browser.signing_in import sign_in
from tests.browser.test_admin_accessibility import FULL_PROGRAMME, _one_row_in_every_inline
from tests.browser.test_reflow import NARROW, ZOOM_200

pytestmark = pytest.mark.browser

SIZES = {"320px": NARROW, "200-percent-zoom": ZOOM_200}

# Controls that can be used: in the page, at least partly inside the viewport's width
# once scrolled to (or inside a box that scrolls), and not hidden.
UNUSABLE_CONTROLS = """() => [...document.querySelectorAll(
      '#content-main input:not([type=hidden]), #content-main select, #content-main textarea')]
    .filter(el => !el.closest('.empty-form, .hidden'))
    .filter(el => {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) return true;
      const scroller = el.closest('.tabular');
      return !scroller && (r.left < 0 || r.left > document.documentElement.clientWidth - 10);
    })
    .map(el => el.name || el.id)"""


@pytest.mark.parametrize("size", SIZES)
def test_the_change_form_reflows(site, new_page, editor, screenshot_dir, axe_check, size):
    from programmes.models import Programme

    programme = Programme.objects.get(slug=FULL_PROGRAMME)
    _one_row_in_every_inline(programme)
    page = new_page(**SIZES[size])
    sign_in(page, site, editor.username)
    page.goto(site.url(f"/admin/programmes/programme/{programme.pk}/change/"))
    page.screenshot(path=screenshot_dir / f"admin-change-form-{size}.png", full_page=True)
    assert not horizontal_overflow(page)
    assert not page.evaluate(UNUSABLE_CONTROLS)
    axe_check(page)

    # With its errors shown, too.
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    page.screenshot(path=screenshot_dir / f"admin-change-form-errors-{size}.png", full_page=True)
    assert page.locator(".error-summary").is_visible()
    assert not horizontal_overflow(page)
    assert not page.evaluate(UNUSABLE_CONTROLS)
