"""Facets on /programmes/: OR within a facet, AND across facets, counts, removable tags."""

import pytest

from programmes.models import Programme


def titles(response):
    return [p.title for p in response.context["page"].object_list]


def facet(response, name):
    return {o.value: o for f in response.context["facets"] if f.name == name for o in f.options}


def test_one_tag(client, catalogue):
    found = titles(client.get("/programmes/?tag=anti-racism"))
    assert found == ["London Anti-Racism Project", "White Allies Programme"]


def test_values_within_a_facet_combine_with_or(client, catalogue):
    found = titles(client.get("/programmes/?tag=disability&tag=bias"))
    assert found == ["Calibre Leadership Programme", "London De-bias Recruitment Toolkit"]


def test_facets_combine_with_and(client, catalogue):
    found = titles(client.get("/programmes/?tag=leadership&audience=senior-leaders"))
    assert found == ["White Allies Programme"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=being-developed", ["London Anti-Racism Project"]),
        ("kind=toolkit", ["London De-bias Recruitment Toolkit"]),
        ("partner=brap", ["White Allies Programme"]),
        ("audience=primary-care", ["WRES in Primary Care"]),
    ],
)
def test_each_facet_filters(client, catalogue, query, expected):
    assert titles(client.get(f"/programmes/?{query}")) == expected


def test_counts_are_for_the_search_and_the_other_facets(client, catalogue):
    response = client.get("/programmes/?q=wres&kind=training")
    assert titles(response) == ["WRES Experts Programme"]
    kinds = facet(response, "kind")
    # The kind facet counts ignore the kind filter itself: what choosing each would give.
    assert kinds["training"].count == 1
    assert kinds["training"].selected
    assert kinds["strategy"].count == 1
    assert kinds["data"].count == 1
    tags = facet(response, "tag")
    assert tags["wres"].count == 1  # the search and kind=training apply here
    assert "wdes" not in tags  # options that would give nothing are not offered


def test_counts_are_shown_on_the_options(client, catalogue):
    html = client.get("/programmes/").content.decode()
    assert "Leadership (2)" in html
    assert "In action (11)" in html


def test_selected_filters_can_be_removed_one_by_one(client, catalogue):
    response = client.get("/programmes/?q=leadership&tag=leadership&tag=disability&page=1")
    selected = response.context["selected"]
    labels = [s["label"] for s in selected]
    assert labels == ["leadership", "disability"]
    remove_leadership = selected[0]["remove_url"]
    assert remove_leadership == "?q=leadership&tag=disability"
    html = response.content.decode()
    assert "Remove filter" in html
    assert 'href="?q=leadership"' in html  # Clear filters keeps the search


def test_facet_options_are_checkboxes_in_a_plain_get_form(client, catalogue):
    html = client.get("/programmes/?tag=wres").content.decode()
    assert '<form class="app-finder" method="get" action="/programmes/"' in html
    assert 'name="tag" type="checkbox" value="wres" checked' in html
    assert ">Apply filters</button>" in html


def test_pagination_keeps_the_other_parameters(client, catalogue, make_programmes):
    make_programmes(45)
    response = client.get("/programmes/?tag=shared-topic&sort=title")
    assert response.context["page"].paginator.count == 45
    assert len(titles(response)) == 20
    html = response.content.decode()
    assert 'href="?tag=shared-topic&amp;sort=title&amp;page=2"' in html
    assert 'aria-label="Pagination"' in html
    page3 = client.get("/programmes/?tag=shared-topic&sort=title&page=3")
    assert len(titles(page3)) == 5


@pytest.mark.parametrize(
    ("raw", "shown"), [("0", 1), ("-1", 1), ("abc", 1), ("99999", 3), ("2", 2)]
)
def test_page_numbers_out_of_range_go_to_the_nearest_page(
    client, catalogue, make_programmes, raw, shown
):
    make_programmes(45)
    response = client.get("/programmes/", {"page": raw})
    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_filtered_views_are_not_indexed_but_the_catalogue_is(client, catalogue):
    noindex = '<meta name="robots" content="noindex">'
    assert noindex not in client.get("/programmes/").content.decode()
    assert noindex in client.get("/programmes/?tag=wres").content.decode()
    assert noindex in client.get("/programmes/?q=bias").content.decode()


