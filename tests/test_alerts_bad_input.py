"""Bad input to email alerts: never a 500, never an email to an address that did not
confirm, floods limited per address and per network with a clear message."""

import re

import pytest
from django.core.management import call_command

from alerts import tokens
from alerts.models import Subscriber, Subscription
from programmes.models import Programme
from tests.mailserver import text_of


def post(client, email, frequency="immediately", **extra):
    return client.post(
        "/alerts/", {"email": email, "frequency": frequency, **extra}, **extra.pop("headers", {})
    )


@pytest.mark.parametrize(
    "email",
    [
        "",
        "not an address",
        "a@",
        "@nhs.net",
        "a" * 250 + "@nhs.net",  # over 254 characters
        "ada@nhs.net\nBcc: everyone@example.org",  # header injection
        "ada@nhs.net\r\nSubject: hello",
        "ada@nhs.net, eve@example.org",
        "<ada@nhs.net>",
        "ada@nhs.net\x00",
    ],
)
def test_bad_addresses_are_refused_with_a_message_and_nothing_is_sent(
    client, programme, mail_server, email
):
    response = post(client, email)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Error:" in html
    assert mail_server.messages == []
    assert not Subscriber.objects.exists()


def test_a_missing_or_unknown_frequency_is_refused(client, programme, mail_server):
    for frequency in ["", "hourly", "x" * 1000]:
        response = post(client, "ada@nhs.net", frequency=frequency)
        assert response.status_code == 400
        assert "Choose how often you want emails" in response.content.decode()
    assert mail_server.messages == []


@pytest.mark.parametrize(
    "query",
    [
        "programme=no-such-programme",
        "programme=" + "x" * 5000,
        "tag=" + "&tag=".join(f"t{i}" for i in range(500)),
        "q=" + "%00%0a" * 50,
        "status=nonsense&sort=%FF",
        "q=%ED%A0%80",
    ],
)
def test_odd_parameters_never_give_a_server_error(client, programme, query):
    for method in (client.get, client.post):
        response = method(f"/alerts/?{query}")
        assert response.status_code in (200, 400, 404), (query, response.status_code)


@pytest.mark.parametrize("view", ["confirm", "manage", "unsubscribe"])
def test_tampered_links_are_refused(client, programme, mail_server, view):
    client.post("/alerts/", {"email": "ada@nhs.net", "frequency": "daily"})
    subscription = Subscription.objects.get()
    good = {
        "confirm": tokens.confirm_token(subscription),
        "manage": tokens.manage_token(subscription.subscriber),
        "unsubscribe": tokens.unsubscribe_token(subscription.pk, subscription.subscriber.key),
    }[view]
    for token in [
        good[:-1] + ("A" if good[-1] != "A" else "B"),
        "1-x:y",
        "garbage",
        "9" * 40 + "-k:s",
        "%00",
    ]:
        for method in (client.get, client.post):
            response = method(f"/alerts/{view}/{token}/")
            assert response.status_code == 400, (token, response.status_code)
            assert "This link does not work" in response.content.decode()
    # Another subscription's id under this signature does not work either.
    forged = good.replace(f"{subscription.pk}-", f"{subscription.pk + 1}-", 1)
    assert client.post(f"/alerts/{view}/{forged}/").status_code == 400
    assert not Subscription.objects.confirmed().exists()
    assert Subscription.objects.exists()


def test_a_replayed_unsubscribe_says_so_and_touches_nothing_else(client, programme, mail_server):
    client.post("/alerts/", {"email": "ada@nhs.net", "frequency": "daily"})
    first = Subscription.objects.get()
    token = tokens.unsubscribe_token(first.pk, first.subscriber.key)
    assert client.post(f"/alerts/unsubscribe/{token}/").status_code == 200
    assert not Subscriber.objects.exists()
    # The same address signs up again: the old link must not cancel the new subscription.
    client.post("/alerts/", {"email": "ada@nhs.net", "frequency": "daily"})
    for method in (client.get, client.post):
        again = method(f"/alerts/unsubscribe/{token}/")
        assert again.status_code == 200
        assert (
            "You are not subscribed" in again.content.decode()
            or "unsubscribed" in again.content.decode()
        )
    one_click = client.post(f"/alerts/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert Subscription.objects.count() == 1


def test_sign_ups_for_one_address_are_limited(client, programme, mail_server):
    for _ in range(3):
        assert post(client, "ada@nhs.net").status_code == 200
    flooded = post(client, "ADA@nhs.net")
    assert flooded.status_code == 429
    assert (
        "We have already sent 3 emails to this address in the last hour" in flooded.content.decode()
    )
    assert len(mail_server.messages) == 3


def test_sign_ups_from_one_network_are_limited(client, programme, mail_server):
    for i in range(10):
        assert post(client, f"person{i}@nhs.net").status_code == 200
    flooded = post(client, "someone.else@nhs.net")
    assert flooded.status_code == 429
    assert "too many sign-ups from your network" in flooded.content.decode()
    other = client.post(
        "/alerts/", {"email": "someone.else@nhs.net", "frequency": "daily"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200
    assert len(mail_server.messages) == 11


def test_an_unconfirmed_address_is_never_mailed_an_alert(client, programme, mail_server):
    post(client, "ada@nhs.net")
    call_command("send_alerts", verbosity=0)
    Programme.objects.create(title="Published after", summary="S.", is_published=True)
    programme.summary = "Changed."
    programme.save()
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 1
    assert "Confirm" in mail_server.messages[0]["Subject"]


def test_signing_up_again_never_reveals_or_changes_a_confirmed_subscription(
    client, programme, mail_server
):
    post(client, "ada@nhs.net")
    link = re.search(r"http://testserver(/alerts/confirm/\S+)", text_of(mail_server.messages[-1]))[
        1
    ]
    client.post(link)
    again = post(client, "ada@nhs.net", frequency="weekly")
    assert "Check your email" in again.content.decode()
    assert "already get these" in mail_server.messages[-1]["Subject"]
    assert Subscription.objects.get().frequency == "immediately"


def test_a_mail_server_that_is_down_gives_a_clear_page_not_an_error(client, programme, settings):
    from tests.mailserver import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        free_port(),
        False,
    )
    response = post(client, "ada@nhs.net")
    assert response.status_code == 503
    assert "could not send the email" in response.content.decode()


def test_alert_pages_set_no_cookies(client, programme, mail_server):
    for response in [
        client.get("/alerts/"),
        post(client, "ada@nhs.net"),
        client.get("/alerts/privacy/"),
    ]:
        assert not response.cookies
