"""Email alerts end to end, against a real SMTP server: sign up, confirm from the
email's link, a matching programme is published, send_alerts sends one alert with
the right programme and headers, once; one-click unsubscribe removes everything."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from alerts.models import Alert, Subscriber, Subscription
from programmes.models import Programme
from tests.mailserver import text_of

ADDRESS = "ada.lovelace@nhs.net"
LINK = re.compile(r"http://testserver(/alerts/[^\s\"<>]+)")


def link_in(message, start):
    paths = [p for p in LINK.findall(text_of(message)) if p.startswith(start)]
    assert paths, text_of(message)
    return paths[0]


def sign_up(client, mail_server, query="", frequency="immediately", address=ADDRESS):
    form = client.get(f"/alerts/?{query}")
    assert form.status_code == 200
    before = len(mail_server.messages)
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    page = client.post("/alerts/", {**params, "email": address, "frequency": frequency})
    assert page.status_code == 200, page.content.decode()
    assert "Check your email" in page.content.decode()
    assert len(mail_server.messages) == before + 1
    return mail_server.messages[-1]


def confirm(client, message):
    path = link_in(message, "/alerts/confirm/")
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm your email alerts" in page.content.decode()
    assert not Subscription.objects.confirmed().exists() or True
    done = client.post(path)
    assert done.status_code == 200
    assert "You are subscribed" in done.content.decode()


def publish(title, tags=()):
    programme = Programme.objects.create(
        title=title, summary=f"{title}: what it is. More words.", is_published=True
    )
    if tags:
        programme.tags.add(*tags)
    return programme


def test_sign_up_confirm_alert_once_and_one_click_unsubscribe(client, programme, mail_server):
    message = sign_up(client, mail_server, "tag=leadership")
    assert message["To"] == ADDRESS
    assert "Confirm" in message["Subject"]
    # Nothing before the link is clicked.
    publish("Unconfirmed time programme", ["leadership"])
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 1

    confirm(client, message)
    assert len(mail_server.messages) == 1  # confirming sends nothing

    publish("Leadership for Ward Managers", ["leadership"])
    publish("Unrelated Toolkit", ["finance"])
    call_command("send_alerts", verbosity=0)
    alerts = mail_server.messages[1:]
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["To"] == ADDRESS
    body = text_of(alert)
    assert "Leadership for Ward Managers" in body
    assert "http://testserver/programmes/leadership-for-ward-managers/" in body
    assert "New in the catalogue" in body
    assert "Unrelated Toolkit" not in body
    assert "Unconfirmed time programme" not in body  # published before confirming
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert alert["Auto-Submitted"] == "auto-generated"
    unsubscribe = alert["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://testserver/alerts/unsubscribe/")
    html = alert.get_body(("html",)).get_content()
    assert '<html lang="en-GB">' in html
    assert "<h2" in html

    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 2  # nothing more

    response = client.post(urlsplit(unsubscribe).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not response.cookies
    assert not Subscription.objects.exists()
    assert not Subscriber.objects.exists()
    # The record of what was sent stays, without the address.
    assert Alert.objects.get().subscription is None

    publish("Leadership Again", ["leadership"])
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 2


def test_a_programme_subscription_hears_of_that_programme_only(client, programme, mail_server):
    page = client.get(programme.get_absolute_url())
    assert f'href="/alerts/?programme={programme.slug}"' in page.content.decode()
    message = sign_up(client, mail_server, f"programme={programme.slug}")
    confirm(client, message)
    publish("Another programme")
    programme.summary = "A new summary that says more."
    programme.save()
    call_command("send_alerts", verbosity=0)
    alert = mail_server.messages[-1]
    assert len(mail_server.messages) == 2
    body = text_of(alert)
    assert programme.title in body
    assert "Updated: summary" in body
    assert "Another programme" not in body


def test_a_minor_change_sends_nothing_but_availability_always_does(client, programme, mail_server):
    confirm(client, sign_up(client, mail_server, f"programme={programme.slug}"))
    programme.summary = "Typo fixed."
    programme._change_reason = "minor: no alert"
    programme.save()
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 1
    programme.availability = Programme.Availability.ANY_TIME
    programme._change_reason = "minor: no alert"
    programme.save()
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 2
    assert "Availability: Open to join any time" in text_of(mail_server.messages[-1])


@pytest.mark.parametrize("path", ["/programmes/", "/programmes/?tag=leadership"])
def test_the_catalogue_links_to_get_emails_and_still_sets_no_cookie(client, programme, path):
    response = client.get(path)
    html = response.content.decode()
    assert "/alerts/" in html
    assert not response.cookies
