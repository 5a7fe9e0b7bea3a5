"""Fill a scratch database with the 12 documented initiatives plus realistic synthetic ones.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.fill 10000

The database must be migrated and empty. N counts every programme, the 12 real
ones included, so N=12 is the documented catalogue alone. The synthetic
programmes look like the real ones: titles of trusts' and ICBs' programmes,
summaries and Markdown bodies of realistic length, 2-6 tags from a vocabulary
the real tags belong to (a few common, many rare), 1-3 audiences, 1-3 partners
with roles from a pool that grows with N, the shared team mailbox or one of
many named contacts, 0-3 links; taking-part facts, and key dates on a third
of them; mostly published, some drafts and ended ones.
The same N gives the same data (a fixed random seed).
"""

import datetime
import random
import sys
import time

SEED = 20201001  # the strategy's publication month

PLACES = [
    "North Central London",
    "North East London",
    "North West London",
    "South East London",
    "South West London",
    "Barking and Dagenham",
    "Barnet",
    "Bexley",
    "Brent",
    "Bromley",
    "Camden",
    "Croydon",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Hammersmith and Fulham",
    "Haringey",
    "Harrow",
    "Havering",
    "Hillingdon",
    "Hounslow",
    "Islington",
    "Kensington and Chelsea",
    "Kingston",
    "Lambeth",
    "Lewisham",
    "Merton",
    "Newham",
    "Redbridge",
    "Richmond",
    "Southwark",
    "Sutton",
    "Tower Hamlets",
    "Waltham Forest",
    "Wandsworth",
    "Westminster",
    "Pan-London",
    "Primary Care",
    "Community Health",
    "Mental Health",
    "Ambulance Service",
    "Acute Trusts",
]
TOPICS = [
    "Inclusive Leadership",
    "Inclusive Recruitment",
    "Anti-Racism",
    "Race Equality",
    "Reciprocal Mentoring",
    "Career Progression",
    "Talent Management",
    "Active Bystander",
    "Allyship",
    "Cultural Safety",
    "Civility and Respect",
    "Speaking Up",
    "Staff Network",
    "De-bias Recruitment",
    "International Nurses",
    "International Medical Graduates",
    "WRES Data",
    "WDES Data",
    "Pay Gap",
    "Just Culture",
    "Fair Disciplinary",
    "Board Diversity",
    "Line Manager",
    "Health Inequalities",
    "Workforce Wellbeing",
    "Belonging",
    "Coaching",
    "Shadow Board",
    "Positive Action",
    "Inclusive Culture",
    "Disability Inclusion",
    "Lived Experience",
    "Equality Impact",
    "Senior Leader",
    "Aspiring Directors",
    "Bullying and Harassment",
    "Microaggressions",
    "Cultural Ambassadors",
    "EDI Champions",
]
FORMATS = [
    ("Programme", "training"),
    ("Toolkit", "toolkit"),
    ("Guidance", "guidance"),
    ("Fund", "funding"),
    ("Strategy", "strategy"),
    ("Project", "project"),
    ("Dashboard", "data"),
    ("Evaluation", "evaluation"),
    ("Masterclass", "training"),
    ("Network", "project"),
    ("Pathway", "training"),
    ("Pilot", "project"),
]
# The real tags first (the fixtures hold them), then more of the same kind.
TAGS = [
    "leadership",
    "recruitment",
    "WRES",
    "anti-racism",
    "inclusive culture",
    "line management",
    "bias",
    "WDES",
    "disability",
    "allyship",
    "active bystander",
    "LWRS recommendations",
    "EDI Improvement Plan",
    "data and insight",
    "evaluation",
    "funding",
    "innovation",
    "co-design",
    "primary care",
    "international recruitment",
    "induction",
    "online learning",
    "bullying and harassment",
    "cultural transformation",
    "inclusive recruitment",
    "mentoring",
    "reciprocal mentoring",
    "coaching",
    "talent management",
    "career progression",
    "pay gap",
    "just culture",
    "speaking up",
    "staff networks",
    "wellbeing",
    "health inequalities",
    "board development",
    "positive action",
    "nursing",
    "midwifery",
    "allied health professionals",
    "medical workforce",
    "estates and facilities",
    "apprenticeships",
    "widening participation",
    "lived experience",
    "psychological safety",
    "civility",
    "microaggressions",
    "menopause",
    "neurodiversity",
    "LGBTQ+ inclusion",
    "faith and belief",
    "carers",
    "flexible working",
    "disciplinary processes",
    "exit interviews",
    "workforce data",
    "ICB",
    "mental health",
]
VERBS = [
    "helps",
    "supports",
    "equips",
    "brings together",
    "gives",
    "trains",
    "funds",
    "guides",
]
WHO = [
    "line managers",
    "recruiting managers",
    "senior leaders",
    "staff networks",
    "EDI leads",
    "board members",
    "international nurses",
    "primary care teams",
    "HR teams",
    "Black and minority ethnic staff",
    "clinical leaders",
    "staff in bands 5 to 7",
]
AIMS = [
    "to remove bias from every stage of recruitment",
    "to grow a diverse pipeline of future leaders",
    "to act when they see racism, bullying or harassment",
    "to understand and improve their WRES and WDES data",
    "to build an inclusive culture where everyone can speak up",
    "to close the gaps in career progression the WRES shows",
    "to design fair disciplinary and grievance processes",
    "to welcome and support internationally recruited colleagues",
    "to set measurable equality objectives and report on them",
    "to share what works across London's trusts and ICBs",
]
SENTENCES = [
    "Sessions run online and in person across London, and each lasts about two hours.",
    "Participants get a toolkit they can use on their phone after the session.",
    "It was designed with staff networks and EDI leads, and tested in three trusts first.",
    "Each cohort meets monthly for six months, with a coach and a peer group.",
    "Organisations that take part report their progress through the WRES each year.",
    "It responds to one of the 15 recommendations of the London Workforce Race Strategy.",
    "Places are free for NHS organisations in London and limited to 30 per cohort.",
    "An evaluation of the first year found higher confidence in raising concerns.",
    "Managers complete a short self-assessment before and after the programme.",
    "The materials are openly licensed so trusts can adapt them to local needs.",
    "It links to high impact action 2 of the NHS EDI Improvement Plan.",
    "Bids are assessed by a panel that includes staff with lived experience.",
]
ROLES = ["delivery", "design", "supported", "objectives"]
PARTNER_SUFFIXES = [
    ("NHS Foundation Trust", "nhs-organisation"),
    ("NHS Trust", "nhs-organisation"),
    ("Integrated Care Board", "nhs-organisation"),
    ("Training Company", "company"),
    ("Consulting", "company"),
    ("Foundation", "charity"),
    ("Council", "local-government"),
    ("Leadership Academy", "nhs-organisation"),
    ("Network", "charity"),
]
FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chidi",
    "Deepa",
    "Elena",
    "Farah",
    "Grace",
    "Hassan",
    "Ifeoma",
    "James",
    "Kemi",
    "Leon",
    "Maya",
    "Nadia",
    "Olu",
    "Priya",
    "Rashid",
    "Sara",
    "Tunde",
    "Yasmin",
]
LAST_NAMES = [
    "Adeyemi",
    "Begum",
    "Campbell",
    "Das",
    "Edwards",
    "Francis",
    "Gordon",
    "Hussain",
    "Ibrahim",
    "Johnson",
    "Khan",
    "Lewis",
    "Mensah",
    "Noor",
    "Okafor",
    "Patel",
    "Reid",
    "Shah",
    "Thomas",
]


