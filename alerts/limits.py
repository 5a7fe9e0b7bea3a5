"""Limits on sign-ups, so nobody can flood an inbox with confirmation emails or
the site with sign-ups: at most ADDRESS_LIMIT an hour for one address, and
CLIENT_LIMIT an hour from one network address.

Counted in the database (SignUp rows), so every worker and server shares the
count. Each row keeps keyed digests (HMAC with the site's secret), never the
address or the network address: a day later it is deleted (sending.clean_up).
"""

import datetime
import hashlib
import hmac

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.utils import timezone

from .models import SignUp

ADDRESS_LIMIT = 3
CLIENT_LIMIT = 10
WINDOW = datetime.timedelta(hours=1)

ADDRESS_MESSAGE = (
    "We have already sent {limit} emails to this address in the last hour. To protect "
    "that inbox we will not send another for up to an hour. Look for the email we sent "
    "(check your junk or spam folder), or try again later."
)
CLIENT_MESSAGE = (
    "There have been too many sign-ups from your network in the last hour, so we have "
    "stopped taking them for a while. Try again in an hour, or email "
    "London.RaceStrategy@nhs.net."
)


def _digest(kind, value):
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"alerts-{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def refused(request, address):
    """The reason a sign-up is refused now, or "" (then it is counted)."""
    now = timezone.now()
    address_key = _digest("address", address.strip().lower())
    client_key = _digest("client", get_client_ip_address(request) or "unknown")
    recent = SignUp.objects.filter(at__gt=now - WINDOW)
    if recent.filter(client=client_key).count() >= CLIENT_LIMIT:
        return CLIENT_MESSAGE
    if recent.filter(address=address_key).count() >= ADDRESS_LIMIT:
        return ADDRESS_MESSAGE.format(limit=ADDRESS_LIMIT)
    SignUp.objects.create(at=now, address=address_key, client=client_key)
    return ""
