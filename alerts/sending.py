"""Sending alerts: what `manage.py send_alerts` does, in three steps.

1. Find changes (alerts/changes.py).
2. Build: for the subscriptions due, in batches, the changes each has not seen
   that match its search and filters now become one Alert row (the outbox), and
   the subscription's place in the changes moves on, in the same transaction.
   Builders take turns (the "build" lease row), so two runs never build the same
   subscription's alert twice. Nothing matching: no Alert, but the place moves on.
3. Deliver: Alert rows are claimed in batches (PostgreSQL: SELECT ... FOR UPDATE
   SKIP LOCKED, so runs on several servers share the work; SQLite: one writer at
   a time), sent in id order over one SMTP connection, and each is marked sent
   (or failed) as soon as the mail server answers, before the next is sent.

A run killed half-way: what was built is in the outbox; of what it had claimed,
the emails marked sent were sent and are never sent again, and the others wait
for the claim to lapse (CLAIM_SECONDS). Then the first email of the claim not
marked (the one that may have been handed to the mail server when the run
died) is marked "may not have been sent" and not retried, so nobody gets an
email twice; the rest are sent by the next run.

Every query works on a batch, so the number of queries grows with the number of
batches, not of subscribers; no statement runs long (the database's statement
timeout applies to each).
"""

import contextlib
import datetime
import logging
import smtplib
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import connection, connections, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from programmes.models import Programme

from .changes import find_changes
from .emails import alert_content
from .leases import hold
from .models import (
    CONFIRM_DAYS,
    MAX_FAILURES,
    Alert,
    Change,
    SignUp,
    Subscriber,
    Subscription,
    next_due,
)
from .queries import Matcher, describe

logger = logging.getLogger("alerts")

BUILD_BATCH = 500
DELIVER_BATCH = 100
CLAIM_SECONDS = 5 * 60
RENEW_SECONDS = 60
MAX_ATTEMPTS = 5  # temporary failures of one email before it counts as failed
RETRY_MINUTES = 15
ALERT_RECORD_DAYS = 90
CHANGE_DAYS = 60
STOPPED_ADDRESS_DAYS = 365


class MailServerUnavailable(Exception):
    """The mail server cannot be reached or refuses us: nothing more can be sent now."""


@dataclass
class Report:
    changes: int = 0
    built: int = 0
    sent: int = 0
    failed: int = 0
    retry: int = 0
    cancelled: int = 0
    uncertain: int = 0
    deleted: dict = field(default_factory=dict)


def new_run_id():
    return uuid.uuid4().hex[:16]


# --- 2. Build ------------------------------------------------------------------------


def build_alerts(run, now=None, batch=BUILD_BATCH):
    """Turn due subscriptions into Alert rows; returns how many were made."""
    now = now or timezone.now()
    newest = Change.objects.aggregate(newest=Max("pk"))["newest"] or 0
    matcher = Matcher()
    changes = {}  # the changes loaded so far, by id, from `loaded_from` up
    loaded_from = newest
    made = 0
    while True:
        with transaction.atomic():
            hold("build", run)
            due = list(
                Subscription.objects.due(now, newest)
                .select_related("programme")
                .order_by("pk")[:batch]
            )
            if not due:
                return made
            lowest = min(s.last_change_id for s in due)
            if lowest < loaded_from:
                for change in Change.objects.filter(pk__gt=lowest, pk__lte=loaded_from):
                    changes[change.pk] = change
                loaded_from = lowest
            ordered = sorted(changes.values(), key=lambda c: c.pk)
            alerts = []
            for subscription in due:
                alert = _alert_for(subscription, ordered, matcher)
                if alert is not None:
                    alerts.append(alert)
            Alert.objects.bulk_create(alerts, batch_size=batch)
            # Every subscription of the batch moves on to the same place, and its next
            # time depends only on its frequency: one UPDATE per frequency (bulk_update's
            # CASE per row cost more than making the alerts).
            for frequency in {s.frequency for s in due}:
                Subscription.objects.filter(
                    pk__in=[s.pk for s in due if s.frequency == frequency]
                ).update(
                    last_change_id=Greatest("last_change_id", newest),
                    due_at=next_due(frequency, now),
                )
            made += len(alerts)


