"""The documented initiatives' taking-part facts, for catalogues loaded before they existed.

Fills a field only where it is empty and only on the programme with the
documented slug: an editor's text is never overwritten. Two plain-English
mendings (an "&" in running text, and a "How to take part" section now shown
from the structured fields) change a text only while it is exactly the text
the fixture first loaded. fixtures/lwrs_programmes.json has the same facts for
fresh installs; docs/content-sources.md gives the public source of each.
"""

import uuid

from django.db import migrations
from django.utils import timezone

TEAM = "London.RaceStrategy@nhs.net"

TAKING_PART = {
    "london-core-managers-programme": {
        "who_can_take_part": "All line managers and supervisors.",
        "cost": "Free",
        "delivery": "self-directed",
        "location": "Online",
    },
    "edi-innovations": {
        "who_can_take_part": (
            "London NHS trusts and integrated care boards or systems (ICB/ICSs), "
            "bidding as organisations."
        ),
        "how_to_take_part": (
            "Organisations bid for funding. The only round we know of was in October 2022, "
            "when 16 bids were approved. Ask the LWRS team whether another round is planned."
        ),
        "availability": "closed",
    },
    "london-de-bias-recruitment-toolkit": {
        "who_can_take_part": "Everyone involved in recruiting and selecting NHS staff in London.",
    },
    "calibre-leadership-programme": {
        "who_can_take_part": (
            "Staff who are disabled, Deaf or neurodivergent, or who have a long-term physical "
            "or mental health condition."
        ),
    },
    "white-allies-programme": {
        "who_can_take_part": "White senior leaders.",
    },
    "international-medical-graduates": {
        "who_can_take_part": (
            "NHS trusts, for the international medical graduates (IMGs) they employ, "
            "especially doctors outside national training programmes."
        ),
        "availability": "organisations",
        "cta_label": "Go to the induction programme on e-Learning for Healthcare",
        "cta_url": (
            "https://www.e-lfh.org.uk/programmes/"
            "nhs-induction-programme-for-international-medical-graduates/"
        ),
    },
    "active-bystander-training": {
        "who_can_take_part": (
            "Staff of NHS trusts and arm's-length bodies in London, and of NHS England's "
            "regional teams."
        ),
        "how_to_take_part": (
            "Email the LWRS team with your directorate or service area, and the names and "
            "email addresses of the people who want to take part."
        ),
        "cta_label": "Register your interest by email",
        "cta_url": f"mailto:{TEAM}",
    },
    "edi-insights-analytics": {
        "how_to_take_part": "Email the LWRS team to ask for access to the EDI dashboard.",
        "cta_label": "Ask for access to the dashboard by email",
        "cta_url": f"mailto:{TEAM}",
    },
}

BYSTANDER_INTRO = (
    "The training delivers recommendation 8 of the London Workforce Race Strategy. It is "
    "offered to trusts and arm's-length bodies in London, and has been extended to NHS England "
    "regional teams. Every delegate gets a toolkit they can use on their phone."
)

# (field, the text as the fixture first loaded it, the text now)
MENDED = {
    "active-bystander-training": [
        (
            "body",
            BYSTANDER_INTRO + "\n\n## How to take part\n\nTo register your interest, email "
            f"[{TEAM}](mailto:{TEAM}) with:\n\n- your directorate or service area\n"
            "- the names and email addresses of the people who want to take part",
            BYSTANDER_INTRO,
        )
    ],
    "edi-insights-analytics": [
        (
            "summary",
            "The Equality & Inclusion team developed an EDI dashboard which supports the analysis "
            "of the WRES, WDES and other data, to help us understand trends and identify priorities "
            f"for London. To access the EDI dashboard please contact {TEAM}.",
            "The Equality and Inclusion team developed an EDI dashboard which supports the "
            "analysis of the WRES, WDES and other data, to help us understand trends and identify "
            f"priorities for London. To access the EDI dashboard please contact {TEAM}.",
        )
    ],
    "lwrs-evaluation": [
        (
            "summary",
            "Evaluation has underpinned all the work that has been undertaken by the London "
            "Equality & Inclusion Team in its implementation of the 10-year London Workforce "
            "Race Strategy.",
            "Evaluation has underpinned all the work that has been undertaken by the London "
            "Equality and Inclusion Team in its implementation of the 10-year London Workforce "
            "Race Strategy.",
        )
    ],
}


def fill_taking_part(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    changed = False
    for slug in set(TAKING_PART) | set(MENDED):
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            continue
        updates = {
            field: value
            for field, value in TAKING_PART.get(slug, {}).items()
            if not getattr(programme, field)
        }
        for field, before, after in MENDED.get(slug, []):
            if getattr(programme, field) == before:
                updates[field] = after
        if updates:
            # update(), not save(): one UPDATE naming only these columns, so a
            # concurrent edit of any other field is not written back.
            Programme.objects.filter(pk=programme.pk).update(
                **updates, updated_at=timezone.now()
            )
            changed = True
    if changed:
        # Cached pages were rendered without these facts.
        CatalogueVersion = apps.get_model("programmes", "CatalogueVersion")
        token = uuid.uuid4().hex
        if not CatalogueVersion.objects.filter(pk=1).update(token=token):
            CatalogueVersion.objects.create(pk=1, token=token)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0007_taking_part")]

    operations = [migrations.RunPython(fill_taking_part, migrations.RunPython.noop)]
