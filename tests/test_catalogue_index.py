"""The finder's in-memory index (programmes/catalogue_index.py) against plain readings
of the database, and how it stays in step with editors' changes."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from programmes.cache import catalogue_changed
from programmes.catalogue_index import CatalogueIndex, Words
from programmes.filters import FACETS, search_terms
from programmes.models import Programme

WORDS = [
    "bias",
    "BRAP",
    "wres",
    "leadership",
    "london",
    "line",
    "managers",
    "toolkit",
    "de-bias",
    "nurses",
    "recruitment",
    "primary",
    "calibre",
    "mentoring",
    "2021",
    "zebra",
    "e",
    "anti-racism",
    "bystander",
    "ÉQUIPE",
]
RELAXED = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _render_every_page(settings):
    """These tests read each page's context: no page cache in the way."""
    settings.PUBLIC_PAGE_CACHE = False


def titles(response):
    return [p.title for p in response.context["page"].object_list]


def everything_found(client, params):
    """Every programme the catalogue lists for `params`, over all its pages."""
    found, page = [], 1
    while True:
        response = client.get("/programmes/", {**params, "page": page})
        found += titles(response)
        if page >= response.context["page"].paginator.num_pages:
            return found, response
        page += 1


def plainly_matching(query):
    """The published programmes a search should find, read straight from the models:
    every meaningful word in the title, summary, body or a tag, partner or audience."""
    matches = set()
    for programme in Programme.objects.published().prefetch_related(
        "tags", "audiences", "partners"
    ):
        places = [programme.title, programme.summary, programme.body]
        places += [r.name for r in [*programme.tags.all(), *programme.audiences.all()]]
        places += [p.name for p in programme.partners.all()]
        text = [place.casefold() for place in places]
        if all(any(term in place for place in text) for term in search_terms(query)):
            matches.add(programme.title)
    return matches


@pytest.fixture
def equipe(catalogue):
    return Programme.objects.create(
        title="Équipe Santé Straße",
        summary="A programme whose name is not in English.",
        is_published=True,
    )


@RELAXED
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
def test_search_finds_what_a_plain_reading_of_the_catalogue_finds(client, equipe, words):
    query = " ".join(words)
    found, _ = everything_found(client, {"q": query})
    assert len(found) == len(set(found))  # no programme twice, across pages
    assert set(found) == plainly_matching(query)


@RELAXED
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "q": st.sampled_from(WORDS),
            "status": st.sampled_from(["in-action", "being-developed"]),
            "kind": st.lists(st.sampled_from(["training", "toolkit", "guidance"]), max_size=2),
            "tag": st.lists(st.sampled_from(["wres", "leadership", "bias", "nope"]), max_size=2),
            "audience": st.sampled_from(["line-managers", "senior-leaders"]),
        },
    )
)
def test_each_facet_count_is_what_choosing_that_option_alone_gives(client, catalogue, params):
    """An option's count is the number of results with that option as its facet's only
    choice, the search and the other facets kept."""
    response = client.get("/programmes/?" + urlencode(params, doseq=True))
    for facet in response.context["facets"]:
        for option in facet.options:
            chosen = client.get(
                "/programmes/?" + urlencode({**params, facet.name: option.value}, doseq=True)
            )
            assert chosen.context["page"].paginator.count == option.count, (facet.name, option)
    assert {f.name for f in response.context["facets"]} == set(FACETS)
    # And no option that would give results is missing (status and format show all).
    for facet in response.context["facets"][:2]:
        offered = {option.value for option in facet.options}
        for value, _ in Programme._meta.get_field(facet.name).choices:
            alone = client.get(
                "/programmes/?" + urlencode({**params, facet.name: value}, doseq=True)
            )
            assert (alone.context["page"].paginator.count > 0) <= (value in offered), value


def test_search_folds_case_beyond_ascii(client, equipe):
    for query in ["équipe", "ÉQUIPE", "santé", "strasse"]:
        assert titles(client.get("/programmes/", {"q": query})) == [equipe.title], query


