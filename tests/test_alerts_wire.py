"""Alerts go to the SMTP server as bytes made once per content, with each recipient's
address, links, date and Message-ID put in (alerts/emails.py, `AlertContent.wire`).
What arrives must be exactly what Django would have built for that recipient, and an
address or a text the stand-ins cannot carry safely goes Django's way instead."""

import email
from email import policy

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts.emails import MANAGE_LINK, AlertContent, alert_content
from alerts.models import Subscriber, Subscription
from programmes.models import Programme
from tests.mailserver import html_of, text_of

pytestmark = pytest.mark.django_db


def parsed(data):
    return email.message_from_bytes(data, policy=policy.default)


def subscribed(address, query=""):
    subscriber = Subscriber.objects.create(email=address)
    return Subscription.objects.create(
        subscriber=subscriber, query=query, confirmed_at=timezone.now(), last_change_id=0
    )


@pytest.fixture
def content(programme):
    # Words that need encoding in the subject and the parts: curly quotes, accents, "…".
    programme.title = "Café “Leadership” for ward managers"
    programme.summary = "Für alle: a programme " + "with many words " * 20 + "…"
    return alert_content("the whole catalogue", "immediately", [programme], [])


def test_the_wire_bytes_are_the_message_django_builds_for_that_recipient(content):
    subscription = subscribed("ada.lovelace@nhs.net")
    subscriber = subscription.subscriber
    wire = parsed(content.wire(subscription, subscriber))
    django = parsed(content.message(subscription, subscriber).message().as_bytes(linesep="\r\n"))
    assert sorted(wire.keys()) == sorted(django.keys())
    for name in wire:
        if name not in ("Date", "Message-ID", "Content-Type"):
            # (Django folds a long header after its colon; unfolded, that is a space.)
            assert str(wire[name]).strip() == str(django[name]).strip(), name
    assert wire["To"] == "ada.lovelace@nhs.net"
    assert wire["Subject"].strip() == "Café “Leadership” for ward managers: updated"
    assert wire["Date"].datetime is not None
    assert wire.get_content_type() == "multipart/alternative"
    assert text_of(wire) == text_of(django)
    assert html_of(wire) == html_of(django)
    assert "/alerts/manage/" in text_of(wire)
    assert "/alerts/unsubscribe/" in html_of(wire)


def test_each_recipient_gets_their_own_address_links_and_message_id(content):
    first, second = subscribed("ada.lovelace@nhs.net"), subscribed("grace.hopper@nhs.net")
    one = content.wire(first, first.subscriber)
    two = content.wire(second, second.subscriber)
    for data in (one, two):
        assert b"@@" not in data
        assert b"alerts.invalid" not in data
    one, two = parsed(one), parsed(two)
    assert (one["To"], two["To"]) == ("ada.lovelace@nhs.net", "grace.hopper@nhs.net")
    assert one["Message-ID"] != two["Message-ID"]
    assert one["List-Unsubscribe"] != two["List-Unsubscribe"]
    manage_one = parsed(content.message(first, first.subscriber).message().as_bytes(linesep="\r\n"))
    assert text_of(one) == text_of(manage_one)
    assert text_of(one) != text_of(two)


def test_an_address_that_needs_quoting_goes_djangos_way(content):
    subscription = subscribed('"ada lovelace"@nhs.net')
    assert content.wire(subscription, subscription.subscriber) is None


def test_a_text_sent_quoted_printable_goes_djangos_way():
    # A line over 998 characters makes Django send the part quoted-printable, whose
    # 76-character lines split the stand-in for the manage link.
    long_line = "x" * 70 + MANAGE_LINK + "y" * 1000
    content = AlertContent("Subject", f"{long_line}\n", f"<p>{MANAGE_LINK}</p>")
    subscription = subscribed("ada.lovelace@nhs.net")
    assert content.wire(subscription, subscription.subscriber) is None
    message = content.message(subscription, subscription.subscriber)
    assert "/alerts/manage/" in message.body
    assert MANAGE_LINK not in message.body


def test_send_alerts_delivers_both_ways_to_a_real_smtp_server(programme, mail_server):
    plain = subscribed("ada.lovelace@nhs.net")
    quoted = subscribed('"grace hopper"@nhs.net')
    call_command("send_alerts", verbosity=0)  # where the changes start
    Programme.objects.create(title="Leadership for ward managers", is_published=True)
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.to("ada.lovelace@nhs.net")) == 1
    assert len(mail_server.to('"grace hopper"@nhs.net')) == 1
    for subscription in (plain, quoted):
        (message,) = mail_server.to(subscription.subscriber.email)
        token = f"/alerts/unsubscribe/{subscription.pk}-"
        assert token in message["List-Unsubscribe"]
        assert "Leadership for ward managers" in text_of(message)
        assert token in text_of(message)
