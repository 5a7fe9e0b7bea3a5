"""Search in staff's own words: word forms, hyphens, spellings, the vocabulary,
spelling correction and partial matches, as a visitor meets them on /programmes/."""

import pytest

from programmes.finder.text import STOP_WORDS, words
from programmes.finder.vocabulary import acronyms
from programmes.models import Programme, VocabularyGroup


@pytest.fixture(autouse=True)
def _render_every_page(settings):
    settings.PUBLIC_PAGE_CACHE = False


def titles(response):
    return [p.title for p in response.context["page"].object_list]


def search(client, query, **params):
    response = client.get("/programmes/", {"q": query, **params})
    assert response.status_code == 200
    return response


# --- reading text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("partnerships", "partnership"),
        ("inducted", "induction"),
        ("behavior", "behaviour"),
        ("behavioral", "behavioural"),
        ("organization", "organisation"),
        ("analyze", "analyse"),
        ("pediatric", "paediatric"),
        ("program", "programme"),
        ("GPs", "GP"),
        ("ICSs", "ICS"),
        ("Équipe", "equipe"),
        ("arm's", "arms"),
    ],
)
def test_word_forms_and_spellings_meet(one, other):
    assert words(one)[0].stem == words(other)[0].stem


@pytest.mark.parametrize(("one", "other"), [("your", "yor"), ("size", "sise"), ("bias", "bia")])
def test_short_words_keep_their_spelling(one, other):
    assert words(one)[0].text != words(other)[0].text


def test_a_hyphenated_term_gives_its_parts_and_the_parts_joined():
    assert [(w.text, w.joined) for w in words("co-design")] == [
        ("co", False),
        ("design", False),
        ("codesign", True),
    ]
    # A dash between clauses is not a hyphen.
    assert [w.text for w in words("actions – through")] == ["actions", "through"]


def test_the_stop_words_are_a_standard_list_plus_question_fillers():
    assert {"the", "what", "is", "there", "about", "for", "programme", "looking"} <= STOP_WORDS
    assert not {"training", "racism", "nurses", "ill", "well"} & STOP_WORDS


def test_acronyms_are_explained_by_the_term_whose_initials_spell_them():
    groups = [
        ["WRES", "Workforce Race Equality Standard"],
        [
            "BME",
            "BAME",
            "ethnic minority",
            "Black and minority ethnic",
            "Black Asian and minority ethnic",
        ],
        ["GP", "primary care", "general practitioner"],
        ["data", "stats"],
    ]
    assert acronyms(groups) == {
        "WRES": "Workforce Race Equality Standard",
        "BME": "Black and minority ethnic",
        "BAME": "Black Asian and minority ethnic",
        "GP": "general practitioner",
    }


# --- what a search finds -----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("partnerships", "Active Bystander Training"),  # "partnership"
        ("inducted", "International Medical Graduates"),  # "induction"
        ("leader", "Calibre Leadership Programme"),  # the start of "leadership"
        ("co design", "London Anti-Racism Project"),  # "co-design"
        ("codesign", "London Anti-Racism Project"),
        ("co-design", "London Anti-Racism Project"),
        ("behavior", "Active Bystander Training"),  # "behaviours"
    ],
)
def test_word_forms_hyphens_and_spellings_find_the_programme(client, catalogue, query, first):
    assert titles(search(client, query))[0] == first


def test_a_short_word_never_matches_inside_another(client, catalogue):
    # "ally" is inside "internationally", "gla" inside "England".
    assert titles(search(client, "ally")) == ["White Allies Programme"]
    assert titles(search(client, "gla")) == ["London Anti-Racism Project"]
    # Nor does a short word match the start of a longer one: "car" is not "care".
    assert titles(search(client, "car")) == []


def test_format_status_and_audience_labels_are_searched(client, catalogue):
    calibre = Programme.objects.get(slug="calibre-leadership-programme")
    assert "training" not in (calibre.title + calibre.summary + calibre.body).casefold()
    assert "Calibre Leadership Programme" in titles(search(client, "training"))
    assert "London Anti-Racism Project" in titles(search(client, "being developed"))
    assert titles(search(client, "supervisors"))[0] == "London Core Managers Programme"


