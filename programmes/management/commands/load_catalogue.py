from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from programmes.models import Programme
from programmes.revisions import LOADED, catalogue_histories, record_unrecorded

FIXTURE = "lwrs_programmes"


class Command(BaseCommand):
    help = (
        "Load the documented LWRS initiatives into an empty catalogue. "
        "Does nothing when the catalogue already has programmes, so an editor's work "
        "is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would happen; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        existing = Programme.objects.count()
        if existing:
            self.stdout.write(
                f"The catalogue already has {existing} programme(s): nothing loaded, "
                "nothing changed."
            )
            return
        if dry_run:
            self.stdout.write(f"Would load the fixture {FIXTURE!r} into the empty catalogue.")
            return
        with transaction.atomic():
            call_command("loaddata", FIXTURE, verbosity=0)
            # Their first version, by the system: History can always bring back
            # the documented text.
            record_unrecorded(catalogue_histories(apps.get_model), LOADED, timezone.now())
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {Programme.objects.count()} documented programmes.")
            )
