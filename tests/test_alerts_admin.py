"""Email alerts in the admin: editors see counts per filter and what was sent when, never
addresses; superusers see addresses; a save marked "Minor change" emails nobody."""

import re

from django.core.management import call_command

from alerts.models import Alert
from tests.adminform import admin_form_data
from tests.mailserver import text_of

ADDRESS = "katherine.johnson@nhs.net"


def _subscribed(client, mail_server, query):
    params = dict(p.split("=", 1) for p in query.split("&"))
    client.post("/alerts/", {**params, "email": ADDRESS, "frequency": "immediately"})
    link = re.search(r"http://testserver(/alerts/confirm/\S+)", text_of(mail_server.messages[-1]))[
        1
    ]
    client.post(link)


def test_a_save_marked_minor_emails_nobody_and_a_normal_one_does(
    client, editor_client, programme, mail_server
):
    _subscribed(client, mail_server, f"programme={programme.slug}")
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    page = editor_client.get(url)
    assert "Minor change: do not email subscribers" in page.content.decode()
    saved = editor_client.post(
        url, admin_form_data(page, summary="A typo mended.", minor_change="on")
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 1
    page = editor_client.get(url)
    saved = editor_client.post(url, admin_form_data(page, summary="What it is now, rewritten."))
    assert saved.status_code == 302
    call_command("send_alerts", verbosity=0)
    assert len(mail_server.messages) == 2
    assert "Updated: summary" in text_of(mail_server.messages[-1])


def test_editors_see_counts_and_emails_sent_but_no_address(
    client, editor_client, programme, mail_server
):
    _subscribed(client, mail_server, "tag=leadership")
    programme.summary = "Changed for the alert."
    programme.save()
    call_command("send_alerts", verbosity=0)
    assert Alert.objects.get().status == Alert.Status.SENT
    counts = editor_client.get("/admin/alerts/subscribersperfilter/")
    assert counts.status_code == 200
    html = counts.content.decode()
    assert "Topic: leadership" in html
    assert ADDRESS not in html
    sent = editor_client.get("/admin/alerts/alert/")
    assert sent.status_code == 200
    assert "Sent" in sent.content.decode()
    assert ADDRESS not in sent.content.decode()
    assert editor_client.get("/admin/alerts/subscriber/").status_code == 403
    detail = editor_client.get(f"/admin/alerts/alert/{Alert.objects.get().pk}/change/")
    assert detail.status_code == 200
    assert ADDRESS not in detail.content.decode()


def test_superusers_see_addresses(client, admin_client, programme, mail_server):
    _subscribed(client, mail_server, "tag=leadership")
    programme.summary = "Changed for the alert."
    programme.save()
    call_command("send_alerts", verbosity=0)
    assert ADDRESS in admin_client.get("/admin/alerts/subscriber/").content.decode()
    assert ADDRESS in admin_client.get("/admin/alerts/alert/").content.decode()
    assert admin_client.get("/admin/alerts/subscribersperfilter/").status_code == 200


def test_failures_are_recorded_and_an_address_that_keeps_failing_stops(
    client, programme, mail_server
):
    from alerts.models import MAX_FAILURES, Subscriber

    _subscribed(client, mail_server, f"programme={programme.slug}")
    mail_server.refuse[ADDRESS] = "550 5.1.1 No such mailbox"
    for i in range(MAX_FAILURES + 1):
        programme.summary = f"Change {i}."
        programme.save()
        call_command("send_alerts", verbosity=0)
    subscriber = Subscriber.objects.get()
    assert subscriber.failures == MAX_FAILURES
    assert subscriber.stopped_at is not None
    assert "No such mailbox" in subscriber.last_failure
    statuses = list(Alert.objects.order_by("pk").values_list("status", flat=True))
    assert statuses[:MAX_FAILURES] == [Alert.Status.FAILED] * MAX_FAILURES
    # Stopped: no more alerts are even queued.
    assert len(statuses) == MAX_FAILURES


def test_a_temporary_failure_is_retried_later(client, programme, mail_server):
    _subscribed(client, mail_server, f"programme={programme.slug}")
    mail_server.refuse[ADDRESS] = "452 4.2.2 Mailbox full"
    programme.summary = "A change."
    programme.save()
    call_command("send_alerts", verbosity=0)
    alert = Alert.objects.get()
    assert alert.status == Alert.Status.PENDING
    assert alert.retry_at is not None
    assert "Mailbox full" in alert.failure
