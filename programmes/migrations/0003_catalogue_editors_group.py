"""The "Catalogue editors" group: add, change and view the catalogue and its tags.

No delete (editors close a programme instead), and nothing on users, groups,
history tables or anything else.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Catalogue editors"
MODELS = {
    "programmes": ["programme", "partner", "contact", "audience", "programmepartner", "programmelink"],
    "taggit": ["tag"],
}
ACTIONS = ["add", "change", "view"]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure they exist now, on a fresh database too.
    for label in MODELS:
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True  # a migration's app stub has none
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        (label, f"{action}_{model}") for label, models in MODELS.items() for model in models for action in ACTIONS
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codename in wanted
    ]
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_tag_snapshot_in_history"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