def _alert_for(subscription, changes, matcher):
    seen = subscription.last_change_id
    if subscription.programme_id:
        found = [
            c
            for c in changes
            if c.pk > seen
            and c.programme_id == subscription.programme_id
            and matcher.published(c.programme_id)
        ]
    else:
        found = [
            c
            for c in changes
            if c.pk > seen and matcher.matches(subscription.query, c.programme_id)
        ]
    if not found:
        return None
    programmes = list(dict.fromkeys(c.programme_id for c in found))
    return Alert(
        subscription=subscription,
        query=subscription.query,
        programme_id=subscription.programme_id,
        frequency=subscription.frequency,
        changes=[c.pk for c in found],
        programmes=programmes,
    )


# --- 3. Deliver ----------------------------------------------------------------------


def _claimable(now):
    return Alert.objects.filter(status=Alert.Status.PENDING, claimed_by="").filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    )


def claim(run, now=None, size=DELIVER_BATCH):
    """Claim up to `size` alerts waiting to be sent, for this run; returns their ids."""
    now = now or timezone.now()
    with transaction.atomic():
        waiting = _claimable(now).order_by("pk").values_list("pk", flat=True)
        if connection.features.has_select_for_update_skip_locked:
            ids = list(waiting.select_for_update(skip_locked=True)[:size])
        else:
            hold("deliver", run)  # SQLite: the write lock first, then read
            ids = list(waiting[:size])
        Alert.objects.filter(pk__in=ids).update(
            claimed_by=run,
            claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    return ids


def recover_lapsed_claims(report, now=None):
    """Claims whose run died (their time ran out with emails not marked): the
    first of each is marked uncertain, the rest go back to the outbox."""
    now = now or timezone.now()
    lapsed = (
        Alert.objects.filter(status=Alert.Status.PENDING, claimed_until__lt=now)
        .exclude(claimed_by="")
        .values_list("claimed_by", flat=True)
        .distinct()
    )
    for run in list(lapsed):
        with transaction.atomic():
            hold("deliver")
            left = Alert.objects.filter(
                status=Alert.Status.PENDING, claimed_by=run, claimed_until__lt=now
            ).order_by("pk")
            first = left.first()
            if first is None:
                continue
            Alert.objects.filter(pk=first.pk).update(
                status=Alert.Status.UNCERTAIN,
                claimed_by="",
                failure="The sending run stopped while handing this email to the mail "
                "server: it may or may not have been sent, so it is not sent again.",
            )
            report.uncertain += 1
            left.exclude(pk=first.pk).update(claimed_by="", claimed_until=None)


def deliver(run, report, mail=None, now_fn=timezone.now, senders=1):
    """Send the outbox, batch by batch, until it is empty (or the mail server fails).

    With `senders` above 1, that many threads share the work, each with its own SMTP
    and database connections and its own claims, exactly as separate runs would:
    while one waits for the mail server, another prepares an email or marks one sent."""
    recover_lapsed_claims(report, now_fn())
    if connection.vendor == "sqlite":
        # One writer at a time: more senders would only wait on each other's locks.
        senders = 1
    if senders <= 1:
        _send_outbox(run, report, mail or get_connection(), now_fn)
        return
    reports = [Report() for _ in range(senders)]
    errors = []

    def sender(number):
        try:
            _send_outbox(f"{run}-{number}", reports[number], get_connection(), now_fn)
        except BaseException as error:  # raised below, in the caller's thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for each in reports:
        for counter in ("sent", "failed", "retry", "cancelled"):
            setattr(report, counter, getattr(report, counter) + getattr(each, counter))
    if errors:
        raise errors[0]


def _send_outbox(run, report, mail, now_fn):
    cached = {}
    try:
        mail.open()
    except (OSError, smtplib.SMTPException) as error:
        raise MailServerUnavailable(_reason(error)) from error
    try:
        with commits_without_waiting():
            while True:
                ids = claim(run, now_fn())
                if not ids:
                    return
                _deliver_batch(run, ids, mail, report, cached, now_fn)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            mail.close()


# How each database commits without waiting for the disk, and back.
FAST_COMMITS = {
    "postgresql": ("SET synchronous_commit TO OFF", "RESET synchronous_commit"),
    "sqlite": ("PRAGMA synchronous = OFF", "PRAGMA synchronous = FULL"),
}


@contextlib.contextmanager
def commits_without_waiting():
    """Each email is marked sent in a commit of its own; without waiting for the disk
    a commit costs a fraction of a millisecond instead of a disk flush. A killed run
    loses nothing by it (the commits are the database's, not this process's); only a
    crash of the database server or its machine could forget the last moment's marks,
    and resend those. (Inside a transaction, as in tests, SQLite cannot switch.)"""
    switch = FAST_COMMITS.get(connection.vendor)
    if switch is None or (connection.vendor == "sqlite" and connection.in_atomic_block):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(switch[0])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(switch[1])


def _deliver_batch(run, ids, mail, report, cached, now_fn):
    # Over SMTP, alerts go as prebuilt bytes on the backend's open connection.
    smtp = mail.connection if isinstance(mail, SMTPBackend) else None
    envelope_from = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
    alerts = list(
        Alert.objects.filter(pk__in=ids, claimed_by=run, status=Alert.Status.PENDING)
        .select_related("subscription__subscriber", "subscription__programme")
        .order_by("pk")
    )
    change_ids = {pk for alert in alerts for pk in alert.changes}
    changes = Change.objects.in_bulk(change_ids)
    programme_ids = {pk for alert in alerts for pk in alert.programmes}
    programmes = (
        Programme.objects.published().only("title", "slug", "summary").in_bulk(programme_ids)
    )
    matcher = None
    renewed = time.monotonic()
    for position, alert in enumerate(alerts):
        if time.monotonic() - renewed > RENEW_SECONDS:
            _renew(run, now_fn())
            renewed = time.monotonic()
        subscription = alert.subscription
        subscriber = subscription.subscriber if subscription else None
        shown = [programmes[pk] for pk in alert.programmes if pk in programmes]
        if subscriber is None or subscriber.stopped_at or not shown:
            _finish(
                alert,
                run,
                Alert.Status.CANCELLED,
                failure="Not sent: "
                + (
                    "nothing in it is published any more"
                    if subscriber and not subscriber.stopped_at
                    else "the address unsubscribed or stopped being mailed"
                ),
            )
            report.cancelled += 1
            continue
        key = (
            alert.query,
            alert.programme_id,
            alert.frequency,
            tuple(alert.changes),
            tuple(p.pk for p in shown),
        )
        if key not in cached:
            if matcher is None:
                matcher = Matcher()
            follows = (
                f"the programme “{subscription.programme.title}”"
                if alert.programme_id and subscription.programme
                else describe(alert.query, matcher.index)
            )
            cached[key] = alert_content(
                follows, alert.frequency, shown, [changes[c] for c in alert.changes if c in changes]
            )
        try:
            wire = cached[key].wire(subscription, subscriber) if smtp else None
            if wire is not None:
                # What Django's SMTP backend does with a message, minus building it.
                smtp.sendmail(envelope_from, [subscriber.email], wire)
            else:
                mail.send_messages([cached[key].message(subscription, subscriber)])
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()), (550, b""))
            _failed(alert, run, subscriber, code, text, report, now_fn())
        except (smtplib.SMTPDataError, smtplib.SMTPResponseException) as error:
            if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
                _release([a.pk for a in alerts[position:]], run)
                raise MailServerUnavailable(_reason(error)) from error
            _failed(alert, run, subscriber, error.smtp_code, error.smtp_error, report, now_fn())
        except (OSError, smtplib.SMTPException) as error:
            # Disconnected, refused, timed out: this one and the rest wait for the next run.
            _release([a.pk for a in alerts[position:]], run)
            raise MailServerUnavailable(_reason(error)) from error
        else:
            _mark_sent(alert, run, now_fn())
            if subscriber.failures:
                Subscriber.objects.filter(pk=subscriber.pk).update(failures=0)
            report.sent += 1


