"""Signing in to the admin in a real browser, both steps: password, then the code from
the editor's authenticator app (computed here from its key, as the app would)."""

import base64
import time

PASSWORD = "a long passphrase 9"  # the `editor` fixture's (tests/conftest.py)


def app_code(key, last_t=-1, step=30):
    """The code an authenticator app shows now for this key; or, when that code was used
    already (django-otp accepts each step once), the next step's, which it accepts too."""
    from django_otp.oath import TOTP

    counter = TOTP(key, step=step)
    counter.time = time.time()
    if counter.t() <= last_t:
        counter.time += step * (last_t - counter.t() + 1)
    return f"{counter.token():06d}"


def code_for(username):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:  # the account's app, as if set up before
        from django.contrib.auth.models import User

        user = User.objects.get(username=username)
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return app_code(device.bin_key, device.last_t)


def code_from_secret(secret_text):
    """The code for the key the set-up page shows as text (what a person types into the app)."""
    return app_code(base64.b32decode(secret_text.replace(" ", "")))


def code_box(page):
    return page.get_by_role("textbox", name="Code")


def sign_in(page, site, username, password=PASSWORD, next_path="/admin/"):
    code_for(username)  # the account has an app set up (made here if not)
    page.goto(site.url(f"/admin/login/?next={next_path}"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/admin/two-factor/verify/" in page.url, page.locator("body").inner_text()[:500]
    code_box(page).fill(code_for(username))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
