"""The admin sign-in: throttled by django-axes by username and address together, the
address read from X-Forwarded-For as the trusted proxy wrote it, and a lockout message
that says when to try again."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.client_address import client_address

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a long passphrase 9"
PROXY = "10.0.0.254"  # the load balancer: every request behind it comes from here
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _sign_in(client, username, password, ip="10.0.0.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def _via_proxy(client, username, password, forwarded_for):
    """A sign-in through the proxy: it connects from PROXY and appends the address it
    received the connection from to whatever X-Forwarded-For the client sent."""
    return _sign_in(client, username, password, ip=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_an_editor_signs_in_with_password_then_code(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    response = _sign_in(client, "edna", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 302  # the code first
    client.post("/admin/two-factor/verify/", {"code": f"{totp(device.bin_key):06d}"})
    assert client.get("/admin/").status_code == 200


@time_machine.travel(datetime.datetime(2027, 3, 4, 14, 4, 30, tzinfo=LONDON), tick=False)
def test_lockout_after_five_failures_with_a_clear_message(client, editor):
    for _ in range(4):
        response = _sign_in(client, "edna", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    fifth = _sign_in(client, "edna", "wrong")
    assert fifth.status_code == 429
    # Locked: even the right password is refused for now.
    locked = _sign_in(client, "edna", PASSWORD)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in locked for now" in html
    assert "wrong 5 times in a row" in html
    # 14:04:30 plus 30 minutes is 14:34:30: the next whole minute, never earlier.
    assert "You can try again at 2:35pm today (in 30 minutes)" in html
    assert "Each try before then starts the wait again" in html
    assert "London.RaceStrategy@nhs.net" in html
    assert "nhsuk-header" in html
    assert "Traceback" not in html
    assert "__Host-sessionid" not in locked.cookies


@time_machine.travel(datetime.datetime(2027, 3, 4, 23, 40, tzinfo=LONDON), tick=False)
def test_the_lockout_message_names_tomorrow_after_midnight(client, editor):
    for _ in range(5):
        _sign_in(client, "edna", "wrong")
    html = _sign_in(client, "edna", PASSWORD).content.decode()
    assert "You can try again at 12:10am tomorrow" in html


def test_the_lock_ends_when_the_message_says(client, editor):
    start = datetime.datetime(2027, 3, 4, 14, 0, tzinfo=LONDON)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _sign_in(client, "edna", "wrong")
    with time_machine.travel(start + datetime.timedelta(minutes=29, seconds=59), tick=False):
        assert _sign_in(client, "edna", PASSWORD).status_code == 429
    # That try started the wait again: 30 minutes after it, it works.
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        assert _sign_in(client, "edna", PASSWORD).status_code == 302


def test_lockout_is_by_username_and_address(client, editor):
    User.objects.create_user("other", password="another long passphrase 7", is_staff=True)
    for _ in range(5):
        _sign_in(client, "edna", "wrong")
    # The same person from another address, and another person from the same one, may sign in.
    assert _sign_in(client, "edna", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _sign_in(client, "other", "another long passphrase 7").status_code == 302


# --- behind the production proxy ------------------------------------------------------------


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_failures_from_one_address_do_not_lock_out_another(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    for _ in range(5):
        _via_proxy(client, "edna", "wrong", forwarded_for="198.51.100.7")  # address A
    assert _via_proxy(client, "edna", PASSWORD, "198.51.100.7").status_code == 429
    # Edna, from address B, with the right password and code: in.
    response = _via_proxy(client, "edna", PASSWORD, forwarded_for="203.0.113.20")
    assert response.status_code == 302
    client.post(
        "/admin/two-factor/verify/",
        {"code": f"{totp(device.bin_key):06d}"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )
    assert client.get("/admin/", REMOTE_ADDR=PROXY).status_code == 200


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXY_COUNT=1)
def test_an_address_the_client_wrote_into_x_forwarded_for_is_not_trusted(client, editor):
    # An attacker at 192.0.2.66 claims to be Edna's address: the proxy appends the
    # attacker's real address, and that is what is counted.
    for _ in range(5):
        _via_proxy(client, "edna", "wrong", forwarded_for="203.0.113.20, 192.0.2.66")
    assert _via_proxy(client, "edna", PASSWORD, "192.0.2.66").status_code == 429
    assert _via_proxy(client, "edna", PASSWORD, "1.2.3.4, 192.0.2.66").status_code == 429
    # Edna herself, at 203.0.113.20, is not locked out.
    assert _via_proxy(client, "edna", PASSWORD, forwarded_for="203.0.113.20").status_code == 302


@override_settings(BEHIND_TLS_PROXY=False)
def test_without_a_proxy_x_forwarded_for_is_ignored(client, editor):
    for i in range(5):
        _sign_in(client, "edna", "wrong", ip="192.0.2.66", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    locked = _sign_in(client, "edna", PASSWORD, ip="192.0.2.66", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert locked.status_code == 429


@pytest.mark.parametrize(
    ("behind", "count", "forwarded_for", "expected"),
    [
        (False, 1, "198.51.100.7", "10.0.0.254"),
        (True, 1, "198.51.100.7", "198.51.100.7"),
        (True, 1, "203.0.113.20, 198.51.100.7", "198.51.100.7"),
        (True, 1, " 198.51.100.7 ", "198.51.100.7"),
        (True, 1, "198.51.100.7:51234", "198.51.100.7"),
        (True, 1, "[2001:db8::1]:51234", "2001:db8::1"),
        (True, 1, "2001:db8::1", "2001:db8::1"),
        (True, 2, "203.0.113.20, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        (True, 2, "198.51.100.7", "10.0.0.254"),  # not through both proxies
        (True, 1, "", "10.0.0.254"),  # straight to the app (a check from inside)
        (True, 1, "not an address", "10.0.0.254"),
        (True, 1, "198.51.100.7, not an address", "10.0.0.254"),
    ],
)
def test_client_address(settings, behind, count, forwarded_for, expected):
    settings.BEHIND_TLS_PROXY = behind
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == expected
