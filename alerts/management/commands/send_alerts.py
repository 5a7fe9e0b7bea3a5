"""Email the alerts that are due: run it every few minutes (cron, a scheduler), on as many
servers as you like. See alerts/sending.py for how each alert is sent once."""

from django.core.management.base import BaseCommand, CommandError

from alerts.sending import MailServerUnavailable, send_alerts

MAX_SENDERS = 8  # more connections than most mail relays allow one client


class Command(BaseCommand):
    help = (
        "Find what changed in the catalogue, and email the alerts that are due "
        "(immediately, daily at 8am, weekly on Monday at 8am, London time). Safe to run "
        "often and on several servers at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--build-only",
            action="store_true",
            help="Find changes and queue the alerts that are due, but send nothing yet.",
        )

        parser.add_argument(
            "--senders",
            type=int,
            default=1,
            metavar="N",
            help="On PostgreSQL, send with N connections to the mail server at once (1 to 8; "
            "default 1): two send a large batch faster than one (bench/README.md). SQLite "
            "takes one writer at a time, so it always sends with one.",
        )

    def handle(self, *args, build_only=False, senders=1, **options):
        if not 1 <= senders <= MAX_SENDERS:
            raise CommandError(f"--senders must be from 1 to {MAX_SENDERS}.")
        try:
            report = send_alerts(build_only=build_only, senders=senders)
        except MailServerUnavailable as error:
            raise CommandError(
                f"Stopped sending: the mail server is unavailable ({error}). What was not "
                "sent is kept and sent by the next run."
            ) from error
        for what, count in report.deleted.items():
            self.stdout.write(f"Deleted {count} {what}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.changes} changes found, {report.built} alerts queued, "
                f"{report.sent} sent, {report.failed} failed, {report.retry} to retry later, "
                f"{report.cancelled} cancelled, {report.uncertain} uncertain."
            )
        )
