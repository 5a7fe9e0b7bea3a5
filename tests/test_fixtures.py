"""The documented initiatives of the seed document, loaded from fixtures/."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.serializers import serialize
from django.utils.text import slugify

from programmes.models import Contact, Partner, Programme

SEED = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "seed"
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


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not beside the repository")
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
