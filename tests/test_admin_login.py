"""The admin sign-in: throttled by django-axes, with a clear message when locked."""

from django.contrib.auth.models import User

LOGIN = "/admin/login/?next=/admin/"


def _sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_an_editor_can_sign_in(client, editor):
    response = _sign_in(client, "edna", "a long passphrase 9")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_lockout_after_five_failures_with_a_clear_message(client, editor):
    for _ in range(4):
        response = _sign_in(client, "edna", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    fifth = _sign_in(client, "edna", "wrong")
    assert fifth.status_code == 429
    # Locked: even the right password is refused for now.
    locked = _sign_in(client, "edna", "a long passphrase 9")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in locked for now" in html
    assert "wrong 5 times in a row" in html
    assert "Wait 30 minutes" in html
    assert "London.RaceStrategy@nhs.net" in html
    assert "nhsuk-header" in html
    assert "Traceback" not in html
    assert "__Host-sessionid" not in locked.cookies


def test_lockout_is_by_username_and_address(client, editor):
    User.objects.create_user("other", password="another long passphrase 7", is_staff=True)
    for _ in range(5):
        _sign_in(client, "edna", "wrong")
    # The same person from another address, and another person from the same one, may sign in.
    assert _sign_in(client, "edna", "a long passphrase 9", ip="10.0.0.2").status_code == 302
    client.logout()
    assert _sign_in(client, "other", "another long passphrase 7").status_code == 302
