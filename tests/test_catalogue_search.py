"""Keyword search on /programmes/: what it finds, and in which order."""

import pytest


def titles(response):
    return [p.title for p in response.context["page"].object_list]


def test_bias_finds_the_de_bias_recruitment_toolkit_first(client, catalogue):
    response = client.get("/programmes/", {"q": "bias"})
    assert response.status_code == 200
    assert titles(response)[0] == "London De-bias Recruitment Toolkit"


def test_a_partners_name_finds_what_it_delivers(client, catalogue):
    assert titles(client.get("/programmes/", {"q": "BRAP"})) == ["White Allies Programme"]
    found = titles(client.get("/programmes/", {"q": "Active Bystander Training Company"}))
    assert found == ["Active Bystander Training"]


def test_a_need_in_everyday_words(client, catalogue):
    found = titles(client.get("/programmes/", {"q": "something on recruitment bias"}))
    assert found == ["London De-bias Recruitment Toolkit"]


def test_an_audience_is_searchable(client, catalogue):
    found = titles(client.get("/programmes/", {"q": "line managers"}))
    assert found[0] == "London Core Managers Programme"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Active Bystander Training", "Active Bystander Training"),  # exact title
        ("leadership", "Calibre Leadership Programme"),  # title beats tag
        ("WRES", "WRES Experts Programme"),  # title start, then A to Z
    ],
)
def test_title_matches_come_first(client, catalogue, query, first):
    assert titles(client.get("/programmes/", {"q": query}))[0] == first


def test_ranking_is_title_then_tags_then_summary_then_body(client, programme, make_programmes):
    from programmes.models import Programme

    def make(title, **fields):
        return Programme.objects.create(
            title=title, summary=fields.pop("summary", "s"), is_published=True, **fields
        )

    make("Body only", body="about mentoring here")
    make("Summary only", summary="a mentoring summary")
    tagged = make("Tag only")
    tagged.tags.add("mentoring")
    make("Mentoring in the title")
    found = titles(client.get("/programmes/", {"q": "mentoring"}))
    assert found == ["Mentoring in the title", "Tag only", "Summary only", "Body only"]


def test_search_is_case_insensitive_and_ignores_spacing(client, catalogue):
    assert titles(client.get("/programmes/", {"q": "  de-BIAS   "}))[0] == (
        "London De-bias Recruitment Toolkit"
    )


def test_search_shows_result_count_and_query(client, catalogue):
    html = client.get("/programmes/", {"q": "bias"}).content.decode()
    assert "1 programme</strong>" in html
    assert "matching “bias”" in html
    assert 'role="status"' in html


def test_no_results_gives_a_helpful_empty_state(client, catalogue):
    response = client.get("/programmes/", {"q": "zzzzzz", "tag": "wres"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 programmes" in html
    assert "No programmes match “zzzzzz”" in html
    assert "Clear filters" in html or "clear the filters" in html
    assert 'href="/programmes/"' in html


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("title", "Active Bystander Training"),
        ("newest", "WRES in Primary Care"),  # launched March 2023
    ],
)
def test_sort_orders(client, catalogue, sort, first):
    assert titles(client.get("/programmes/", {"sort": sort}))[0] == first


def test_recently_updated_sort(client, catalogue):
    from programmes.models import Programme

    p = Programme.objects.get(slug="lwrs-evaluation")
    p.summary += " Updated."
    p.save()
    assert titles(client.get("/programmes/", {"sort": "updated"}))[0] == "LWRS Evaluation"


def test_relevance_is_the_default_when_searching_and_a_to_z_otherwise(client, catalogue):
    searching = client.get("/programmes/", {"q": "wres"}).context["finder"]
    browsing = client.get("/programmes/").context["finder"]
    assert searching.sort_key == "relevance"
    assert browsing.sort_key == "title"


def test_a_search_made_from_the_usual_order_is_sorted_by_relevance(client, catalogue):
    """The form sends its sort menu with the search: the usual order must not pin A to Z."""
    html = client.get("/programmes/").content.decode()
    assert '<option value="" selected>A to Z</option>' in html
    searched = client.get("/programmes/", {"q": "recruitment", "sort": ""})
    assert searched.context["finder"].sort_key == "relevance"
    assert titles(searched)[0] == "London De-bias Recruitment Toolkit"
    html = searched.content.decode()
    assert '<option value="" selected>Relevance</option>' in html
    assert '<option value="title">A to Z</option>' in html
    # A sort chosen on purpose is kept.
    assert client.get("/programmes/", {"q": "recruitment", "sort": "title"}).context[
        "finder"
    ].sort_key == ("title")
