"""Migration 0007 fills the documented initiatives' taking-part facts into a catalogue
loaded before they existed, and never overwrites what an editor wrote."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programmes", "0007_taking_part")]
AFTER = [("programmes", "0008_taking_part_facts")]


@pytest.fixture
def old_catalogue(transactional_db):
    """The catalogue as 0006 left it: the documented initiatives, no taking-part facts."""
    call_command("load_catalogue", verbosity=0)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Programme = apps.get_model("programmes", "Programme")
    Programme.objects.update(
        who_can_take_part="",
        how_to_take_part="",
        cta_label="",
        cta_url="",
        availability="",
        cost="",
        delivery="",
        location="",
    )
    from importlib import import_module

    migration = import_module("programmes.migrations.0008_taking_part_facts")
    for slug, mendings in migration.MENDED.items():
        for field, before, _ in mendings:
            Programme.objects.filter(slug=slug).update(**{field: before})
    yield apps
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    return executor.loader.project_state(AFTER).apps


def test_fills_empty_fields_of_the_documented_programmes(old_catalogue):
    apps = migrate_forward()
    Programme = apps.get_model("programmes", "Programme")
    core = Programme.objects.get(slug="london-core-managers-programme")
    assert (core.cost, core.delivery) == ("Free", "self-directed")
    bystander = Programme.objects.get(slug="active-bystander-training")
    assert bystander.cta_label == "Register your interest by email"
    assert "## How to take part" not in bystander.body
    assert "&" not in Programme.objects.get(slug="lwrs-evaluation").summary


def test_never_overwrites_an_editors_text(old_catalogue):
    Programme = old_catalogue.get_model("programmes", "Programme")
    Programme.objects.filter(slug="london-core-managers-programme").update(
        cost="£10, paid by your trust", summary="Edited summary & more."
    )
    Programme.objects.filter(slug="active-bystander-training").update(body="Our own body text.")
    Programme.objects.filter(slug="lwrs-evaluation").update(summary="Ours & theirs.")
    apps = migrate_forward()
    Programme = apps.get_model("programmes", "Programme")
    core = Programme.objects.get(slug="london-core-managers-programme")
    assert core.cost == "£10, paid by your trust"
    assert core.delivery == "self-directed"  # an empty field is still filled
    assert Programme.objects.get(slug="active-bystander-training").body == "Our own body text."
    assert Programme.objects.get(slug="lwrs-evaluation").summary == "Ours & theirs."


def test_only_programmes_with_the_documented_slug(old_catalogue):
    Programme = old_catalogue.get_model("programmes", "Programme")
    Programme.objects.filter(slug="london-core-managers-programme").update(slug="renamed-by-editor")
    apps = migrate_forward()
    renamed = apps.get_model("programmes", "Programme").objects.get(slug="renamed-by-editor")
    assert renamed.cost == ""


def test_cached_pages_go_stale(old_catalogue):
    CatalogueVersion = old_catalogue.get_model("programmes", "CatalogueVersion")
    before = CatalogueVersion.objects.get(pk=1).token if CatalogueVersion.objects.exists() else None
    apps = migrate_forward()
    assert apps.get_model("programmes", "CatalogueVersion").objects.get(pk=1).token != before