def _reason(error):
    text = getattr(error, "smtp_error", b"") or str(error) or type(error).__name__
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    code = getattr(error, "smtp_code", "")
    return f"{code} {text}".strip()[:300]


def _finish(alert, run, status, **values):
    # Only while this run still holds it: a claim taken over is never marked twice.
    Alert.objects.filter(pk=alert.pk, claimed_by=run).update(
        status=status, claimed_by="", claimed_until=None, **values
    )


def _mark_sent(alert, run, at):
    """`_finish(alert, run, SENT, sent_at=at)`, in SQL written once: it runs once per
    email, and building the UPDATE through the ORM cost more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT,
            [Alert.Status.SENT, connection.ops.adapt_datetimefield_value(at), alert.pk, run],
        )


# The table's name is the model's: no input goes into this SQL but the parameters.
_MARK_SENT = (
    f"UPDATE {Alert._meta.db_table} SET status = %s, claimed_by = '', "  # noqa: S608
    "claimed_until = NULL, sent_at = %s WHERE id = %s AND claimed_by = %s"
)


def _release(ids, run):
    Alert.objects.filter(pk__in=ids, claimed_by=run, status=Alert.Status.PENDING).update(
        claimed_by="", claimed_until=None
    )


def _renew(run, now):
    Alert.objects.filter(claimed_by=run, status=Alert.Status.PENDING).update(
        claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS)
    )


def _failed(alert, run, subscriber, code, text, report, now):
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    reason = f"{code} {text}".strip()[:300]
    if 400 <= int(code or 0) < 500 and alert.attempts < MAX_ATTEMPTS:
        # Temporary (mailbox full, greylisting): try again later.
        Alert.objects.filter(pk=alert.pk, claimed_by=run).update(
            claimed_by="",
            claimed_until=None,
            failure=reason,
            retry_at=now + datetime.timedelta(minutes=RETRY_MINUTES * alert.attempts),
        )
        report.retry += 1
        return
    _finish(alert, run, Alert.Status.FAILED, failure=reason)
    record_failure(subscriber, reason, now)
    report.failed += 1


def record_failure(subscriber, reason, now):
    """One more email the address could not take; after MAX_FAILURES in a row it stops."""
    failures = subscriber.failures + 1
    Subscriber.objects.filter(pk=subscriber.pk).update(
        failures=F("failures") + 1, last_failure=reason[:300], last_failure_at=now
    )
    if failures >= MAX_FAILURES:
        Subscriber.objects.filter(pk=subscriber.pk, stopped_at__isnull=True).update(stopped_at=now)
    subscriber.failures = failures


# --- Keeping nothing longer than needed ------------------------------------------------


def clean_up(now=None):
    """Delete what is no longer needed; returns {what: how many}."""
    now = now or timezone.now()
    days = datetime.timedelta(days=1)
    deleted = {}
    unconfirmed = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - CONFIRM_DAYS * days
    )
    deleted["unconfirmed sign-ups"] = unconfirmed.delete()[0]
    stopped = Subscriber.objects.filter(stopped_at__lt=now - STOPPED_ADDRESS_DAYS * days)
    deleted["addresses stopped a year ago"] = stopped.delete()[1].get("alerts.Subscriber", 0)
    # An address is deleted with its last subscription.
    deleted["addresses with no subscription"] = Subscriber.objects.filter(
        subscriptions__isnull=True
    ).delete()[0]
    deleted["sign-up counts"] = SignUp.objects.filter(at__lt=now - days).delete()[0]
    finished = ~Q(status=Alert.Status.PENDING)
    deleted["records of emails"] = Alert.objects.filter(
        finished, created_at__lt=now - ALERT_RECORD_DAYS * days
    ).delete()[0]
    deleted["changes"] = Change.objects.filter(created_at__lt=now - CHANGE_DAYS * days).delete()[0]
    return {what: count for what, count in deleted.items() if count}


def send_alerts(mail=None, build_only=False, senders=1):
    """The whole run. Raises MailServerUnavailable when sending had to stop."""
    run = new_run_id()
    report = Report()
    report.deleted = clean_up()
    report.changes = len(find_changes(run))
    report.built = build_alerts(run)
    if not build_only:
        deliver(run, report, mail, senders=senders)
    return report
