"""An email's "sent" mark (alerts/sending.py, `_mark_sent`: SQL written once, since it
runs once per email) records the time and ends the claim, and only while the run
that sent it still holds the claim: a claim taken over is never marked twice."""

import datetime

import pytest
from django.utils import timezone

from alerts.models import Alert
from alerts.sending import _mark_sent

pytestmark = pytest.mark.django_db


def claimed(run):
    return Alert.objects.create(
        frequency="immediately",
        claimed_by=run,
        claimed_until=timezone.now() + datetime.timedelta(minutes=5),
    )


def test_marking_sent_records_the_time_and_ends_the_claim():
    alert = claimed("run-a")
    at = datetime.datetime(2027, 6, 1, 9, 30, 15, 250000, tzinfo=datetime.UTC)
    _mark_sent(alert, "run-a", at)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert alert.sent_at == at
    assert (alert.claimed_by, alert.claimed_until) == ("", None)


def test_a_claim_taken_over_by_another_run_is_not_marked():
    alert = claimed("run-b")
    _mark_sent(alert, "run-a", timezone.now())
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PENDING
    assert alert.sent_at is None
    assert alert.claimed_by == "run-b"
