"""The signed links in alert emails: no account, no password, no cookie.

Each names a record and its subscriber's random key, signed with the site's
secret (Django's signing): a link cannot be forged or altered, and once the
subscriber's data is deleted (or they sign up afresh, with a new key) their
old links mean nothing. Confirmation links expire after CONFIRM_DAYS;
unsubscribe and manage links work as long as the subscription does.
"""

import datetime

from django.core import signing

from .models import CONFIRM_DAYS, Subscriber, Subscription

CONFIRM = "alerts.confirm"
UNSUBSCRIBE = "alerts.unsubscribe"
MANAGE = "alerts.manage"


class Expired(Exception):
    """A confirmation link older than CONFIRM_DAYS."""


def _value(pk, key):
    return f"{pk}-{key}"


def confirm_token(subscription):
    return signing.TimestampSigner(salt=CONFIRM).sign(
        _value(subscription.pk, subscription.subscriber.key)
    )


def unsubscribe_token(subscription_id, key):
    return signing.Signer(salt=UNSUBSCRIBE).sign(_value(subscription_id, key))


def manage_token(subscriber):
    return signing.Signer(salt=MANAGE).sign(_value(subscriber.pk, subscriber.key))


def _split(value):
    pk, _, key = value.partition("-")
    if not pk.isdigit() or len(pk) > 18 or not key:
        raise signing.BadSignature("malformed")
    return int(pk), key


def _subscription(value):
    pk, key = _split(value)
    return (
        Subscription.objects.select_related("subscriber").filter(pk=pk, subscriber__key=key).first()
    )


def subscription_to_confirm(token):
    """The subscription a confirmation link names, or None when it is gone.
    Raises Expired, or signing.BadSignature for a link that was altered."""
    signer = signing.TimestampSigner(salt=CONFIRM)
    try:
        value = signer.unsign(token, max_age=datetime.timedelta(days=CONFIRM_DAYS))
    except signing.SignatureExpired as error:
        raise Expired from error
    return _subscription(value)


def subscription_to_cancel(token):
    """The subscription an unsubscribe link names, or None when it is gone already."""
    return _subscription(signing.Signer(salt=UNSUBSCRIBE).unsign(token))


def subscriber_to_manage(token):
    pk, key = _split(signing.Signer(salt=MANAGE).unsign(token))
    return Subscriber.objects.filter(pk=pk, key=key).first()
