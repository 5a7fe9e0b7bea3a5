"""`send_alerts --senders N`: on PostgreSQL, N threads share the outbox, each with its
own SMTP and database connections and its own claims, and every alert is still sent
exactly once. SQLite (one writer at a time) sends with one, whatever N says."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from alerts.models import Alert, Subscriber, Subscription
from alerts.sending import DELIVER_BATCH
from programmes.models import Programme
from tests.mailserver import text_of

COUNT = 2 * DELIVER_BATCH + 10  # enough for each sender to claim a batch


@pytest.mark.django_db(transaction=True)  # the senders' threads see only what is committed
def test_two_senders_send_every_alert_exactly_once(programme, mail_server):
    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"person{n:03d}@nhs.net") for n in range(COUNT)
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, confirmed_at=now, last_change_id=0) for s in subscribers
    )
    call_command("send_alerts", verbosity=0)  # where the changes start
    Programme.objects.create(title="Leadership for ward managers", is_published=True)
    out = io.StringIO()
    call_command("send_alerts", senders=2, stdout=out)
    assert f"{COUNT} sent" in out.getvalue()
    received = sorted(m.envelope_to[0] for m in mail_server.messages)
    assert received == sorted(s.email for s in subscribers)  # each once, nobody twice
    assert all("Leadership for ward managers" in text_of(m) for m in mail_server.messages)
    assert set(Alert.objects.values_list("status", flat=True)) == {Alert.Status.SENT}
    assert Alert.objects.filter(claimed_by="").count() == COUNT  # no claim left
    connections_used = {m.peer for m in mail_server.messages}
    assert len(connections_used) == (2 if connection.vendor == "postgresql" else 1)


@pytest.mark.parametrize("senders", [0, -1, 9])
def test_a_number_of_senders_out_of_range_is_refused_clearly(senders):
    with pytest.raises(CommandError, match="--senders must be from 1 to 8"):
        call_command("send_alerts", senders=senders)
