"""The address a request came from, as the sign-in lockout (django-axes) counts it.

Behind the production proxy (DJANGO_BEHIND_TLS_PROXY), REMOTE_ADDR is the proxy's
own address: counting failures against it would let anyone lock every editor out.
Each proxy appends the address it received the connection from to
X-Forwarded-For, so the client is the entry the first trusted proxy wrote: the
TRUSTED_PROXY_COUNT-th from the right. Entries further left were sent by the client
and prove nothing (anyone can send "X-Forwarded-For: 10.0.0.1"), so they are never
read. Without the setting, X-Forwarded-For is ignored altogether.

Why not django-ipware, which django-axes can use: its 8.x engine counts only the
proxies listed in the header (one fewer than those in front of the app) and, for
some orders and counts, prefers a publicly routable entry wherever it stands, which
can be one the client wrote. The rule here is the one every proxy documents.
"""

import ipaddress

from django.conf import settings


def _address(text):
    """An IP address, without the port some proxies add ("192.0.2.1:5000", "[2001:db8::1]:5000")."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request):
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_TLS_PROXY:
        return remote
    forwarded = request.headers.get("x-forwarded-for", "").split(",")
    count = settings.TRUSTED_PROXY_COUNT
    if len(forwarded) < count or not forwarded[0].strip():
        # Not through every trusted proxy (a health check from inside, say).
        return remote
    return _address(forwarded[-count]) or remote