def _weighted_sample(rng, population, k):
    """k distinct items, the first ones far more likely (a few common tags, many rare ones)."""
    weights = [1 / (i + 1) ** 0.8 for i in range(len(population))]
    chosen = set()
    while len(chosen) < k:
        chosen.add(rng.choices(range(len(population)), weights=weights)[0])
    return [population[i] for i in sorted(chosen)]


def _paragraphs(rng, n):
    return "\n\n".join(" ".join(rng.sample(SENTENCES, rng.randint(2, 4))) for _ in range(n))


def _body(rng):
    """Markdown of the length editors write: paragraphs, a list, sometimes a link."""
    if rng.random() < 0.2:
        return ""
    parts = [_paragraphs(rng, rng.randint(1, 3))]
    if rng.random() < 0.6:
        parts.append("\n".join(f"- {s}" for s in rng.sample(SENTENCES, rng.randint(2, 4))))
    if rng.random() < 0.4:
        parts.append(
            "Read [the strategy](https://www.england.nhs.uk/london/our-work/equality-and-inclusion/)."
        )
    return "\n\n".join(parts)


def fill(n, stdout=sys.stdout):
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import transaction
    from django.utils.text import slugify
    from taggit.models import Tag

    from programmes.models import (
        Audience,
        Contact,
        KeyDate,
        Partner,
        Programme,
        ProgrammeLink,
        ProgrammePartner,
    )

    if Programme.objects.exists():
        raise SystemExit("The database already has programmes: fill needs an empty one.")
    started = time.monotonic()
    call_command("load_catalogue", verbosity=0)
    real = Programme.objects.count()
    extra = n - real
    if extra < 0:
        raise SystemExit(f"N must be at least {real}, the documented initiatives.")
    rng = random.Random(SEED + n)
    today = datetime.date(2026, 11, 1)

    with transaction.atomic():
        # Tags: the real ones plus the rest of the vocabulary.
        existing = {t.name.lower(): t for t in Tag.objects.all()}
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slugify(name)) for name in TAGS if name.lower() not in existing]
        )
        tags = {t.name.lower(): t for t in Tag.objects.all()}
        tag_pool = [tags[name.lower()] for name in TAGS]

        audiences = list(Audience.objects.all())

        # Partners: the real ones plus a pool that grows with the catalogue.
        taken = {p.slug for p in Partner.objects.all()}
        new_partners = []
        for place in PLACES:
            for suffix, kind in PARTNER_SUFFIXES:
                if len(new_partners) >= max(0, extra // 40):
                    break
                name = f"{place} {suffix}"
                if slugify(name) not in taken:
                    taken.add(slugify(name))
                    new_partners.append(
                        Partner(
                            name=name,
                            slug=slugify(name),
                            kind=kind,
                            website=f"https://www.{slugify(name)}.example.nhs.uk/",
                            description=f"{name} works with the LWRS team across London.",
                        )
                    )
        Partner.objects.bulk_create(new_partners)
        partners = list(Partner.objects.all())

        # Contacts: the shared team mailbox (one row, many programmes) and named people.
        team = Contact.objects.get(email__iexact="London.RaceStrategy@nhs.net")
        people = []
        for i in range(max(0, extra // 25)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            people.append(
                Contact(
                    name=f"{first} {last}",
                    email=f"{first}.{last}{i}@nhs.example".lower(),
                    phone="020 7946 0000" if i % 4 == 0 else "",
                )
            )
        Contact.objects.bulk_create(people)
        people = list(Contact.objects.exclude(pk=team.pk))

        # Programmes: unique titles drawn from place x topic x format.
        titles_taken = {t.lower() for t in Programme.objects.values_list("title", flat=True)}
        combos = [(p, t, f) for p in PLACES for t in TOPICS for f in FORMATS]
        rng.shuffle(combos)
        programmes = []
        for place, topic, (form, kind) in combos:
            if len(programmes) >= extra:
                break
            title = f"{place} {topic} {form}"
            if title.lower() in titles_taken:
                continue
            titles_taken.add(title.lower())
            launched = today - datetime.timedelta(days=rng.randint(30, 3650))
            status = rng.choices(["in-action", "being-developed", "ended"], [70, 20, 10])[0]
            programmes.append(
                Programme(
                    title=title,
                    slug=slugify(title),
                    summary=(
                        f"The {title} {rng.choice(VERBS)} {rng.choice(WHO)} "
                        f"{rng.choice(AIMS)}. {' '.join(rng.sample(SENTENCES, 2))}"
                    ),
                    body=_body(rng),
                    status=status,
                    kind=kind,
                    launched_on=launched.replace(day=1),
                    launch_precision=rng.choice(["month", "month", "year", "day"]),
                    is_published=rng.random() < 0.95,
                    ended_notice=(
                        "It has ended. Contact the LWRS team for what is available now."
                        if status == "ended"
                        else ""
                    ),
                    last_reviewed_on=today - datetime.timedelta(days=rng.randint(0, 500)),
                )
            )
        if len(programmes) < extra:
            raise SystemExit(f"Only {len(programmes)} distinct titles; raise the vocabulary.")
        Programme.objects.bulk_create(programmes, batch_size=500)
        programmes = list(Programme.objects.filter(slug__in=[p.slug for p in programmes]))

        # Whatever links programmes to tags (taggit's generic TaggedItem, or a
        # through model of the programme's own): filled through the manager's model.
        tag_link = Programme.tags.through
        generic = any(f.name == "content_type" for f in tag_link._meta.get_fields())
        content_type = ContentType.objects.get_for_model(Programme) if generic else None

        def tag_row(tag, programme):
            if generic:
                return tag_link(tag_id=tag.pk, content_type=content_type, object_id=programme.pk)
            return tag_link(tag_id=tag.pk, content_object_id=programme.pk)

        audience_rows, contact_rows, roles, links, tagged, dates = [], [], [], [], [], []
        snapshots = []
        for p in programmes:
            for a in rng.sample(audiences, rng.randint(1, 3)):
                audience_rows.append(
                    Programme.audiences.through(programme_id=p.pk, audience_id=a.pk)
                )
            contact_rows.append(Programme.contacts.through(programme_id=p.pk, contact_id=team.pk))
            if people and rng.random() < 0.5:
                contact_rows.append(
                    Programme.contacts.through(programme_id=p.pk, contact_id=rng.choice(people).pk)
                )
            for partner in rng.sample(partners, rng.randint(1, min(3, len(partners)))):
                roles.append(
                    ProgrammePartner(
                        programme_id=p.pk, partner_id=partner.pk, role=rng.choice(ROLES)
                    )
                )
            for i in range(rng.choice([0, 1, 1, 2, 3])):
                links.append(
                    ProgrammeLink(
                        programme_id=p.pk,
                        label=[
                            "Register your interest",
                            "Download the toolkit",
                            "Read the evaluation",
                        ][i],
                        url=f"https://www.example.nhs.uk/{p.slug}/{i}",
                        position=i,
                    )
                )
            # Taking part: most say how it is delivered; a third have key dates
            # (applications opening and closing around today, a cohort start).
            p.delivery = rng.choice(["", "online", "in-person", "blended", "self-directed"])
            p.cost = rng.choice(["", "", "Free", "Funded by your trust"])
            p.availability = rng.choice(["", "any-time", "invitation", "organisations"])
            if rng.random() < 1 / 3:
                opens = today + datetime.timedelta(days=rng.randint(-90, 60))
                closes = opens + datetime.timedelta(days=rng.randint(14, 90))
                for kind, label, day in [
                    ("applications-open", "Applications open", opens),
                    ("applications-close", "Applications close", closes),
                    ("cohort-starts", "The cohort starts", closes + datetime.timedelta(days=30)),
                ]:
                    dates.append(KeyDate(programme_id=p.pk, kind=kind, label=label, starts_on=day))
            chosen = _weighted_sample(rng, tag_pool, rng.randint(2, 6))
            tagged.extend(tag_row(t, p) for t in chosen)
            p.tag_snapshot = ", ".join(sorted((t.name for t in chosen), key=str.lower))
            snapshots.append(p)
        Programme.audiences.through.objects.bulk_create(audience_rows, batch_size=1000)
        Programme.contacts.through.objects.bulk_create(contact_rows, batch_size=1000)
        ProgrammePartner.objects.bulk_create(roles, batch_size=1000)
        ProgrammeLink.objects.bulk_create(links, batch_size=1000)
        tag_link.objects.bulk_create(tagged, batch_size=1000)
        KeyDate.objects.bulk_create(dates, batch_size=1000)
        Programme.objects.bulk_update(
            snapshots, ["tag_snapshot", "delivery", "cost", "availability"], batch_size=500
        )

    # The audience and contact tables are Django's own: their bulk_create signals
    # nothing (catalogue records' own do: programmes.models.CatalogueQuerySet).
    from programmes.cache import catalogue_changed

    catalogue_changed()
    stdout.write(
        f"Filled {Programme.objects.count()} programmes "
        f"({Programme.objects.published().count()} published), {Partner.objects.count()} partners, "
        f"{Contact.objects.count()} contacts, {Programme.tags.through.objects.count()} tag links "
        f"in {time.monotonic() - started:.1f} s\n"
    )


def main(argv=None):
    import django

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not argv[0].isdigit():
        raise SystemExit("usage: python -m bench.fill N")
    django.setup()
    fill(int(argv[0]))


if __name__ == "__main__":
    main()
