"""Alerts and the clock (time-machine), both sides of each boundary: daily digests at
8am London, weekly ones on Monday at 8am, confirmation links for 7 days, unconfirmed
sign-ups deleted after 7 days."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from alerts.models import Frequency, Subscriber, Subscription, next_due
from programmes.models import Programme
from tests.mailserver import text_of

LONDON = ZoneInfo("Europe/London")
ADDRESS = "grace.hopper@nhs.net"


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def test_next_due_is_8am_london_and_monday_for_weekly():
    assert next_due(Frequency.IMMEDIATELY, at(2027, 3, 1, 7)) is None
    assert next_due(Frequency.DAILY, at(2027, 3, 1, 7, 59)) == at(2027, 3, 1, 8)
    assert next_due(Frequency.DAILY, at(2027, 3, 1, 8)) == at(2027, 3, 2, 8)
    # 1 March 2027 is a Monday.
    assert next_due(Frequency.WEEKLY, at(2027, 3, 1, 7, 59)) == at(2027, 3, 1, 8)
    assert next_due(Frequency.WEEKLY, at(2027, 3, 1, 8)) == at(2027, 3, 8, 8)
    assert next_due(Frequency.WEEKLY, at(2027, 3, 3, 12)) == at(2027, 3, 8, 8)
    # Across the clocks going forward (28 March 2027): still 8am in London.
    assert next_due(Frequency.DAILY, at(2027, 3, 27, 9)) == at(2027, 3, 28, 8)
    assert next_due(Frequency.DAILY, at(2027, 3, 27, 9)).utcoffset() == datetime.timedelta(hours=1)


def _subscribe(client, mail_server, frequency, query="programme=example-inclusion-programme"):
    params = dict(p.split("=", 1) for p in query.split("&"))
    response = client.post("/alerts/", {**params, "email": ADDRESS, "frequency": frequency})
    assert response.status_code == 200, response.content.decode()
    return re.search(r"http://testserver(/alerts/confirm/\S+)", text_of(mail_server.messages[-1]))[
        1
    ]


def _change(programme, summary):
    programme.summary = summary
    programme.save()


@pytest.mark.parametrize(
    ("frequency", "quiet_until", "sent_at"),
    [
        (Frequency.DAILY, at(2027, 3, 2, 7, 59), at(2027, 3, 2, 8, 0)),
        (Frequency.WEEKLY, at(2027, 3, 8, 7, 59), at(2027, 3, 8, 8, 1)),
    ],
)
def test_digests_wait_for_their_time(
    client, programme, mail_server, frequency, quiet_until, sent_at
):
    with time_machine.travel(at(2027, 3, 1, 10), tick=False) as clock:  # a Monday
        client.post(_subscribe(client, mail_server, frequency))
        _change(programme, "First change.")
        clock.move_to(at(2027, 3, 1, 12))
        _change(programme, "Second change.")
        clock.move_to(quiet_until)
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 1  # the confirmation only
        clock.move_to(sent_at)
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 2
        assert "Updated: summary" in text_of(mail_server.messages[-1])
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 2


def test_a_digest_with_nothing_new_sends_nothing_and_waits_for_the_next_day(
    client, programme, mail_server
):
    with time_machine.travel(at(2027, 3, 1, 10), tick=False) as clock:
        client.post(_subscribe(client, mail_server, Frequency.DAILY))
        clock.move_to(at(2027, 3, 2, 8, 5))
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 1
        clock.move_to(at(2027, 3, 2, 15))
        _change(programme, "Afternoon change.")
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 1  # not until tomorrow at 8am
        clock.move_to(at(2027, 3, 3, 8))
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 2


def test_immediately_means_the_next_run(client, programme, mail_server):
    with time_machine.travel(at(2027, 3, 1, 10), tick=False) as clock:
        client.post(_subscribe(client, mail_server, Frequency.IMMEDIATELY))
        clock.move_to(at(2027, 3, 1, 10, 5))
        _change(programme, "A change.")
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 2


def test_confirmation_links_work_for_7_days(client, programme, mail_server):
    with time_machine.travel(at(2027, 3, 1, 10), tick=False) as clock:
        link = _subscribe(client, mail_server, Frequency.IMMEDIATELY)
        clock.move_to(at(2027, 3, 8, 9, 59))
        assert client.get(link).status_code == 200
        clock.move_to(at(2027, 3, 8, 10, 0, 1))
        expired = client.post(link)
        assert expired.status_code == 410
        assert "This link has expired" in expired.content.decode()
        assert not Subscription.objects.confirmed().exists()


def test_unconfirmed_sign_ups_are_deleted_after_7_days(client, programme, mail_server):
    with time_machine.travel(at(2027, 3, 1, 10), tick=False) as clock:
        _subscribe(client, mail_server, Frequency.IMMEDIATELY)
        clock.move_to(at(2027, 3, 8, 9, 59))
        call_command("send_alerts", verbosity=0)
        assert Subscriber.objects.filter(email=ADDRESS).exists()
        clock.move_to(at(2027, 3, 8, 10, 0, 1))
        call_command("send_alerts", verbosity=0)
        assert not Subscriber.objects.exists()
        assert not Subscription.objects.exists()


def test_availability_that_changes_at_midnight_is_announced_without_an_edit(
    client, programme, mail_server
):
    from programmes.models import KeyDate

    with time_machine.travel(at(2027, 3, 1, 10), tick=False) as clock:
        KeyDate.objects.create(
            programme=programme,
            kind=KeyDate.Kind.APPLICATIONS_OPEN,
            label="Applications open",
            starts_on=datetime.date(2027, 3, 2),
        )
        client.post(_subscribe(client, mail_server, Frequency.IMMEDIATELY))
        clock.move_to(at(2027, 3, 1, 23, 59))
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 1
        clock.move_to(at(2027, 3, 2, 0, 1))
        call_command("send_alerts", verbosity=0)
        assert len(mail_server.messages) == 2
        assert "Availability: Open for applications" in text_of(mail_server.messages[-1])
        assert Programme.objects.count() == 1
