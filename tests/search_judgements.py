"""Searches in staff's own words, with the programmes a careful judge accepts.

Written from the catalogue's subjects before the search was tuned (issue 11),
and never changed to fit a result. Slugs of the documented initiatives:
an empty tuple means the search should find nothing (the catalogue does not
cover it). tests/test_search_relevance.py scores the finder on them.
"""

CORE = "london-core-managers-programme"
INNOVATIONS = "edi-innovations"
WRES_EXPERTS = "wres-experts-programme"
ANTI_RACISM = "london-anti-racism-project"
DEBIAS = "london-de-bias-recruitment-toolkit"
PRIMARY = "wres-in-primary-care"
CALIBRE = "calibre-leadership-programme"
ALLIES = "white-allies-programme"
IMG = "international-medical-graduates"
BYSTANDER = "active-bystander-training"
INSIGHTS = "edi-insights-analytics"
EVALUATION = "lwrs-evaluation"

RACE_EQUALITY = (WRES_EXPERTS, PRIMARY, ANTI_RACISM, ALLIES, INSIGHTS)
TRAINING = (CORE, WRES_EXPERTS, CALIBRE, ALLIES, BYSTANDER)
TRUSTS_AND_ICBS = (INNOVATIONS, ANTI_RACISM, IMG, BYSTANDER, INSIGHTS)

