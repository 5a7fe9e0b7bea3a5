"""Backup and restore as the README documents them: every row comes back equal."""

import datetime
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from programmes.models import Partner, Programme
from tests.production import manage, production_env

# The README's backup command: `manage.py dumpdata` with these arguments.
# Not --natural-primary: django-taggit gives tagged items a natural key that does
# not name one row (the tagged object's id, or nothing for our TaggedProgramme),
# so a restore loses tags or fails.
BACKUP_ARGS = [
    "--natural-foreign",  # content types and permissions by name: their ids differ between databases
    "--exclude=contenttypes",
    "--exclude=auth.permission",  # both made again by `migrate`
    "--exclude=sessions",
    "--exclude=axes",  # login-throttling records: short-lived, not worth restoring
    "--format=xml",  # keeps timestamps to the microsecond (JSON keeps milliseconds)
]
NOT_BACKED_UP = {"contenttypes", "sessions", "axes"}
REMADE_BY_MIGRATE = {"auth.permission"}


def natural(model, pk):
    """A related row as the backup names it: by natural key where it has one."""
    if pk is None or model._meta.label_lower in {"contenttypes.contenttype", "auth.permission"}:
        obj = model._base_manager.filter(pk=pk).first()
        return tuple(obj.natural_key()) if obj else pk
    return pk


