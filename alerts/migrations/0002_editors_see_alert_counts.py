from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Catalogue editors"


def let_editors_see_alerts(apps, schema_editor):
    """Editors see how many subscribe to each filter and what was sent when, never
    who: the admin (alerts/admin.py) shows addresses to superusers only."""
    app_config = apps.get_app_config("alerts")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True  # a migration's app stub has none
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="alerts",
            codename__in=["view_alert", "view_subscribersperfilter"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("programmes", "0003_catalogue_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(let_editors_see_alerts, migrations.RunPython.noop)]
