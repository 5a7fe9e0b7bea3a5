"""The catalogue gets staff from a list to taking part: each result card says whether
they can join, who it is for and how it is delivered; an Availability facet; one
search box; filters folded behind one control on phones."""

import datetime

import pytest
import time_machine

from programmes.models import KeyDate, Programme
from programmes.taking_part import LONDON, KeyDateKind


@pytest.fixture(autouse=True)
def _render_every_page(settings):
    settings.PUBLIC_PAGE_CACHE = False


def facet(response, name):
    return {
        option.value: option
        for f in response.context["facets"]
        if f.name == name
        for option in f.options
    }


def card_facts(response, title):
    return dict(
        next(facts for programme, facts in response.context["cards"] if programme.title == title)
    )


def test_each_card_says_availability_who_and_delivery(client, catalogue):
    response = client.get("/programmes/")
    facts = card_facts(response, "London Core Managers Programme")
    assert facts["Who it is for"] == "Line managers and supervisors"
    assert facts["Delivery and cost"] == "Self-directed: at your own pace; Free"
    facts = card_facts(response, "EDI Innovations")
    assert facts["Availability"] == "Closed"
    html = response.content.decode()
    assert "<dt>Availability:</dt> <dd>Closed</dd>" in html
    # Nothing invented: a programme whose facts are unknown says whom to ask.
    facts = card_facts(response, "White Allies Programme")
    assert facts["Availability"] == "Ask the LWRS team"
    assert "Delivery and cost" not in facts
    # "Status: In action" tells nobody anything: it is not on the cards.
    assert "In action</strong>" not in html


def test_the_availability_facet_counts_and_filters(client, catalogue):
    response = client.get("/programmes/")
    options = facet(response, "availability")
    assert list(options)[0] == "open" or "open" not in options  # best first
    assert options["organisations"].label == "For organisations, not individuals"
    assert options["not-stated"].label == "Not stated: ask the team"
    assert options["closed"].count >= 1  # the 2022 EDI Innovations round
    chosen = client.get("/programmes/", {"availability": "closed"})
    titles = [p.title for p in chosen.context["page"].object_list]
    assert "EDI Innovations" in titles
    assert chosen.context["page"].paginator.count == options["closed"].count
    assert "Availability: Closed" in chosen.content.decode()  # a removable filter tag


def test_availability_follows_key_dates_without_an_edit(client, catalogue):
    programme = Programme.objects.get(slug="white-allies-programme")
    KeyDate.objects.create(
        programme=programme,
        kind=KeyDateKind.APPLICATIONS_OPEN,
        label="Applications open",
        starts_on=datetime.date(2027, 3, 1),
    )
    with time_machine.travel(datetime.datetime(2027, 2, 28, 12, tzinfo=LONDON), tick=False):
        response = client.get("/programmes/", {"availability": "opening"})
        assert [p.title for p in response.context["page"].object_list] == [programme.title]
        assert card_facts(response, programme.title)["Availability"] == "Opens 1 March 2027"
    with time_machine.travel(datetime.datetime(2027, 3, 1, 0, 0, 1, tzinfo=LONDON), tick=False):
        response = client.get("/programmes/", {"availability": "open"})
        assert [p.title for p in response.context["page"].object_list] == [programme.title]


def test_one_search_box_on_the_catalogue_page(client, catalogue):
    html = client.get("/programmes/").content.decode()
    assert html.count('type="search"') == 1
    assert 'id="search-field"' not in html  # the header's is left out here
    assert 'id="search-field"' in client.get("/about/").content.decode()


def test_filters_are_one_folded_control_that_counts_the_chosen_ones(client, catalogue):
    html = client.get("/programmes/", {"tag": "wres", "kind": "training"}).content.decode()
    assert '<details class="nhsuk-details app-filters" id="filters">' in html  # folded
    assert "Filters (2)" in html
    assert "Filters (" not in client.get("/programmes/").content.decode()


def test_sort_sits_with_the_results(client, catalogue):
    html = client.get("/programmes/").content.decode()
    results = html.index('id="results"')
    assert html.index('id="sort"') > results  # beside the results, not under the filters
    assert html.index('id="filters"') < results


def test_long_facet_lists_fold_their_tail(client, catalogue, make_programmes):
    make_programmes(30)  # seven generated topics beside the documented ones
    response = client.get("/programmes/")
    topics = next(f for f in response.context["facets"] if f.name == "tag")
    assert len(topics.options) > 7
    assert len(topics.first) == 6
    assert len(topics.rest) == len(topics.options) - 6
    html = response.content.decode()
    assert f"Show {len(topics.rest)} more" in html
    # A chosen option in the tail keeps the tail open.
    chosen = topics.rest[0].value
    response = client.get("/programmes/", {"tag": chosen})
    topics = next(f for f in response.context["facets"] if f.name == "tag")
    assert topics.rest_chosen or chosen in [o.value for o in topics.first]


def test_programme_page_links_its_availability_to_the_catalogue(client, catalogue):
    html = client.get("/programmes/edi-innovations/").content.decode()
    assert 'href="/programmes/?availability=closed"' in html
    assert "Other programmes: closed" in html


def test_every_checkbox_has_its_own_id_and_label(client, catalogue, make_programmes):
    import re

    make_programmes(30)
    html = client.get("/programmes/").content.decode()
    ids = re.findall(r'<input class="nhsuk-checkboxes__input" id="([^"]+)"', html)
    labels = re.findall(r'<label class="nhsuk-label nhsuk-checkboxes__label" for="([^"]+)"', html)
    assert len(ids) == len(set(ids)) > 20
    assert labels == ids
