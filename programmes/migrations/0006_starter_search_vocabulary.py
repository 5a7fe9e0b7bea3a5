"""The starter search vocabulary, and the editors' permissions on it.

Written from the catalogue's own subjects and the sourced facts in
docs/content-sources.md: the acronyms the catalogue uses, and the everyday
words NHS staff use for recruitment, data, funding, induction, training,
bullying and harassment, disability, primary care and international staff.
The EDI team changes it in the admin ("Search vocabulary"); this only fills
an empty vocabulary, and records each group in its history as made by the
system (no person).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

GROUP = "Catalogue editors"
REASON = "Starter vocabulary"

STARTER = [
    # Acronyms in the catalogue and the sources it cites.
    ("WRES, Workforce Race Equality Standard", "Acronym used in the catalogue."),
    ("WDES, Workforce Disability Equality Standard", "Acronym used in the catalogue."),
    ("LWRS, London Workforce Race Strategy, race strategy", "The strategy itself."),
    (
        "EDI, equality diversity and inclusion, equality and inclusion, diversity and inclusion, "
        "equality and diversity",
        "Acronym used in the catalogue; NHS staff use all of these.",
    ),
    ("EDI Improvement Plan, NHS EDI Improvement Plan, improvement plan", "Published June 2023."),
    ("HIA, high impact action", "The EDI Improvement Plan's six high impact actions."),
    ("GLA, Greater London Authority", "Acronym used in the catalogue."),
    ("ICB, integrated care board", "Acronym used in the catalogue."),
    ("ICS, integrated care system", "Acronym used in the catalogue."),
    ("NHSE, NHS England", "Acronym used in the catalogue."),
    ("IMG, international medical graduate, overseas doctors, international doctors, "
     "internationally trained doctors, doctors trained abroad", "Acronym used in the catalogue."),
    ("e-LfH, e-Learning for Healthcare", "Hosts the IMG induction e-learning."),
    ("SAS, specialty and associate specialist", "SAS doctors: most likely to miss IMG induction."),
    ("AHP, allied health professional", "A staff group staff search for."),
    ("HR, human resources, people team", "Where recruitment questions start."),
    ("OD, organisational development", "Common in NHS job titles."),
    ("FTSU, Freedom to Speak Up", "Common NHS acronym for raising concerns."),
    ("PCN, primary care network", "Primary care's own acronym."),
    # Staff's words for race and ethnicity.
    (
        "BME, BAME, Black and minority ethnic, Black Asian and minority ethnic, ethnic minority, "
        "minority ethnic, global majority, people of colour, racially minoritised, ethnicity, "
        "Black, race equality, racial equality",
        "Words staff use for the people the race strategy is for; race equality work is about them.",
    ),
    ("racism, racist, racial discrimination, race discrimination", "Word forms Snowball keeps apart."),
    ("anti-racism, anti-racist, tackling racism", "The catalogue's anti-racism work."),
    # Everyday words for the catalogue's subjects.
    (
        "recruitment, recruiting, hiring, job adverts, job advertisements, vacancies, "
        "shortlisting, interviews, interview panels, selection, resourcing, talent acquisition",
        "Staff's words for recruitment.",
    ),
    (
        "data, statistics, stats, figures, metrics, dashboard, analytics, reporting",
        "Staff's words for data.",
    ),
    ("funding, grants, funds, money, bids, bidding, investment", "Staff's words for funding."),
    ("induction, onboarding, welcome, orientation, settling in", "Staff's words for induction."),
    (
        "training, course, learning, e-learning, workshop, teaching, CPD, "
        "continuing professional development",
        "Staff's words for training.",
    ),
    (
        "bullying, harassment, incivility, microaggressions, poor behaviour, "
        "unacceptable behaviour, discrimination, abuse",
        "Staff's words for bullying and harassment.",
    ),
    (
        "disability, disabled, neurodivergent, neurodiversity, long-term condition, "
        "long-term health condition, Deaf, impairment, reasonable adjustments",
        "Staff's words for disability (Calibre is for disabled, Deaf and neurodivergent staff).",
    ),
    (
        "primary care, GP, general practitioner, general practice, GP practice, GP surgery, "
        "primary care network",
        "Staff's words for primary care.",
    ),
    (
        "international recruitment, internationally recruited, international staff, "
        "overseas staff, overseas recruitment, international nurses, internationally educated",
        "Staff's words for international staff.",
    ),
    (
        "doctors, medical staff, medics, physicians, medical, consultants, resident doctors, "
        "junior doctors, locally employed doctors",
        "Staff's words for doctors.",
    ),
    ("nurses, nursing, midwives, midwifery", "A staff group staff search for."),
    (
        "line managers, managers, supervisors, team leaders, people managers, middle managers",
        "Staff's words for managers.",
    ),
    (
        "senior leaders, executives, board members, directors, senior managers, leadership team",
        "Staff's words for senior leaders.",
    ),
    ("allyship, ally, allies", "Word forms of allyship."),
    ("active bystander, upstander, calling out", "Staff's words for bystander training."),
    ("evaluation, evaluate, impact, outcomes, what works, review, assessment", "Staff's words."),
    ("toolkit, tool kit, tools", "Staff's words for toolkits."),
    ("guidance, guidelines, guide", "Staff's words for guidance."),
    ("innovation, innovative, new ideas, pilot", "Staff's words for innovation."),
    ("co-design, co-production, co-creation", "Ways of working the catalogue names."),
    (
        "trusts, NHS trust, hospital, hospitals, employers, NHS organisations, provider",
        "Staff's words for the organisations programmes are for.",
    ),
    (
        "culture, workplace culture, organisational culture, cultural transformation, "
        "culture change",
        "Staff's words for culture.",
    ),
    ("compassion, compassionate leadership, kindness", "Staff's words for compassion."),
    ("online, virtual, remote, digital", "Staff's words for online."),
    ("free, no cost, free of charge", "Staff's words for free."),
]


def add_starter_vocabulary(apps, schema_editor):
    VocabularyGroup = apps.get_model("programmes", "VocabularyGroup")
    History = apps.get_model("programmes", "HistoricalVocabularyGroup")
    if VocabularyGroup.objects.exists():
        return
    now = timezone.now()
    for terms, note in STARTER:
        group = VocabularyGroup.objects.create(terms=terms, note=note)
        History.objects.create(
            id=group.pk,
            terms=terms,
            note=note,
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
        )


def remove_starter_vocabulary(apps, schema_editor):
    VocabularyGroup = apps.get_model("programmes", "VocabularyGroup")
    VocabularyGroup.objects.filter(terms__in=[terms for terms, _ in STARTER]).delete()


def give_editors_the_vocabulary(apps, schema_editor):
    """Editors keep the vocabulary (no delete, as for every catalogue record)
    and read the search counts (which nobody edits)."""
    app_config = apps.get_app_config("programmes")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True  # a migration's app stub has none
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    codenames = [
        "add_vocabularygroup",
        "change_vocabularygroup",
        "view_vocabularygroup",
        "view_searchcount",
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="programmes", codename__in=codenames)
    )


def take_it_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(
                codename__in=[
                    "add_vocabularygroup",
                    "change_vocabularygroup",
                    "view_vocabularygroup",
                    "view_searchcount",
                ]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0005_search_vocabulary"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(add_starter_vocabulary, remove_starter_vocabulary),
        migrations.RunPython(give_editors_the_vocabulary, take_it_back),
    ]
