"""The finder's in-memory index (programmes/finder/index.py) against plain readings
of the database, and how it stays in step with editors' changes."""

import gc
import weakref
from urllib.parse import urlencode

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from programmes.cache import catalogue_changed
from programmes.finder import memory
from programmes.finder.form import FACETS
from programmes.finder.index import CatalogueIndex, Place, current_index
from programmes.finder.query import PREFIX_MIN, read_query
from programmes.finder.ranking import RARE, UNCOMMON
from programmes.finder.text import words
from programmes.models import Programme, VocabularyGroup

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
    # Word forms, hyphens, vocabulary, misspellings.
    "leaders",
    "partnerships",
    "co design",
    "codesign",
    "BME",
    "ethnic minority",
    "stats",
    "GP",
    "leadrship",
    "behavior",
    "organization",
    "harrassment",
    "parking",
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
    those with every concept of the search in their title, topics (tags and search
    keywords), summary, names (partners, audiences, Format, Status and Delivery
    labels, cost) or body (with the taking-part text), where a concept is found through any of its alternatives: a word whole,
    by stem or (typed words) as the start of a longer word; a phrase's stems in one
    place. Failing that, the partial matches by the rules of programmes/finder/ranking.py."""
    concepts = read_query(query, current_index()).concepts
    found = {}  # concept number -> {title: matched other than by a word's start}
    programmes = Programme.objects.published().prefetch_related("tags", "audiences", "partners")
    for programme in programmes:
        places = [
            programme.title,
            " ".join([programme.search_keywords, *(t.name for t in programme.tags.all())]),
            programme.summary,
            " ".join(
                [
                    programme.get_status_display(),
                    programme.get_kind_display(),
                    programme.get_delivery_display() if programme.delivery else "",
                    programme.cost,
                    *(a.name for a in programme.audiences.all()),
                    *(p.name for p in programme.partners.all()),
                ]
            ),
            " ".join(
                [
                    programme.body,
                    programme.who_can_take_part,
                    programme.how_to_take_part,
                    programme.time_commitment,
                    programme.location,
                ]
            ),
        ]
        read = [words(place) for place in places]
        for number, concept in enumerate(concepts):
            how = [
                _plain_match(alternative, place)
                for alternative in concept.alternatives
                for place in read
            ]
            if any(how):
                strong = any(h == "strong" for h in how)
                found.setdefault(number, {})[programme.title] = strong
    everywhere = None
    for number in range(len(concepts)):
        titles_found = set(found.get(number, {}))
        everywhere = titles_found if everywhere is None else everywhere & titles_found
    if everywhere:
        return everywhere
    size = programmes.count()
    words_in_query = sum(c.size for c in concepts)
    matched, rare, uncommon = {}, set(), set()
    for number, concept in enumerate(concepts):
        having = found.get(number, {})
        strong = {title for title, s in having.items() if s}
        for title in strong:
            matched[title] = matched.get(title, 0) + concept.size
        if len(having) <= max(1, RARE * size):
            rare |= strong
        if len(having) <= UNCOMMON * size:
            uncommon |= strong
    return {
        title
        for title, count in matched.items()
        if title in rare or (title in uncommon and count >= words_in_query / 2)
    }


def _plain_match(alternative, place):
    texts = {w.text for w in place}
    stems = {w.stem for w in place}
    if alternative.text is None or len(alternative.stems) > 1:
        return "strong" if set(alternative.stems) <= stems else None
    if alternative.text in texts or alternative.stems[0] in stems:
        return "strong"
    if alternative.prefix and len(alternative.text) >= PREFIX_MIN:
        starts = [alternative.text, alternative.stems[0]]
        if any(t != s and t.startswith(s) for t in texts for s in starts if len(s) >= 1):
            return "prefix"
    return None


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
    database, which every change replaces in its transaction."""
    client.get("/programmes/", {"q": "zebra"})
    table = Programme._meta.db_table
    change = f"UPDATE {table} SET summary = 'zebra' WHERE slug = 'active-bystander-training'"  # noqa: S608
    with connection.cursor() as cursor:  # the row changed, as by another server
        cursor.execute(change)
    assert titles(client.get("/programmes/", {"q": "zebra"})) == []  # this worker's snapshot
    catalogue_changed()  # what that server's change does, in the same transaction
    assert titles(client.get("/programmes/", {"q": "zebra"})) == ["Active Bystander Training"]


