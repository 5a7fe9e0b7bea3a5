"""An editor's first sign-in and a review, in a real Chromium: password, setting up an
authenticator app from the key shown as text, recovery codes; then, signing in again
with password and code, the admin home, a programme due for review opened from it and
marked reviewed. Each screen is checked with axe, and none needs an inline script.
Fixtures: tests/browser/conftest.py."""

import re

import pytest

from tests.browser.signing_in import PASSWORD, code_box, code_for, code_from_secret, sign_in

pytestmark = pytest.mark.browser


def _csp_errors(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_first_sign_in_sets_up_two_factor(site, new_page, editor, axe_check, screenshot_dir):
    from django_otp.plugins.otp_static.models import StaticToken

    page = new_page()
    errors = _csp_errors(page)
    page.goto(site.url("/admin/"))
    assert "/admin/login/" in page.url
    axe_check(page)
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    assert "/admin/two-factor/set-up/" in page.url
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    axe_check(page)
    page.screenshot(path=screenshot_dir / "admin-two-factor-set-up.png", full_page=True)

    # Nothing else opens until it is set up.
    page.goto(site.url("/admin/programmes/programme/"))
    assert "/admin/two-factor/set-up/" in page.url

    code_box(page).fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert "That code is not right" in page.locator(".errornote").inner_text()
    axe_check(page)  # the page with its error

    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=editor).update(throttling_failure_count=0)
    secret = page.locator("#two-factor-secret").inner_text()
    code_box(page).fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()

    assert "/admin/two-factor/recovery-codes/" in page.url
    codes = re.findall(
        r"[a-z2-7]{4}-[a-z2-7]{4}", page.locator("main, #content").first.inner_text()
    )
    assert len(codes) == 10
    assert {c.replace("-", "") for c in codes} == set(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    )
    axe_check(page)
    page.get_by_role("link", name="I have kept my recovery codes: continue").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/admin/programmes/programme") or page.url.endswith(
        "/admin/"
    ), page.url
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_an_editor_signs_in_and_marks_a_programme_reviewed_from_the_home_page(
    site, new_page, editor, axe_check, screenshot_dir
):
    from programmes.models import Programme

    page = new_page()
    errors = _csp_errors(page)
    code_for("edna")  # an app set up before
    page.goto(site.url("/admin/login/?next=/admin/"))
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/admin/two-factor/verify/" in page.url
    axe_check(page)

    code_box(page).fill("12345")  # a digit short
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "Enter the 6-digit code" in page.locator(".errornote").inner_text()
    axe_check(page)
    code_box(page).fill(code_for("edna"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()

    assert page.url == site.url("/admin/")
    assert page.get_by_role("heading", name="What needs doing").is_visible()
    axe_check(page)
    page.screenshot(path=screenshot_dir / "admin-home.png", full_page=True)

    review = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("^Due for review"))
    )
    assert "never reviewed" in review.inner_text()  # none of the 12 was ever reviewed
    first = review.locator("ul li a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.get_by_label("Title:").input_value() == title
    page.get_by_role("button", name="Save and mark as reviewed today").click()
    page.wait_for_load_state()
    assert f"“{title}” is marked as reviewed today." in page.locator("body").inner_text()
    programme = Programme.objects.get(title=title)
    assert programme.last_reviewed_on is not None
    assert programme.history.latest().history_user == editor

    page.goto(site.url("/admin/"))
    review = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("^Due for review"))
    )
    assert title not in review.inner_text()
    assert "Recently changed" in page.locator("body").inner_text()
    assert f"{title}: changed by Edna Editor" in page.locator(".work-lists").inner_text()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_lockout_page_is_accessible(site, new_page, editor, axe_check):
    page = new_page()
    for _ in range(5):
        page.goto(site.url("/admin/login/"))
        page.get_by_label("Username").fill("edna")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    assert "Sign-in locked for now" in page.locator("h1").inner_text()
    assert "You can try again at" in page.locator("main").inner_text()
    axe_check(page)


def test_signing_in_again_works_with_the_next_code(site, new_page, editor):
    """The second sign-in within the same 30 seconds uses the next code (each works once)."""
    page = new_page()
    sign_in(page, site, "edna")
    assert page.url == site.url("/admin/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert "/admin/login/" in page.url
    sign_in(page, site, "edna")
    assert page.url == site.url("/admin/")
