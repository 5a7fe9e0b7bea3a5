"""Give someone an editor's account: staff, in the "Catalogue editors" group, nothing more."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

GROUP = "Catalogue editors"


class Command(BaseCommand):
    help = (
        "Create an editor's account (or make an existing account an editor): staff status and "
        f"membership of the “{GROUP}” group, who can add, change and publish catalogue "
        "records but not delete them or manage users. Asks for the password of a new account. "
        "They set up two-factor sign-in (an authenticator app) at their first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's work email address.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would happen; change nothing."
        )

    def handle(self, *args, username, email, dry_run=False, **options):
        User = get_user_model()
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist as error:
            raise CommandError(
                f"The “{GROUP}” group is missing: run `manage.py migrate`."
            ) from error
        user = User.objects.filter(username=username).first()
        if user is not None and user.is_superuser:
            raise CommandError(f"{username} is a superuser already; nothing changed.")
        if dry_run:
            action = "make the existing account" if user else "create the account"
            self.stdout.write(f"Would {action} {username} an editor in “{GROUP}”.")
            return
        password = None
        if user is None:
            password = self._ask_password(User(username=username, email=email))
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(username=username, email=email, password=password)
            elif email:
                user.email = email
            user.is_staff = True
            user.save()
            user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(f"{username} is an editor: they can sign in at /admin/.")
        )
        self.stdout.write(
            "Signing in takes two steps: the password, then a 6-digit code from an "
            "authenticator app on their phone (Microsoft Authenticator, Google Authenticator "
            "or similar). At their first sign-in they set the app up and get recovery codes; "
            "they can do nothing else until then. If they lose their phone and their codes, "
            f"a superuser resets it: Users > select {username} > “Reset two-factor sign-in”, "
            f"or `manage.py reset_two_factor {username}`."
        )

    def _ask_password(self, user):
        for _attempt in range(3):
            password = getpass.getpass(f"Password for {user.username}: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("No acceptable password given; nothing changed.")
