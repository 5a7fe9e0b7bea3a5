"""Give every catalogue record saved without history (the documented initiatives,
loaded from the fixture) a first version, made by the system, so their original
text can be restored from History; and give each programme's newest version its
partner roles and links, which versions keep from now on."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations
from django.utils import timezone

from programmes.revisions import catalogue_histories, record_unrecorded

REASON = "saved before its history was kept"

PROGRAMME_CHILDREN = ("partner_roles", "links", "key_dates")


def record(apps, schema_editor):
    record_unrecorded(catalogue_histories(apps.get_model), REASON, timezone.now(), PROGRAMME_CHILDREN)
    Programme = apps.get_model("programmes", "Programme")
    HistoricalProgramme = apps.get_model("programmes", "HistoricalProgramme")
    for programme in Programme.objects.all():
        latest = HistoricalProgramme.objects.filter(id=programme.pk).order_by("-history_id").first()
        if latest is not None and not latest.children:
            latest.children = {
                "partner_roles": [
                    {"id": r.pk, "partner_id": r.partner_id, "role": r.role}
                    for r in programme.partner_roles.order_by("pk")
                ],
                "links": [
                    {"id": r.pk, "label": r.label, "url": r.url, "position": r.position}
                    for r in programme.links.order_by("pk")
                ],
                # Through JSON, as the app stores them: dates and times become text.
                "key_dates": json.loads(
                    json.dumps(
                        [
                            {
                                f.attname: getattr(r, f.attname)
                                for f in r._meta.concrete_fields
                                if f.name != "programme"
                            }
                            for r in programme.key_dates.order_by("pk")
                        ],
                        cls=DjangoJSONEncoder,
                    )
                ),
            }
            latest.save(update_fields=["children"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0009_edit_versions")]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