def test_search_keywords_find_a_programme_without_showing(client, catalogue):
    programme = Programme.objects.get(slug="lwrs-evaluation")
    assert titles(search(client, "zebra")) == []
    programme.search_keywords = "zebra, crossing"
    programme.save()
    assert titles(search(client, "zebra")) == ["LWRS Evaluation"]
    assert "zebra" not in client.get(programme.get_absolute_url()).content.decode()


def test_acronyms_find_their_long_form_and_back(client, catalogue):
    VocabularyGroup.objects.create(terms="QZX, quite zany example")
    programme = Programme.objects.get(slug="lwrs-evaluation")
    programme.body = "A quite zany example of evaluation."
    programme.save()
    assert titles(search(client, "QZX")) == ["LWRS Evaluation"]
    other = Programme.objects.get(slug="edi-innovations")
    other.body = "Our QZX work."
    other.save()
    assert titles(search(client, "quite zany example")) == ["LWRS Evaluation", "EDI Innovations"]


def test_a_synonym_ranks_below_the_word_typed(client, catalogue):
    VocabularyGroup.objects.create(terms="mentoring, coaching")
    Programme.objects.create(title="Coaching circles", summary="s", is_published=True)
    Programme.objects.create(title="Mentoring circles", summary="s", is_published=True)
    assert titles(search(client, "coaching")) == ["Coaching circles", "Mentoring circles"]
    assert titles(search(client, "mentoring")) == ["Mentoring circles", "Coaching circles"]


def test_ranking_prefers_a_whole_word_to_a_stem_to_a_start(client, catalogue):
    made = ["Leaderships", "Leaders", "Leader"]
    for title in made:
        Programme.objects.create(title=title, summary="s", is_published=True)
    # "leader": whole word, then the same stem ("leaders"), then a longer word.
    found = [title for title in titles(search(client, "leader")) if title in made]
    assert found == ["Leader", "Leaders", "Leaderships"]


# --- spelling correction -----------------------------------------------------


def test_a_misspelt_word_is_corrected_and_says_so_with_both_links(client, catalogue):
    response = search(client, "leadrship", tag="leadership")
    html = response.content.decode()
    assert titles(response) == ["Calibre Leadership Programme", "White Allies Programme"]
    assert "Showing results for" in html
    assert '<a href="?q=leadership&amp;tag=leadership"><strong><em>leadership</em>' in html
    assert "Search instead for" in html
    assert 'href="?q=leadrship&amp;tag=leadership&amp;spelling=exact"' in html
    as_typed = search(client, "leadrship", spelling="exact")
    assert titles(as_typed) == []
    assert "Showing results for" not in as_typed.content.decode()


def test_a_word_the_catalogue_has_is_never_corrected(client, catalogue):
    for query in ["calibre", "bias", "brap", "WRES", "nurses"]:  # nurses: vocabulary
        assert response_has_no_correction(search(client, query)), query


def response_has_no_correction(response):
    return response.context["finder"].corrected is None


def test_the_first_letter_is_kept_so_unrelated_words_are_not_found(client, catalogue):
    # "parking" is one letter from "marking" and two from "working": never corrected.
    assert titles(search(client, "parking")) == []
    assert response_has_no_correction(search(client, "parking"))


# --- partial matches ---------------------------------------------------------


def test_a_question_finds_the_programmes_matching_most_of_its_words(client, catalogue):
    response = search(client, "what training is there about racism for nurses")
    html = response.content.decode()
    assert response.context["finder"].partial
    assert "No programme matches all of your words. Programmes matching some of them:" in html
    # Anti-racism training first, or the anti-racism project; not training alone.
    assert set(titles(response)) == {"White Allies Programme", "London Anti-Racism Project"}


def test_a_search_the_catalogue_does_not_cover_finds_nothing_and_says_whom_to_ask(
    client, catalogue
):
    for query in ["car parking", "payslips", "staff car parking charges", "nhs pension"]:
        response = search(client, query)
        html = response.content.decode()
        assert titles(response) == [], query
        assert "No programmes found" in html
        assert "mailto:London.RaceStrategy@nhs.net" in html


def test_every_word_matching_is_not_called_partial(client, catalogue):
    response = search(client, "recruitment bias")
    assert not response.context["finder"].partial
    assert "Programmes matching some of them" not in response.content.decode()
