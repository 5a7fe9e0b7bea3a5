"""Email alerts: who asked for them, what they follow, what changed, what was sent.

Nothing about a person is kept but their email address: no name, no browser,
no network address (sign-up counts keep a keyed digest of the address and of
the network address for a day, to stop floods: alerts/limits.py). A subscriber
with no subscriptions left is deleted with everything that named them.
"""

import datetime
import secrets

from django.db import models
from django.db.models.functions import Lower

from programmes.models import Programme
from programmes.taking_part import LONDON

# Digests go out at this hour, London time: daily ones every day, weekly ones on Mondays.
DIGEST_HOUR = 8
WEEKLY_DIGEST_DAY = 0  # Monday
# How long a confirmation link works, and how long an unconfirmed sign-up is kept.
CONFIRM_DAYS = 7
# Emails in a row that failed before an address stops being mailed.
MAX_FAILURES = 3


def new_key():
    return secrets.token_urlsafe(12)


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "As soon as something changes"
    DAILY = "daily", "Once a day"
    WEEKLY = "weekly", "Once a week"

    @property
    def explained(self):
        return {
            "immediately": "within an hour of a change",
            "daily": "at most one email a day, at 8am",
            "weekly": "at most one email a week, on Monday at 8am",
        }[self.value]


def next_due(frequency, after):
    """When a digest of `frequency` is next due after the moment `after`: the next
    8am in London (daily), or the next Monday 8am (weekly). None for "immediately":
    every run of send_alerts sends those."""
    if frequency == Frequency.IMMEDIATELY:
        return None
    day = after.astimezone(LONDON).date()
    if frequency == Frequency.WEEKLY:
        day += datetime.timedelta(days=(WEEKLY_DIGEST_DAY - day.weekday()) % 7)
    step = datetime.timedelta(days=7 if frequency == Frequency.WEEKLY else 1)
    while True:
        # Built from the London date and hour, so it stays 8am across clock changes.
        due = datetime.datetime.combine(day, datetime.time(DIGEST_HOUR), tzinfo=LONDON)
        if due > after:
            return due
        day += step


class Subscriber(models.Model):
    """An email address that asked for alerts. Deleted with its last subscription."""

    email = models.EmailField(max_length=254)
    # In every link we send: when the subscriber is deleted, so are their links'
    # meaning (signing up again makes a new key, and old links stay dead).
    key = models.CharField(max_length=32, default=new_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    failures = models.PositiveSmallIntegerField(
        default=0, help_text="Emails in a row that could not be delivered."
    )
    last_failure = models.CharField(max_length=300, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(
        "stopped mailing on",
        null=True,
        blank=True,
        help_text=f"Set after {MAX_FAILURES} failed emails in a row: nothing more is sent "
        "until the address signs up again and confirms.",
    )

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.email


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, now, newest_change):
        """Confirmed subscriptions of addresses still mailed, that send_alerts must look
        at now: "immediately" ones with changes they have not seen, and digests whose
        time has come (with or without changes: their next time is set either way)."""
        return self.confirmed().filter(
            models.Q(due_at__isnull=True, last_change_id__lt=newest_change)
            | models.Q(due_at__lte=now),
            subscriber__stopped_at__isnull=True,
        )


class Subscription(models.Model):
    """What one address follows: a catalogue search with filters (`query`, the
    catalogue's parameters, normalised), or one programme; and how often."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    query = models.CharField(
        "search and filters",
        max_length=2000,
        blank=True,
        help_text="The catalogue's parameters (alerts/queries.py); empty for every programme.",
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Set when the subscription follows this one programme.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency, default=Frequency.IMMEDIATELY)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The newest Change this subscription has been sent (or found nothing in).
    last_change_id = models.BigIntegerField(default=0)
    # The next digest (daily, weekly); None for "immediately".
    due_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "query"],
                condition=models.Q(programme__isnull=True),
                name="subscription_to_a_search_once",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "programme"],
                condition=models.Q(programme__isnull=False),
                name="subscription_to_a_programme_once",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values),
                name="subscription_frequency_valid",
            ),
        ]
        indexes = [models.Index(fields=["confirmed_at", "due_at"], name="subscription_due")]

    def __str__(self):
        return f"Subscription {self.pk}"


class Change(models.Model):
    """Something subscribers may hear about, found by alerts/changes.py."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Newly published"
        AVAILABILITY = "availability", "Availability changed"
        KEY_DATES = "key-dates", "Key dates changed"
        UPDATED = "updated", "Updated"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"


class ProgrammeState(models.Model):
    """What alerts last knew of a programme, to find what changed since (alerts/changes.py)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    published = models.BooleanField()
    availability = models.CharField(max_length=300)
    key_dates = models.JSONField(default=list)
    content = models.JSONField(default=dict)  # field name -> digest of its text

    def __str__(self):
        return f"State of programme {self.programme_id}"


class Lease(models.Model):
    """A named row that runs of send_alerts (and confirmations) hold while they
    find changes or build emails: the database is the only coordinator."""

    name = models.CharField(max_length=20, primary_key=True)
    holder = models.CharField(max_length=40, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    # For "changes": the catalogue version and the newest programme history record
    # looked at by the last search for changes.
    version = models.CharField(max_length=80, blank=True)
    history_id = models.BigIntegerField(default=0)

    def __str__(self):
        return self.name


class Alert(models.Model):
    """One email of alerts, to one subscription: the outbox send_alerts delivers
    from, and the record of what was sent when (kept ALERT_RECORD_DAYS)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNCERTAIN = "uncertain", "May not have been sent"
        CANCELLED = "cancelled", "Not sent: unsubscribed or stopped"

    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    # Copies, so the record says what was sent once the subscriber has left.
    query = models.CharField("search and filters", max_length=2000, blank=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    frequency = models.CharField(max_length=20, choices=Frequency)
    changes = models.JSONField(default=list)  # Change ids
    programmes = models.JSONField(default=list)  # Programme ids, in the email's order
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "email sent"
        verbose_name_plural = "emails sent"
        indexes = [
            models.Index(fields=["status", "claimed_by"], name="alert_outbox"),
            models.Index(fields=["created_at"], name="alert_created"),
        ]

    def __str__(self):
        return f"Alert {self.pk}"


class SignUp(models.Model):
    """A sign-up asked for, counted to limit floods (alerts/limits.py). Keyed
    digests only, never the address or network address itself; kept a day."""

    at = models.DateTimeField(db_index=True)
    address = models.CharField(max_length=64)
    client = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"], name="signup_address"),
            models.Index(fields=["client", "at"], name="signup_client"),
        ]

    def __str__(self):
        return f"Sign-up at {self.at}"


class SubscribersPerFilter(Subscription):
    """The admin's page of how many subscribe to each search, filter or programme
    (no addresses): alerts/admin.py."""

    class Meta:
        proxy = True
        verbose_name = "subscribers per filter"
        verbose_name_plural = "subscribers per filter"
