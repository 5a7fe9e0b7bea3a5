"""How well search answers staff's own words (tests/search_judgements.py).

success@1: the first result is one a judge accepts; success@3: one of the
first three is; zero results: searches that should find something and found
nothing. The figures are printed; the test fails below the issue's bar.
"""

import pytest

from programmes.models import Programme

from .search_judgements import JUDGEMENTS

SUCCESS_AT_1 = 0.85
SUCCESS_AT_3 = 0.95
ZERO_RESULTS = 0.05


@pytest.fixture
def slugs(settings, catalogue):
    settings.PUBLIC_PAGE_CACHE = False
    return dict(Programme.objects.values_list("pk", "slug"))


def search(client, query):
    response = client.get("/programmes/", {"q": query})
    assert response.status_code == 200
    finder = response.context["finder"]
    return finder, [p.slug for p in response.context["page"].object_list]


def test_there_are_enough_judgements():
    kinds = {kind for kind, _, _ in JUDGEMENTS}
    assert len(JUDGEMENTS) >= 80
    assert {"exact", "word forms", "acronyms", "synonyms", "typos", "questions", "nothing"} <= kinds


def test_search_finds_what_staff_mean(client, slugs, capsys):
    first, top3, empty, wrong, should_find = 0, 0, [], [], 0
    misses = []
    for kind, query, accepted in JUDGEMENTS:
        _, found = search(client, query)
        if not accepted:
            if found:
                wrong.append((query, found[:3]))
            continue
        should_find += 1
        first += bool(found) and found[0] in accepted
        top3 += any(slug in accepted for slug in found[:3])
        if not found:
            empty.append(query)
        if not found or found[0] not in accepted:
            misses.append((kind, query, found[:3]))
    figures = {
        "success@1": first / should_find,
        "success@3": top3 / should_find,
        "zero results": len(empty) / should_find,
    }
    with capsys.disabled():
        print(f"\nSearch relevance over {len(JUDGEMENTS)} judged searches:")
        for name, value in figures.items():
            print(f"  {name}: {value:.3f}")
        for kind, query, found in misses:
            print(f"  not first ({kind}): {query!r} -> {found}")
        for query, found in wrong:
            print(f"  should find nothing: {query!r} -> {found}")
    assert figures["success@1"] >= SUCCESS_AT_1
    assert figures["success@3"] >= SUCCESS_AT_3
    assert figures["zero results"] <= ZERO_RESULTS
    assert wrong == []
