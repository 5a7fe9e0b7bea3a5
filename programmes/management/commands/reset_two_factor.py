"""Reset someone's two-factor sign-in: they set up an authenticator app again at their
next sign-in. For when nobody who could do it in the admin can sign in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from programmes.two_factor import reset_devices


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app and recovery codes. At their next sign-in, "
        "after their password, they set up an authenticator app again (and get new "
        "recovery codes); pages they have open ask them to. Do it only when they ask, "
        "having checked who is asking."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called {username!r}; nothing changed.")
        reset_devices([user])
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} sets up two-factor sign-in again at their next sign-in."
            )
        )