def test_programme_page_links_to_the_filtered_catalogue(client, catalogue):
    html = client.get("/programmes/white-allies-programme/").content.decode()
    assert 'href="/programmes/?tag=anti-racism"' in html
    assert 'href="/programmes/?audience=senior-leaders"' in html
    assert 'href="/programmes/?kind=training"' in html
    assert 'href="/programmes/?partner=brap"' in html
    # "In action" is not shown (availability is); "Being developed" is, as the stage.
    assert "?status=in-action" not in html
    project = client.get("/programmes/london-anti-racism-project/").content.decode()
    assert 'href="/programmes/?status=being-developed"' in project


def test_drafts_are_never_counted(client, catalogue):
    Programme.objects.create(title="Secret draft", summary="s", is_published=False, kind="toolkit")
    response = client.get("/programmes/?kind=toolkit")
    assert titles(response) == ["London De-bias Recruitment Toolkit"]
    assert facet(response, "kind")["toolkit"].count == 1


def test_title_names_the_filters_and_the_page(client, catalogue, make_programmes):
    make_programmes(30)
    html = client.get("/programmes/?tag=wres&partner=brap").content.decode()
    assert (
        "<title>Programmes and initiatives, filtered by WRES, BRAP - LWRS programmes</title>"
        in html
    )
    html = client.get("/programmes/?page=2").content.decode()
    assert "(page 2 of 3)" in html


def test_no_empty_filter_list_when_nothing_matches(client, catalogue):
    html = client.get("/programmes/?q=zzzzzz").content.decode()
    assert 'id="filters"' not in html
    assert "No programmes found" in html


def test_large_facets_offer_the_most_used_options_and_any_chosen(
    client, catalogue, make_programmes
):
    from taggit.models import Tag

    from programmes.finder import MAX_OPTIONS

    make_programmes(20)
    rare = Tag.objects.create(name="zz rare topic", slug="zz-rare-topic")
    Programme.objects.get(slug="lwrs-evaluation").tags.add(rare)
    response = client.get("/programmes/")
    tags = facet(response, "tag")
    assert len(tags) == MAX_OPTIONS
    assert "shared-topic" in tags  # the most used
    assert "zz-rare-topic" not in tags
    assert "Search to find others." in response.content.decode()
    chosen = facet(client.get("/programmes/?tag=zz-rare-topic"), "tag")
    assert chosen["zz-rare-topic"].selected


def test_status_and_format_counts_and_the_total_come_from_one_grouping(client, catalogue):
    response = client.get("/programmes/?status=in-action&kind=training&kind=toolkit")
    expected = Programme.objects.published().filter(
        status="in-action", kind__in=["training", "toolkit"]
    )
    assert response.context["page"].paginator.count == expected.count()
    assert len(titles(response)) == expected.count()
    statuses = facet(response, "status")
    # Status counts ignore the status filter but keep the format one, and so on.
    assert statuses["in-action"].count == expected.count()
    assert "being-developed" not in statuses  # nothing being developed is training or a toolkit
    kinds = facet(response, "kind")
    assert kinds["guidance"].count == 1  # International Medical Graduates, in action
    assert "project" not in kinds  # the only project is being developed


@pytest.mark.parametrize("limit", [1, 1000])
def test_programmes_are_fetched_in_the_finders_order_one_slice_or_many(
    client, catalogue, monkeypatch, limit
):
    """Programmes are fetched by id, FETCH_BY_ID_LIMIT at a time, in the finder's order."""
    monkeypatch.setattr("programmes.finder.index.FETCH_BY_ID_LIMIT", limit)
    response = client.get("/programmes/?q=wres&kind=training&kind=strategy")
    assert titles(response) == ["WRES Experts Programme", "WRES in Primary Care"]
    assert facet(response, "kind")["training"].count == 1
