"""Named rows that runs hold for the length of a transaction: the database is
the only coordinator between runs of send_alerts on any number of servers."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Lease


def hold(name, holder=""):
    """Hold the lease row `name` until the current transaction ends, and return it.

    Updating the row first takes PostgreSQL's row lock (a second holder waits
    for the first to commit, then reads what it committed) and SQLite's write
    lock (one writer at a time, so what the transaction reads next cannot be
    changed under it by another run)."""
    now = timezone.now()
    if not Lease.objects.filter(name=name).update(holder=holder, held_at=now):
        try:
            with transaction.atomic():
                Lease.objects.create(name=name, holder=holder, held_at=now)
        except IntegrityError:  # made meanwhile by another run: wait for it as above
            Lease.objects.filter(name=name).update(holder=holder, held_at=now)
    return Lease.objects.get(name=name)
