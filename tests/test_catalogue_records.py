"""Every model whose rows public pages show keeps those pages and the finder's index
current, without anyone listing it by hand: it subclasses CatalogueRecord
(programmes/models.py), whose saves, deletes, relation changes and changes in bulk
all make a new catalogue version. A model of the project that is not one must be
declared here as never shown, with the reason."""

import datetime

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import F
from simple_history.models import HistoricalChanges
from taggit.models import Tag

from programmes.models import (
    CATALOGUE_RECORDS_ELSEWHERE,
    Audience,
    CatalogueQuerySet,
    CatalogueSettings,
    CatalogueVersion,
    Contact,
    KeyDate,
    Partner,
    Programme,
    ProgrammeLink,
    ProgrammePartner,
    ProgrammeSlug,
    TaggedProgramme,
    VocabularyGroup,
    catalogue_models,
)

RECORDS, RELATIONS = catalogue_models()

# Models of the project that no public page shows, and why.
NEVER_SHOWN = {
    "programmes.CatalogueVersion": "the version itself",
    "programmes.SearchCount": "what staff searched for: the admin's only",
    "programmes.LinkCheck": "the link checker's findings: the admin's only",
    "taggit.TaggedItem": "taggit's generic tagged item: programmes' topics are TaggedProgramme",
    "alerts.Subscriber": "an alert's recipient: private",
    "alerts.Subscription": "what someone follows: private",
    "alerts.SubscribersPerFilter": "the admin's view of subscriptions",
    "alerts.Change": "what alerts report, read from the catalogue",
    "alerts.ProgrammeState": "the alerts' own copy of the catalogue, to find changes",
    "alerts.Lease": "which process sends alerts",
    "alerts.Alert": "an email to send: private",
    "alerts.SignUp": "sign-up counts, to stop floods: private",
}
OUR_APPS = {"programmes", "alerts", "taggit"}


def test_every_model_is_a_catalogue_record_or_declared_never_shown():
    undeclared = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in OUR_APPS:
            continue
        if issubclass(model, HistoricalChanges):  # edit history: the admin's only
            continue
        if model in RECORDS or model in RELATIONS or model._meta.label in NEVER_SHOWN:
            continue
        undeclared.append(model._meta.label)
    assert not undeclared, (
        f"{undeclared}: if public pages show its rows (or they change what pages show), "
        "make it a programmes.models.CatalogueRecord; otherwise add it to NEVER_SHOWN here."
    )
    assert not {m._meta.label for m in RECORDS} & set(NEVER_SHOWN)
    for label in NEVER_SHOWN:
        apps.get_model(label)  # no name left over from a model that went


def test_the_catalogue_records_are_those_public_pages_show():
    # The list the hand-written one held before the registry, so nothing fell out.
    assert {m._meta.label for m in RECORDS} == {
        "programmes.Programme",
        "programmes.Partner",
        "programmes.Contact",
        "programmes.Audience",
        "programmes.ProgrammePartner",
        "programmes.ProgrammeLink",
        "programmes.KeyDate",
        "programmes.ProgrammeSlug",
        "taggit.Tag",
        "programmes.TaggedProgramme",
        "programmes.VocabularyGroup",
        "programmes.CatalogueSettings",
    }
    assert {m._meta.label for m in RELATIONS} == {
        "programmes.Programme_audiences",
        "programmes.Programme_contacts",
    }


def test_changes_in_bulk_go_through_the_catalogue_queryset():
    for model in RECORDS:
        if model in CATALOGUE_RECORDS_ELSEWHERE:
            continue  # taggit's own manager: see CATALOGUE_RECORDS_ELSEWHERE
        assert issubclass(model._default_manager._queryset_class, CatalogueQuerySet), model


# --- Each record's changes make a new version ------------------------------------


def version():
    return CatalogueVersion.objects.get(pk=1).token


@pytest.fixture
def one_of_each(programme):
    """A row of every catalogue record that nothing else refers to (so it can be
    deleted), made last: the newest of its model."""
    Tag.objects.create(name="Unused topic", slug="unused-topic")
    draft = Programme.objects.create(title="Unused draft", summary="s")
    ProgrammeSlug.objects.create(programme=draft, slug="unused-old-address")
    ProgrammePartner.objects.create(
        programme=draft, partner=Partner.objects.create(name="Role partner", slug="role-partner")
    )
    ProgrammeLink.objects.create(programme=draft, label="Unused link", url="https://example.org/")
    KeyDate.objects.create(
        programme=draft, label="Unused date", starts_on=datetime.date(2030, 1, 1)
    )
    TaggedProgramme.objects.create(content_object=draft, tag=Tag.objects.get(slug="wres"))
    Partner.objects.create(name="Unused partner", slug="unused-partner")
    Contact.objects.create(name="Unused contact", email="unused@nhs.net")
    Audience.objects.create(name="Unused audience", slug="unused-audience")
    VocabularyGroup.objects.create(terms="unused, not used")
    CatalogueSettings.load()
    Tag.objects.create(name="Another unused topic", slug="another-unused-topic")
    version()  # the version exists


@pytest.mark.parametrize("label", sorted(m._meta.label for m in RECORDS))
def test_saving_updating_and_deleting_each_record_makes_a_new_version(one_of_each, label):
    model = apps.get_model(label)
    row = model._default_manager.order_by("-pk").first()
    assert row is not None, f"give {label} a row in the one_of_each fixture"

    before = version()
    row.save()
    assert version() != before, "save"

    if model not in CATALOGUE_RECORDS_ELSEWHERE:
        field = next(f for f in model._meta.concrete_fields if not f.primary_key)
        before = version()
        model._default_manager.filter(pk=row.pk).update(**{field.attname: F(field.attname)})
        assert version() != before, "update()"

    before = version()
    with transaction.atomic():
        model._default_manager.filter(pk=row.pk).delete()
        assert version() != before, "delete()"
        transaction.set_rollback(True)


def test_bulk_create_makes_a_new_version(programme):
    before = version()
    KeyDate.objects.bulk_create(
        [KeyDate(programme=programme, label="In bulk", starts_on=datetime.date(2030, 1, 1))]
    )
    assert version() != before
    before = version()
    dates = list(KeyDate.objects.filter(label="In bulk"))
    dates[0].label = "Changed in bulk"
    KeyDate.objects.bulk_update(dates, ["label"])
    assert version() != before


@pytest.mark.parametrize("label", sorted(m._meta.label for m in RELATIONS))
def test_each_relation_table_change_makes_a_new_version(programme, label):
    through = apps.get_model(label)
    field = next(
        f
        for model in RECORDS
        for f in model._meta.local_many_to_many
        if f.remote_field.through is through
    )
    row = field.model._default_manager.first()
    other = field.related_model._default_manager.create(
        **{
            "Audience": {"name": "New audience", "slug": "new-audience"},
            "Contact": {"name": "New contact", "email": "new@nhs.net"},
        }[field.related_model.__name__]
    )
    relation = getattr(row, field.name)
    for change in (relation.add, relation.remove):
        before = version()
        change(other)
        assert version() != before, change.__name__