def test_downloads_and_feed_list_what_the_page_lists(client, catalogue):
    found, _ = everything_found(client, {"q": "london", "sort": "title"})
    csv_text = client.get("/programmes/export.csv", {"q": "london", "sort": "title"})
    rows = csv_text.content.decode().splitlines()[1:]
    assert [row.split(",")[0].strip('"') for row in rows] == found
    feed = client.get("/programmes/feed/", {"q": "london"}).content.decode()
    assert feed.count("<entry ") == len(found)  # <entry xml:base="...">


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
    st.lists(st.text(alphabet="ab- \n\u00a0é.'", max_size=30), max_size=8),
    st.text(alphabet="abé", min_size=1, max_size=4),
)
def test_a_place_knows_exactly_the_words_and_stems_of_its_texts(texts, prefix):
    """Each place's dictionaries agree with reading each text on its own."""
    place = Place(texts)
    for i, text in enumerate(texts):
        read = words(text)
        assert {w for w, ps in place.words.items() if i in ps} == {w.text for w in read}
        assert {s for s, ps in place.stems.items() if i in ps} == {w.stem for w in read}
    every_word = {w.text for text in texts for w in words(text)}
    expected = {w for w in every_word if w.startswith(prefix) and w != prefix}
    assert set(place.starting_with(prefix)) == expected


@RELAXED
@given(
    st.sampled_from(["leadership", "recruitment", "bystander", "calibre", "harassment"]),
    st.integers(min_value=0, max_value=20),
    st.sampled_from("xqz"),
)
def test_a_misspelt_word_is_corrected_to_a_catalogue_word_and_a_real_one_never(
    catalogue, word, at, letter
):
    index = current_index()
    # A word the catalogue has is searched for as it is.
    assert read_query(word, index).corrections == {}
    misspelt = word[: at % len(word)] + letter + word[at % len(word) + 1 :]
    if misspelt[0] != word[0]:
        return  # the first letter is never corrected
    corrections = read_query(misspelt, index).corrections
    if index.finds(words(misspelt)[0]):
        assert corrections == {}
    else:
        assert corrections == {misspelt: word}


def test_a_topic_no_published_programme_has_is_ignored_with_a_notice(client, catalogue):
    """Only topics in use are public (a topic on drafts alone is not): a link to
    another one gets a notice, and costs no query to look it up."""
    from taggit.models import Tag

    Tag.objects.create(name="Not yet used", slug="not-yet-used")
    response = client.get("/programmes/", {"tag": ["not-yet-used", "wres", "no-such-topic"]})
    notices = response.context["notices"]
    assert notices == [
        "We ignored the topic “not-yet-used”: no programme has it.",
        "We ignored the topic “no-such-topic”: no programme has it.",
    ]
    chosen = {o.value: o for f in response.context["facets"] if f.name == "tag" for o in f.options}
    assert "not-yet-used" not in chosen
    assert chosen["wres"].selected
    assert chosen["wres"].count > 0


def test_a_vocabulary_change_is_used_at_the_next_search(client, catalogue):
    assert titles(client.get("/programmes/", {"q": "zebra"})) == []
    group = VocabularyGroup.objects.create(terms="zebra, bystander")
    assert titles(client.get("/programmes/", {"q": "zebra"})) == ["Active Bystander Training"]
    group.terms = "zebra, crossing"
    group.save()
    assert titles(client.get("/programmes/", {"q": "zebra"})) == []


# --- Memory after a build (programmes/finder/memory.py) ----------------------------------


@pytest.fixture
def web_process(monkeypatch):
    """This process as a gunicorn worker is (lwrs_site.db.serving())."""
    monkeypatch.setattr(memory, "is_serving", lambda: True)
    yield
    gc.unfreeze()


def test_a_web_process_keeps_its_index_out_of_full_collections(catalogue, web_process):
    gc.unfreeze()
    index = current_index()
    assert gc.get_freeze_count() > 0
    tracked_in_the_index = {id(card) for card in index.cards}
    assert not tracked_in_the_index & {id(o) for o in gc.get_objects()}


def test_a_rebuild_lets_the_last_index_go(catalogue, web_process):
    """Frozen objects are never collected: the next build must unfreeze them, or
    each edit would keep a whole index alive for good."""
    gc.unfreeze()
    box = Box([])  # in use while the index is built, so frozen with it
    last = weakref.ref(current_index())
    garbage = weakref.ref(box)
    del box  # now garbage: a cycle, which only the collector frees
    gc.collect()
    assert garbage() is not None  # frozen objects are not collected
    Programme.objects.filter(slug="active-bystander-training").update(title="Renamed")
    assert current_index().cards  # rebuilt: a new version
    assert last() is None
    assert garbage() is None


class Box:
    def __init__(self, content):
        self.content = content
        content.append(self)  # the box and its list hold each other
