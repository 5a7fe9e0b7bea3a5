"""The documented initiatives of the seed document, loaded from fixtures/."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.serializers import serialize
from django.utils.text import slugify

from programmes.models import Contact, Partner, Programme

# The source document, kept in the repository (docs/content-sources.md).
SEED = (
    Path(__file__).resolve().parent.parent
    / "docs"
    / "sources"
    / "lwrs-programmes-and-initiatives.txt"
)

TITLES = [
    "London Core Managers Programme",
    "EDI Innovations",
    "WRES Experts Programme",
    "London Anti-Racism Project",
    "London De-bias Recruitment Toolkit",
    "WRES in Primary Care",
    "Calibre Leadership Programme",
    "White Allies Programme",
    "International Medical Graduates",
    "Active Bystander Training",
    "EDI Insights & Analytics",
    "LWRS Evaluation",
]


def snapshot():
    from django.apps import apps

    # The catalogue's records, less the page cache's version token (programmes/cache.py).
    models = [
        m
        for m in apps.get_app_config("programmes").get_models()
        if m.__name__ != "CatalogueVersion"
    ]
    models += [apps.get_model("taggit", "Tag")]
    return {m.__name__: serialize("json", m._default_manager.order_by("pk")) for m in models}


def test_loads_exactly_the_twelve_documented_titles(catalogue):
    assert sorted(Programme.objects.values_list("title", flat=True)) == sorted(TITLES)
    assert Programme.objects.published().count() == 12


def test_titles_are_the_seeds_own(catalogue):
    seed = SEED.read_text(encoding="utf-8")
    for title in TITLES:
        assert f"{title}:" in seed


def test_slugs_are_slugified_titles(catalogue):
    for p in Programme.objects.all():
        assert p.slug == slugify(p.title)


def test_loading_again_changes_nothing(catalogue):
    before = snapshot()
    call_command("load_catalogue", verbosity=0)
    assert snapshot() == before


def test_loaddata_itself_is_repeatable(db):
    call_command("loaddata", "lwrs_programmes", verbosity=0)
    before = snapshot()
    call_command("loaddata", "lwrs_programmes", verbosity=0)
    assert snapshot() == before
    assert Programme.objects.count() == 12


def test_an_editors_change_is_never_overwritten(catalogue):
    p = Programme.objects.get(slug="active-bystander-training")
    p.summary = "Edited by the EDI team."
    p.save()
    call_command("load_catalogue", verbosity=0)
    p.refresh_from_db()
    assert p.summary == "Edited by the EDI team."


def test_seed_facts_are_in_the_data(catalogue):
    toolkit = Programme.objects.get(slug="london-de-bias-recruitment-toolkit")
    assert toolkit.launch_display == "July 2021"
    innovations = Programme.objects.get(slug="edi-innovations")
    assert innovations.launch_display == "October 2022"
    assert "16 bids were approved" in innovations.summary
    assert Programme.objects.get(slug="wres-in-primary-care").launch_display == "March 2023"
    calibre = Programme.objects.get(slug="calibre-leadership-programme")
    assert "disabilities" in calibre.summary  # the seed's "disablities" mended


@pytest.mark.parametrize(
    ("programme", "partner", "role"),
    [
        ("white-allies-programme", "BRAP", "design"),
        ("active-bystander-training", "The Active Bystander Training Company", "delivery"),
        ("active-bystander-training", "NHSE London Equality and Inclusion Programme", "delivery"),
        ("wres-in-primary-care", "London Primary Care Team", "supported"),
        ("london-anti-racism-project", "Greater London Authority (GLA)", "objectives"),
    ],
)
def test_partners_have_their_role(catalogue, programme, partner, role):
    p = Programme.objects.get(slug=programme)
    assert p.partner_roles.get(partner__name=partner).role == role


def test_one_team_mailbox_shared_by_every_programme(catalogue):
    team = Contact.objects.get(email="London.RaceStrategy@nhs.net")
    assert Contact.objects.count() == 1
    assert team.programmes.count() == 12


def test_tags_cover_the_standards(catalogue):
    tagged = {t.lower() for p in Programme.objects.all() for t in p.tags.names()}
    assert {"wres", "wdes", "anti-racism", "leadership", "recruitment", "disability"} <= tagged
    for p in Programme.objects.all():
        assert p.tag_snapshot == ", ".join(sorted(p.tags.names(), key=str.lower))


def test_every_partner_is_involved_in_something(catalogue):
    for partner in Partner.objects.all():
        assert partner.programmes.exists(), partner


# --- Taking part: only what docs/sources/facts.md and the seed say -----------------------------------


def test_taking_part_facts_from_the_sources(catalogue):
    core = Programme.objects.get(slug="london-core-managers-programme")
    assert (core.cost, core.delivery, core.location) == ("Free", "self-directed", "Online")
    assert core.who_can_take_part == "All line managers and supervisors."
    assert core.cta_url == ""  # no sign-up address in any public source
    bystander = Programme.objects.get(slug="active-bystander-training")
    assert bystander.cta_label == "Register your interest by email"
    assert bystander.cta_url == "mailto:London.RaceStrategy@nhs.net"
    assert "directorate or service area" in bystander.how_to_take_part
    assert "How to take part" not in bystander.body  # said once, by the structured fields
    insights = Programme.objects.get(slug="edi-insights-analytics")
    assert "access to the EDI dashboard" in insights.how_to_take_part
    assert insights.who_can_take_part == ""  # who qualifies: unconfirmed
    innovations = Programme.objects.get(slug="edi-innovations")
    assert innovations.availability_on().label == "Closed"  # the October 2022 round is past
    assert "October 2022" in innovations.how_to_take_part


@pytest.mark.parametrize(
    "slug",
    [
        "wres-experts-programme",
        "london-anti-racism-project",
        "wres-in-primary-care",
        "lwrs-evaluation",
    ],
)
def test_nothing_invented_where_nothing_is_known(catalogue, slug):
    from programmes.admin_forms import TAKING_PART_FIELDS

    p = Programme.objects.get(slug=slug)
    assert all(getattr(p, field) == "" for field in TAKING_PART_FIELDS)
    assert p.call_to_action("London.RaceStrategy@nhs.net").label == "Ask the LWRS team"
    assert not p.key_dates.exists()


def test_calibre_borrows_no_other_hosts_format(catalogue):
    calibre = Programme.objects.get(slug="calibre-leadership-programme")
    assert "Deaf or neurodivergent" in calibre.who_can_take_part
    assert (calibre.time_commitment, calibre.delivery, calibre.cost, calibre.location) == ("",) * 4


def test_no_ampersand_in_running_text(catalogue):
    for p in Programme.objects.all():
        for field in ["summary", "body", "who_can_take_part", "how_to_take_part"]:
            assert "&" not in getattr(p, field), (p.slug, field)


def test_every_fact_in_the_fixture_is_valid(catalogue):
    for p in Programme.objects.all():
        p.full_clean()
        for key_date in p.key_dates.all():
            key_date.full_clean()


def test_the_data_migration_holds_the_fixtures_facts(catalogue):
    """Fresh installs (the fixture) and older catalogues (the migration) get the same facts."""
    from importlib import import_module

    migration = import_module("programmes.migrations.0008_taking_part_facts")
    for slug, facts in migration.TAKING_PART.items():
        p = Programme.objects.get(slug=slug)
        for field, value in facts.items():
            assert getattr(p, field) == value, (slug, field)
    for slug, mendings in migration.MENDED.items():
        p = Programme.objects.get(slug=slug)
        for field, _, after in mendings:
            assert getattr(p, field) == after
