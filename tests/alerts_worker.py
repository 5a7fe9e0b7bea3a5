"""Run by tests/test_alerts_concurrency.py in processes of their own, as production runs:
`python tests/alerts_worker.py seed N` makes N confirmed subscribers who have not seen
three newly published programmes; `python tests/alerts_worker.py send [claim seconds]`
runs send_alerts (with a short claim, so a test need not wait five minutes for a
killed run's claim to lapse)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lwrs_site.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402


def seed(count):
    from alerts.changes import find_changes
    from alerts.models import Alert, Change, Lease, ProgrammeState, Subscriber, Subscription
    from programmes.models import Programme

    with transaction.atomic():
        for model in (Alert, Subscription, Subscriber, Change, ProgrammeState, Lease):
            model.objects.all().delete()
        Programme.objects.all().delete()
    find_changes()  # where alerts start
    for i in range(3):
        Programme.objects.create(
            title=f"Concurrent programme {i}", summary="Published for the test.", is_published=True
        )
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"person{i:05d}@example.nhs.uk") for i in range(count)
    )
    from django.utils import timezone

    Subscription.objects.bulk_create(
        Subscription(subscriber=s, confirmed_at=timezone.now(), last_change_id=0)
        for s in subscribers
    )


def send(claim_seconds):
    from alerts import sending

    sending.CLAIM_SECONDS = claim_seconds
    call_command("send_alerts")


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(int(sys.argv[2]))
    else:
        send(float(sys.argv[2]) if len(sys.argv) > 2 else 300)