def test_an_editors_change_is_found_at_the_next_request(client, catalogue):
    assert titles(client.get("/programmes/", {"q": "zebra"})) == []
    programme = Programme.objects.get(slug="active-bystander-training")
    programme.summary = "Now also about zebra crossings."
    programme.save()
    assert titles(client.get("/programmes/", {"q": "zebra"})) == [programme.title]
    programme.is_published = False
    programme.save()
    assert titles(client.get("/programmes/", {"q": "zebra"})) == []


def test_the_index_follows_the_catalogue_version_not_the_process(client, catalogue):
    """A change made by another server reaches this worker through the version in the
    database; QuerySet.update() sends no signal, so code using it must say so."""
    client.get("/programmes/", {"q": "zebra"})
    Programme.objects.filter(slug="active-bystander-training").update(summary="zebra")
    assert titles(client.get("/programmes/", {"q": "zebra"})) == []  # this worker's snapshot
    catalogue_changed()  # what every save does, in the same transaction
    assert titles(client.get("/programmes/", {"q": "zebra"})) == ["Active Bystander Training"]


def test_downloads_and_feed_list_what_the_page_lists(client, catalogue):
    found, _ = everything_found(client, {"q": "london", "sort": "title"})
    csv_text = client.get("/programmes/export.csv", {"q": "london", "sort": "title"})
    rows = csv_text.content.decode().splitlines()[1:]
    assert [row.split(",")[0].strip('"') for row in rows] == found
    feed = client.get("/programmes/feed/", {"q": "london"}).content.decode()
    assert feed.count("<entry>") == len(found)


def test_a_to_z_puts_accented_titles_among_their_letters(client, equipe):
    found, _ = everything_found(client, {"sort": "title"})
    assert found.index("EDI Insights & Analytics") < found.index(equipe.title)
    assert found.index(equipe.title) < found.index("International Medical Graduates")


def test_a_change_committed_during_a_build_is_not_hidden(client, catalogue, monkeypatch):
    """Another server's editor saves while this worker reads the catalogue: the index
    it was reading must not be kept under the version before that save."""
    build, saved = CatalogueIndex.build, []

    def build_while_an_editor_saves():
        index = build()
        if not saved:
            programme = Programme.objects.get(slug="active-bystander-training")
            programme.summary = "Now about zebra crossings."
            programme.save()  # its new version commits with it
            saved.append(programme)
        return index

    monkeypatch.setattr(CatalogueIndex, "build", staticmethod(build_while_an_editor_saves))
    assert titles(client.get("/programmes/", {"q": "zebra"})) == ["Active Bystander Training"]
    assert saved


@RELAXED
@given(
    st.lists(st.text(alphabet="ab- \n\u00a0é.", max_size=30), max_size=8),
    st.text(alphabet="ab-é.", min_size=1, max_size=4),
)
def test_finding_words_finds_exactly_the_texts_holding_a_search_word(texts, term):
    """A search word holds no whitespace, so the word index agrees with a plain scan."""
    assert Words(texts).containing(term) == {i for i, text in enumerate(texts) if term in text}


def test_a_topic_no_published_programme_has_is_known_not_unknown(client, catalogue):
    """The index knows the topics in use; another real one is looked up, not refused."""
    from taggit.models import Tag

    Tag.objects.create(name="Not yet used", slug="not-yet-used")
    response = client.get("/programmes/", {"tag": ["not-yet-used", "wres", "no-such-topic"]})
    notices = response.context["notices"]
    assert notices == ["We ignored the topic “no-such-topic” because it does not exist."]
    chosen = {o.value: o for f in response.context["facets"] if f.name == "tag" for o in f.options}
    assert chosen["not-yet-used"].selected
    assert chosen["not-yet-used"].count == 0
    assert chosen["wres"].selected
    assert chosen["wres"].count > 0