def every_row():
    """Each backed-up table's rows as plain values, related rows named as the backup names them."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in NOT_BACKED_UP or label in REMADE_BY_MIGRATE:
            continue
        table = {}
        for obj in model._base_manager.all():
            row = {}
            for field in model._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if field.is_relation and field.related_model is not None:
                    value = natural(field.related_model, value)
                row[field.attname] = value
            for field in model._meta.many_to_many:
                if field.remote_field.through._meta.auto_created:
                    related = getattr(obj, field.name).values_list("pk", flat=True)
                    row[field.name] = sorted(
                        (natural(field.related_model, pk) for pk in related), key=repr
                    )
            table[obj.pk] = row
        rows[label] = table
    return rows


@pytest.fixture
def edited_catalogue(db):
    """The documented catalogue after some editing: history, an old slug, an editor, tags.

    Everything happens inside the test's transaction, rolled back after it: the
    restore tests empty the database with `flush` and fill it again, and nothing
    of it is ever committed (committed rows would leave the PostgreSQL planner
    statistics that later tests never expect).
    """
    call_command("load_catalogue", verbosity=0)
    editors, _ = Group.objects.get_or_create(name="Catalogue editors")
    editors.permissions.add(*Permission.objects.filter(codename__endswith="_programme"))
    editor = User.objects.create_user("editor", "editor@nhs.net", "a long test password")
    editor.groups.add(editors)

    programme = Programme.objects.get(slug="active-bystander-training")
    programme._history_user = editor
    programme.slug = "active-bystander-training-for-all"
    programme.summary = "Edited: “curly quotes”, an é, and a tab\there."
    programme.last_reviewed_on = datetime.date(2025, 3, 1)
    programme.save()
    programme.tags.add("backup-test", "WRES")
    partner = Partner.objects.get(slug="brap")
    partner._history_user = editor
    partner.description = "Edited description."
    partner.save()
    draft = Programme.objects.create(title="A draft", summary="Not yet public.", is_published=False)
    draft.replaced_by = programme
    draft.save()
    yield
    # flush made content types afresh with new ids; the rollback brings back the old.
    ContentType.objects.clear_cache()


def empty_the_database():
    """As a new database after `migrate`: flush empties every table, then makes the
    content types and permissions again."""
    # PostgreSQL will not empty a table with foreign key checks still pending
    # in this transaction: run them now.
    connection.check_constraints()
    call_command("flush", "--no-input", verbosity=0)
    assert not Programme.objects.exists()
    assert not User.objects.exists()


def test_dumpdata_then_loaddata_into_an_empty_database_restores_every_row(
    edited_catalogue, tmp_path
):
    before = every_row()
    assert len(before["programmes.programme"]) == 13
    assert before["programmes.programmeslug"]
    assert before["programmes.historicalprogramme"]
    assert len(before["programmes.taggedprogramme"]) > 30

    backup = tmp_path / "lwrs-backup.xml.gz"
    call_command("dumpdata", *BACKUP_ARGS, f"--output={backup}", verbosity=0)
    assert backup.stat().st_size > 1000

    empty_the_database()

    call_command("loaddata", str(backup), verbosity=0)
    after = every_row()
    # The catalogue version is a token that every change replaces, loading rows
    # included: a restored database gets a token of its own, so no worker can
    # serve a page it cached before the restore.
    assert after.pop("programmes.catalogueversion").keys() == {1}
    before.pop("programmes.catalogueversion")
    for label in before:
        assert after[label].keys() == before[label].keys(), label
        for pk, old in before[label].items():
            new = after[label][pk]
            assert new == old, (label, {k: (old[k], new[k]) for k in old if new[k] != old[k]})

    # And the site works on it: tags and old addresses are back.
    programme = Programme.objects.get(slug="active-bystander-training-for-all")
    assert {"backup-test", "WRES"} <= set(programme.tags.names())
    assert Programme.objects.filter(old_slugs__slug="active-bystander-training").exists()
    assert User.objects.get(username="editor").has_perm("programmes.change_programme")


def test_timestamps_survive_to_the_microsecond(edited_catalogue, tmp_path):
    Programme.objects.filter(slug="white-allies-programme").update(
        updated_at=datetime.datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
    )
    backup = tmp_path / "backup.xml"
    call_command("dumpdata", *BACKUP_ARGS, f"--output={backup}", verbosity=0)
    empty_the_database()
    call_command("loaddata", str(backup), verbosity=0)
    restored = Programme.objects.get(slug="white-allies-programme").updated_at
    assert restored.microsecond == 123456


def pg_tool(name):
    found = shutil.which(name) or sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1] if isinstance(found, list) else found) if found else None


def table_contents(dsn):
    """Every table of the public schema, every row, as PostgreSQL prints it."""
    script = (
        "SELECT format('COPY (SELECT * FROM %I ORDER BY 1) TO STDOUT;', tablename) "
        "FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    psql = pg_tool("psql")
    copies = subprocess.run(
        [psql, "-X", "-At", "-d", dsn, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return subprocess.run(
        [psql, "-X", "-d", dsn, "-c", copies.replace("\n", " ")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="pg_dump needs PostgreSQL: run under scripts/with-postgres (CI does)",
)
def test_pg_dump_then_pg_restore_into_an_empty_database_restores_every_row(tmp_path):
    # pg_dump sees committed rows only: this test fills a database of its own
    # (migrate and load_catalogue, as production does) and leaves the test
    # database alone.
    settings = connection.settings_dict
    server = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    suffix = secrets.token_hex(4)
    source_name, target_name = f"lwrs_backup_{suffix}", f"lwrs_restored_{suffix}"
    source, target = f"{server}/{source_name}", f"{server}/{target_name}"
    maintenance = f"--maintenance-db={server}/postgres"
    backup = tmp_path / "lwrs.dump"
    subprocess.run([pg_tool("createdb"), maintenance, source_name], check=True)
    try:
        env = production_env(DATABASE_URL=source)
        for command in (["migrate", "--no-input"], ["load_catalogue"]):
            result = manage(*command, env=env)
            assert result.returncode == 0, result.stderr
        # The README's commands.
        subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={backup}", source],
            check=True,
        )
        subprocess.run([pg_tool("createdb"), maintenance, target_name], check=True)
        subprocess.run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={target}",
                str(backup),
            ],
            check=True,
        )
        original = table_contents(source)
        assert "Active Bystander Training" in original
        assert table_contents(target) == original
    finally:
        for name in (target_name, source_name):
            subprocess.run([pg_tool("dropdb"), "--if-exists", maintenance, name], check=True)
