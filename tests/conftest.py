"""Fixtures shared by the tests: the documented catalogue, and small records built on demand."""

import datetime

import pytest
from django.core.management import call_command
from django.utils.text import slugify
from taggit.models import Tag

from programmes.cache import catalogue_changed
from programmes.health import DATABASE
from programmes.models import (
    Audience,
    Contact,
    Partner,
    Programme,
    ProgrammeLink,
    ProgrammePartner,
    TaggedProgramme,
)


@pytest.fixture(autouse=True)
def _searches_counted_in_a_test_stay_in_it():
    """The search log counts in memory (programmes/finder/search_log.py): what one
    test counted must not be written by another, nor to a database at exit."""
    from programmes.finder.search_log import SEARCH_LOG

    yield
    SEARCH_LOG._pending.clear()
    SEARCH_LOG._since = None


@pytest.fixture
def catalogue(db):
    """The 12 documented initiatives, loaded from fixtures/ as `make run` loads them."""
    call_command("load_catalogue", verbosity=0)
    return Programme.objects.all()


@pytest.fixture
def partner(db):
    return Partner.objects.create(
        name="Example Partner Trust",
        slug="example-partner-trust",
        kind=Partner.Kind.NHS_ORGANISATION,
    )


@pytest.fixture
def contact(db):
    return Contact.objects.create(name="Example team", email="example.team@nhs.net")


@pytest.fixture
def audience(db):
    audience, _ = Audience.objects.get_or_create(
        slug="line-managers", defaults={"name": "Line managers and supervisors"}
    )
    return audience


@pytest.fixture
def programme(partner, contact, audience):
    programme = Programme.objects.create(
        title="Example Inclusion Programme",
        summary="A short summary of the example programme.",
        body="First paragraph.\n\n- one\n- two",
        status=Programme.Status.IN_ACTION,
        kind=Programme.Kind.TRAINING,
        launched_on=datetime.date(2021, 7, 1),
        launch_precision=Programme.Precision.MONTH,
        is_published=True,
    )
    programme.audiences.add(audience)
    programme.contacts.add(contact)
    programme.tags.add("WRES", "leadership")
    ProgrammePartner.objects.create(programme=programme, partner=partner, role="delivery")
    ProgrammeLink.objects.create(
        programme=programme, label="Register your interest", url="https://example.org/register"
    )
    return programme


@pytest.fixture
def make_programmes(partner, contact, audience):
    """Build n published programmes in bulk, each with the relations a page shows."""

    def make(n, prefix="Generated programme"):
        programmes = Programme.objects.bulk_create(
            Programme(
                title=f"{prefix} {i:05d}",
                slug=f"{slugify(prefix)}-{i:05d}",
                summary=f"Summary {i}",
                status=Programme.Status.IN_ACTION if i % 3 else Programme.Status.BEING_DEVELOPED,
                kind=Programme.Kind.TRAINING if i % 2 else Programme.Kind.TOOLKIT,
                is_published=True,
            )
            for i in range(n)
        )
        topics = [
            Tag.objects.get_or_create(name=f"topic {i}", slug=f"topic-{i}")[0] for i in range(7)
        ]
        shared, _ = Tag.objects.get_or_create(name="shared topic", slug="shared-topic")
        Programme.audiences.through.objects.bulk_create(
            Programme.audiences.through(programme=p, audience=audience) for p in programmes
        )
        Programme.contacts.through.objects.bulk_create(
            Programme.contacts.through(programme=p, contact=contact) for p in programmes
        )
        TaggedProgramme.objects.bulk_create(
            TaggedProgramme(content_object=p, tag=tag)
            for i, p in enumerate(programmes)
            for tag in (topics[i % 7], shared)
        )
        ProgrammePartner.objects.bulk_create(
            ProgrammePartner(programme=p, partner=partner) for p in programmes
        )
        # The audience and contact tables are Django's own: their bulk_create signals nothing.
        catalogue_changed()
        return programmes

    return make


@pytest.fixture
def editor(db):
    """A member of the "Catalogue editors" group, as `manage.py add_editor` makes one."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        "edna",
        email="edna@nhs.net",
        password="a long passphrase 9",
        first_name="Edna",
        last_name="Editor",
    )
    user.is_staff = True
    user.save()
    if not Group.objects.filter(name="Catalogue editors").exists():
        # A live-server test flushed the tables after an earlier one: make the
        # group again with the data migration's own code.
        from importlib import import_module

        from django.apps import apps

        import_module("programmes.migrations.0003_catalogue_editors_group").create_group(apps, None)
        import_module(
            "programmes.migrations.0006_starter_search_vocabulary"
        ).give_editors_the_vocabulary(apps, None)
        import_module("programmes.migrations.0007_taking_part").let_editors_keep_key_dates(
            apps, None
        )
        import_module(
            "programmes.migrations.0011_catalogue_settings_and_link_checks"
        ).settings_row_and_editors_permissions(apps, None)
        import_module("alerts.migrations.0002_editors_see_alert_counts").let_editors_see_alerts(
            apps, None
        )
    user.groups.add(Group.objects.get(name="Catalogue editors"))
    return user


def sign_in(client, user):
    """Sign `client` in as `user` with both steps done: force_login (the password step;
    django-axes needs the request a real sign-in carries), then a confirmed authenticator
    app recorded in the session as django_otp.login() records it after the code step.
    The production rule is untouched: a session without it reaches no admin page."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def editor_client(client, editor):
    sign_in(client, editor)
    return client


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client (a browser of its own), past the second step too."""
    from django.test import Client

    client = Client()
    sign_in(client, admin_user)
    return client


@pytest.fixture(autouse=True)
def _database_answers():
    """Each test starts with this process believing its database answers: a test
    that made it fail (programmes/health.py) leaves no outage to the next one."""
    DATABASE.reset()
    yield
    DATABASE.reset()


# A real SMTP server for the email alert tests (tests/mailserver.py).
from tests.mailserver import mail_server  # noqa: E402, F401