JUDGEMENTS = [
    # (kind of search, what staff type, the programmes a judge accepts)
    # Titles and names, as staff remember them.
    ("exact", "Active Bystander Training", (BYSTANDER,)),
    ("exact", "calibre", (CALIBRE,)),
    ("exact", "white allies", (ALLIES,)),
    ("exact", "core managers", (CORE,)),
    ("exact", "EDI innovations", (INNOVATIONS,)),
    ("exact", "LWRS evaluation", (EVALUATION,)),
    ("exact", "de-bias toolkit", (DEBIAS,)),
    ("exact", "WRES experts", (WRES_EXPERTS,)),
    ("exact", "international medical graduates", (IMG,)),
    ("exact", "anti-racism project", (ANTI_RACISM,)),
    ("exact", "EDI insights and analytics", (INSIGHTS,)),
    ("exact", "WRES in primary care", (PRIMARY,)),
    ("exact", "BRAP", (ALLIES,)),
    # Other forms of the catalogue's words.
    ("word forms", "leaders", (CALIBRE, ALLIES)),
    ("word forms", "induction", (IMG,)),
    ("word forms", "inducted", (IMG,)),
    ("word forms", "recruiting", (DEBIAS,)),
    ("word forms", "recruiter", (DEBIAS,)),
    ("word forms", "evaluating", (EVALUATION,)),
    ("word forms", "innovative projects", (INNOVATIONS,)),
    ("word forms", "analysing data", (INSIGHTS,)),
    ("word forms", "bystanders", (BYSTANDER,)),
    ("word forms", "disabled staff", (CALIBRE,)),
    ("word forms", "allies", (ALLIES,)),
    ("word forms", "managing people", (CORE,)),
    ("word forms", "funded projects", (INNOVATIONS,)),
    ("word forms", "partnerships", (BYSTANDER,)),
    ("word forms", "graduate doctors", (IMG,)),
    ("word forms", "supervisor", (CORE,)),
    # Hyphens and spaces.
    ("hyphens", "co design", (ANTI_RACISM,)),
    ("hyphens", "codesign", (ANTI_RACISM,)),
    ("hyphens", "debias", (DEBIAS,)),
    ("hyphens", "de bias recruitment", (DEBIAS,)),
    ("hyphens", "antiracism", (ANTI_RACISM, ALLIES)),
    ("hyphens", "anti racist leadership", (ALLIES,)),
    ("hyphens", "self directed learning", (CORE,)),
    # Acronyms, both ways, and staff's everyday words.
    ("acronyms", "BME", RACE_EQUALITY),
    ("acronyms", "BAME staff", RACE_EQUALITY),
    ("synonyms", "ethnic minority staff", RACE_EQUALITY),
    ("synonyms", "global majority", RACE_EQUALITY),
    ("acronyms", "Workforce Race Equality Standard", (WRES_EXPERTS, PRIMARY, INSIGHTS)),
    ("acronyms", "WDES", (CALIBRE, INSIGHTS)),
    ("acronyms", "disability equality standard", (CALIBRE, INSIGHTS)),
    ("acronyms", "GP", (PRIMARY,)),
    ("synonyms", "general practice", (PRIMARY,)),
    ("synonyms", "GP surgeries", (PRIMARY,)),
    ("acronyms", "IMG", (IMG,)),
    ("synonyms", "overseas doctors", (IMG,)),
    ("synonyms", "doctors", (IMG,)),
    ("synonyms", "job adverts", (DEBIAS,)),
    ("synonyms", "shortlisting", (DEBIAS,)),
    ("synonyms", "interview panels", (DEBIAS,)),
    ("synonyms", "hiring", (DEBIAS,)),
    ("synonyms", "stats", (INSIGHTS,)),
    ("synonyms", "statistics", (INSIGHTS,)),
    ("synonyms", "dashboard", (INSIGHTS,)),
    ("synonyms", "data", (INSIGHTS,)),
    ("synonyms", "course", TRAINING),
    ("synonyms", "e-learning", (CORE, IMG)),
    ("synonyms", "online training", (CORE,)),
    ("synonyms", "grants", (INNOVATIONS,)),
    ("synonyms", "funding", (INNOVATIONS,)),
    ("synonyms", "bid for money", (INNOVATIONS,)),
    ("synonyms", "bullying", (BYSTANDER,)),
    ("synonyms", "harassment", (BYSTANDER,)),
    ("synonyms", "microaggressions", (BYSTANDER,)),
    ("synonyms", "challenge racist behaviour", (BYSTANDER, ALLIES, ANTI_RACISM)),
    ("synonyms", "neurodivergent", (CALIBRE,)),
    ("acronyms", "ICB", TRUSTS_AND_ICBS),
    ("acronyms", "integrated care board", TRUSTS_AND_ICBS),
    ("acronyms", "GLA", (ANTI_RACISM,)),
    ("acronyms", "Greater London Authority", (ANTI_RACISM,)),
    ("acronyms", "high impact actions", (ANTI_RACISM, IMG)),
    ("acronyms", "equality diversity and inclusion", (INNOVATIONS, INSIGHTS, ANTI_RACISM)),
    ("synonyms", "line manager training", (CORE,)),
    ("synonyms", "senior leaders", (ALLIES,)),
    ("synonyms", "board members", (ALLIES,)),
    ("synonyms", "executives", (ALLIES,)),
    ("synonyms", "primary care", (PRIMARY,)),
    ("synonyms", "recruitment", (DEBIAS,)),
    ("synonyms", "race equality", RACE_EQUALITY),
    ("synonyms", "racism", (ANTI_RACISM, ALLIES)),
    ("synonyms", "allyship", (ALLIES,)),
    ("synonyms", "inclusive culture", (CORE, BYSTANDER)),
    ("synonyms", "belonging", (CORE,)),
    ("synonyms", "compassionate leadership", (CORE,)),
    ("synonyms", "impact of the strategy", (EVALUATION,)),
    ("synonyms", "welcoming international doctors", (IMG,)),
    # Typing errors and American spellings.
    ("typos", "leadrship", (CALIBRE, ALLIES)),
    ("typos", "behavior", (BYSTANDER,)),
    ("typos", "organization", (WRES_EXPERTS, ANTI_RACISM)),
    ("typos", "recruitmnet", (DEBIAS,)),
    ("typos", "bystnader", (BYSTANDER,)),
    ("typos", "calbre", (CALIBRE,)),
    ("typos", "dashbord", (INSIGHTS,)),
    ("typos", "harrassment", (BYSTANDER,)),
    ("typos", "disabilty", (CALIBRE,)),
    ("typos", "anti-rasism", (ANTI_RACISM, ALLIES)),
    ("typos", "analyze data", (INSIGHTS,)),
    ("typos", "innovaton funding", (INNOVATIONS,)),
    ("typos", "internatinal graduates", (IMG,)),
    # Natural questions.
    (
        "questions",
        "what training is there about racism for nurses",
        (ALLIES, ANTI_RACISM, BYSTANDER),
    ),
    ("questions", "how can I stop bullying in my team", (BYSTANDER,)),
    ("questions", "is there any help for disabled staff to become leaders", (CALIBRE,)),
    ("questions", "how do I make our recruitment fairer", (DEBIAS,)),
    ("questions", "where can I find WRES data for my trust", (INSIGHTS, WRES_EXPERTS)),
    ("questions", "support for doctors trained abroad", (IMG,)),
    ("questions", "training for new managers", (CORE,)),
    ("questions", "how do I become a WRES expert", (WRES_EXPERTS,)),
    ("questions", "funding for EDI projects in my trust", (INNOVATIONS,)),
    ("questions", "what is the London anti racism project", (ANTI_RACISM,)),
    ("questions", "how is the race strategy being evaluated", (EVALUATION,)),
    ("questions", "I want to be a better ally to black colleagues", (ALLIES,)),
    ("questions", "free online course for line managers", (CORE,)),
    ("questions", "who developed the white allies programme", (ALLIES,)),
    # Things the catalogue does not cover: nothing should be found.
    ("nothing", "car parking", ()),
    ("nothing", "payslips", ()),
    ("nothing", "annual leave", ()),
    ("nothing", "pension", ()),
    ("nothing", "flu vaccination", ()),
    ("nothing", "IT password reset", ()),
    ("nothing", "parking permit", ()),
    ("nothing", "canteen menu", ()),
    ("nothing", "staff car parking charges", ()),
    ("nothing", "nhs pension scheme", ()),
]
