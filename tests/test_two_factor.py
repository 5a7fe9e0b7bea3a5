"""Two-factor sign-in (programmes/two_factor.py): password, then a code from an
authenticator app or a recovery code; nothing in the admin before both."""

import re
import time

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.admin_site import CatalogueAdminSite
from programmes.two_factor import reset_devices

PASSWORD = "a long passphrase 9"  # the `editor` fixture's
LOGIN = "/admin/login/?next=/admin/"
VERIFY = "/admin/two-factor/verify/"
SET_UP = "/admin/two-factor/set-up/"
CODES = "/admin/two-factor/recovery-codes/"


def _password(client, username="edna", password=PASSWORD, next_url="/admin/", **extra):
    return client.post(
        f"/admin/login/?next={next_url}", {"username": username, "password": password}, **extra
    )


def _code(client, code, next_url="/admin/", **extra):
    return client.post(VERIFY, {"code": code, "next": next_url}, **extra)


def _app_code(device, seconds_ago=0):
    counter = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    counter.time = time.time() - seconds_ago
    return f"{counter.token():06d}"


@pytest.fixture
def authenticator(editor):
    return TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)


def _errors(response):
    return " ".join(
        re.findall(r'class="errornote"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    )


# --- the whole sign-in ------------------------------------------------------------------


def test_the_whole_sign_in_with_an_authenticator_app(client, editor, authenticator):
    response = _password(client)
    assert response.status_code == 302
    # The password was right: the admin sends the session to the second step.
    step = client.get("/admin/")
    assert step.status_code == 302
    assert step["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    page = client.get(step["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Enter your code" in html
    assert 'autocomplete="one-time-code"' in html
    assert "<script>" not in html  # works without inline scripts (strict CSP)

    done = _code(client, f"{totp(authenticator.bin_key):06d}")
    assert done.status_code == 302
    assert done["Location"] == "/admin/"
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "What needs doing" in home.content.decode()


ADMIN_PAGES = [
    "/admin/",
    "/admin/programmes/programme/",
    "/admin/programmes/programme/add/",
    "/admin/programmes/programme/{pk}/change/",
    "/admin/programmes/programme/{pk}/history/",
    "/admin/programmes/partner/",
    "/admin/taggit/tag/",
    "/admin/auth/user/",
    "/admin/password_change/",
    "/admin/autocomplete/?app_label=programmes&model_name=programme&field_name=replaced_by",
    "/admin/jsi18n/",
    "/admin/two-factor/",
    "/admin/two-factor/recovery-codes/",
    "/admin/programmes/",
]


@pytest.mark.parametrize("with_device", [True, False])
def test_no_admin_page_opens_with_a_password_only(client, editor, programme, with_device):
    editor.is_superuser = True  # even a superuser
    editor.save()
    if with_device:
        TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    _password(client)
    step = VERIFY if with_device else SET_UP
    for path in ADMIN_PAGES:
        response = client.get(path.format(pk=programme.pk))
        assert response.status_code == 302, path
        assert response["Location"].startswith(step), (path, response["Location"])
    # Nor a form post: nothing is saved.
    response = client.post(
        f"/admin/programmes/programme/{programme.pk}/change/", {"title": "Hijacked"}
    )
    assert response.status_code == 302
    response = client.post(f"/admin/programmes/programme/{programme.pk}/preview/", {})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Example Inclusion Programme"


def test_the_admin_site_itself_refuses_a_session_without_the_second_step(editor):
    """Even a page the middleware let through is closed: has_permission asks for it."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.middleware import OTPMiddleware

    site = CatalogueAdminSite()
    request = RequestFactory().get("/admin/")
    request.session = SessionStore()
    request.user = editor
    OTPMiddleware(lambda r: None)(request)
    assert not site.has_permission(request)
    request.user = AnonymousUser()
    assert not site.has_permission(request)


def test_drafts_stay_hidden_from_a_password_only_session(client, editor, programme):
    programme.is_published = False
    programme.save()
    TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    _password(client)
    assert client.get(programme.get_absolute_url()).status_code == 404


def test_the_next_page_survives_the_second_step_but_never_leaves_the_site(
    client, editor, authenticator, programme
):
    change = f"/admin/programmes/programme/{programme.pk}/change/"
    _password(client, next_url=change)
    step = client.get(change)
    assert (
        step["Location"]
        == f"{VERIFY}?next=%2Fadmin%2Fprogrammes%2Fprogramme%2F{programme.pk}%2Fchange%2F"
    )
    done = _code(client, _app_code(authenticator), next_url=change)
    assert done["Location"] == change
    client.logout()
    authenticator.refresh_from_db()
    _password(client)
    with time_machine.travel(time.time() + 60):
        done = _code(client, _app_code(authenticator), next_url="https://evil.example/")
    assert done["Location"] == "/admin/"


# --- setting up ---------------------------------------------------------------------------


def test_first_sign_in_sets_up_the_app_then_shows_recovery_codes_once(client, editor):
    _password(client)
    step = client.get("/admin/programmes/programme/")
    assert step["Location"] == f"{SET_UP}?next=%2Fadmin%2Fprogrammes%2Fprogramme%2F"
    page = client.get(step["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1)
    import base64

    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    # The same key on a reload: a phone that scanned it keeps working.
    assert secret in client.get(SET_UP).content.decode()

    wrong = client.post(SET_UP, {"code": "000000", "next": "/admin/programmes/programme/"})
    assert wrong.status_code == 200
    assert "That code is not right" in _errors(wrong)
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(SET_UP, {"code": _app_code(device), "next": "/admin/programmes/programme/"})
    assert done.status_code == 302
    assert done["Location"] == f"{CODES}?next=%2Fadmin%2Fprogrammes%2Fprogramme%2F"
    device.refresh_from_db()
    assert device.confirmed

    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", shown)
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert {c.replace("-", "") for c in codes} == stored
    assert 'href="/admin/programmes/programme/"' in shown
    # Shown once: a reload offers new ones instead.
    again = client.get(CODES).content.decode()
    assert not re.findall(r"<code>[a-z2-7]{4}-[a-z2-7]{4}</code>", again)
    assert "Make new recovery codes" in again
    # And the session is past both steps.
    assert client.get("/admin/programmes/programme/").status_code == 200


def test_a_password_alone_cannot_add_a_device_to_an_account_that_has_one(
    client, editor, authenticator
):
    _password(client)
    response = client.get(SET_UP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_new_recovery_codes_replace_the_old_ones(editor_client, editor):
    editor_client.post(CODES, {})
    first = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(first) == 10
    response = editor_client.post(CODES, {})
    assert response.status_code == 302
    second = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(second) == 10
    assert not first & second
    account = editor_client.get("/admin/two-factor/").content.decode()
    assert "10 of 10 recovery codes left" in account


# --- codes: recovery, wrong, reused, expired ------------------------------------------------


def _recovery_codes(user, *codes):
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def test_a_recovery_code_works_once(client, editor, authenticator):
    _recovery_codes(editor, "abcd2345", "wxyz6789"[:4] + "2345")
    _password(client)
    done = _code(client, "ABCD-2345")  # as shown, in capitals: still the code
    assert done.status_code == 302
    page = client.get("/admin/", follow=True).content.decode()
    assert "You used a recovery code: 1 left" in page
    client.logout()
    _password(client)
    again = _code(client, "abcd2345")
    assert again.status_code == 200
    assert "not one of your recovery codes, or it was used already" in _errors(again)
    assert client.get("/admin/").status_code == 302


def test_wrong_reused_and_expired_codes_are_refused_with_a_clear_message(
    client, editor, authenticator
):
    _password(client)
    wrong = _code(client, "123456" if _app_code(authenticator) != "123456" else "654321")
    assert wrong.status_code == 200
    assert "That code is not right, or it was used already" in _errors(wrong)

    # Each wrong code makes the wait longer: a try within it is refused, saying how long.
    throttled = _code(client, _app_code(authenticator))
    assert "Too many wrong codes. Wait 1 second" in _errors(throttled)

    with time_machine.travel(time.time() + 5):
        # Expired: the code of two minutes ago.
        expired = _code(client, _app_code(authenticator, seconds_ago=120))
        assert expired.status_code == 200
        assert "That code is not right" in _errors(expired)
    with time_machine.travel(time.time() + 40):
        code = _app_code(authenticator)
        assert _code(client, code).status_code == 302
        client.logout()
        _password(client)
        reused = _code(client, code)
        assert reused.status_code == 200
        assert "it was used already" in _errors(reused)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "code",
    ["", "   ", "12345", "1234567", "١٢٣٤٥٦", "abc", "x" * 41, "x" * 10_000, "12\x0034", "💥" * 6],
)
def test_codes_that_are_not_codes_get_a_message_never_a_500(client, editor, authenticator, code):
    _password(client)
    response = _code(client, code)
    assert response.status_code == 200
    assert _errors(response)
    assert client.get("/admin/").status_code == 302


# --- a device removed while signed in ---------------------------------------------------------


def test_a_device_removed_mid_session_sends_the_editor_to_set_up(editor_client, editor, programme):
    assert editor_client.get("/admin/programmes/programme/").status_code == 200
    reset_devices([editor])
    change = f"/admin/programmes/programme/{programme.pk}/change/"
    response = editor_client.post(change, {"title": "Changed after the reset"})
    assert response.status_code == 302
    assert response["Location"].startswith(SET_UP)
    page = editor_client.get(response["Location"])
    assert page.status_code == 200
    assert "Your two-factor sign-in was reset" in page.content.decode()
    programme.refresh_from_db()
    assert programme.title == "Example Inclusion Programme"


# --- resetting someone's devices ----------------------------------------------------------------


def test_a_superuser_resets_an_editors_two_factor_sign_in(admin_client, editor, authenticator):
    _recovery_codes(editor, "abcd2345")
    users = admin_client.get("/admin/auth/user/").content.decode()
    assert "two-factor sign-in" in users.lower()
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "reset_two_factor", "_selected_action": [editor.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Reset two-factor sign-in for edna" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()


def test_editors_cannot_reset_anyone(editor_client, editor, admin_user):
    TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)
    response = editor_client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [admin_user.pk]}
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_reset_two_factor_command(editor, authenticator, capsys):
    call_command("reset_two_factor", "edna")
    assert "edna sets up two-factor sign-in again" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=editor).exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No account"):
        call_command("reset_two_factor", "nobody")


# --- usernames ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["édna", "名前", "edna\u200b", "e" * 151, "é" * 5000, "\x00"])
def test_odd_usernames_are_a_failed_sign_in(client, editor, username):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode() or (
        "Null characters are not allowed" in response.content.decode()
    )


def test_a_non_ascii_username_signs_in_with_both_steps(client, db):
    user = User.objects.create_user("zoë.ōkafor", password=PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    assert _password(client, username="zoë.ōkafor").status_code == 302
    assert _code(client, _app_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_signing_out_from_the_second_step(client, editor, authenticator):
    _password(client)
    page = client.get(VERIFY).content.decode()
    assert "Signed in as edna" in page
    client.post("/admin/logout/")
    assert client.get(VERIFY)["Location"].startswith("/admin/login/")
