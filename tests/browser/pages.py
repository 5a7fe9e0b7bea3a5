"""The pages every accessibility check visits (data from the `full_site` fixture), and the
window sizes they are seen at."""

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}

LIVE_PROGRAMME = "/programmes/london-de-bias-recruitment-toolkit/"
LIVE_PROGRAMME_TITLE = "London De-bias Recruitment Toolkit"
CLOSED_PROGRAMME = "/programmes/example-closed-mentoring-scheme/"
DATED_PROGRAMME = "/programmes/example-programme-with-dates/"
EVERY_FACT_PROGRAMME = "/programmes/example-programme-with-every-fact/"

# Pages the foundation serves.
CONTENT_PAGES = {
    "home": "/",
    "catalogue": "/programmes/",
    "live programme": LIVE_PROGRAMME,
    "closed programme": CLOSED_PROGRAMME,
    "programme with key dates": DATED_PROGRAMME,
    "programme with every taking-part fact": EVERY_FACT_PROGRAMME,
    "partners": "/partners/",
    "partner": "/partners/brap/",
    "about": "/about/",
    "accessibility statement": "/accessibility/",
    "404": "/programmes/no-such-programme/",
}

# Views of the catalogue that issue 3's finder (search, facets, pagination) makes.
FINDER_PAGES = {
    "catalogue filtered by tag": "/programmes/?tag=wres",
    "catalogue searched, no results": "/programmes/?q=zzzzzz",
    "catalogue page 2": "/programmes/?page=2",
    # Issue 11: a misspelt search, corrected; a question only partly matched.
    "catalogue searched, corrected": "/programmes/?q=leadrship",
    "catalogue searched, partly matched": "/programmes/?q=what+training+about+racism+for+nurses",
}

ALL_PAGES = {**CONTENT_PAGES, **FINDER_PAGES}
