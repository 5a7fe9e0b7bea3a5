"""SQL queries per page stay fixed however many programmes there are."""

import pytest

LIST_QUERIES = 8
DETAIL_QUERIES = 6


# Each page is counted as a first visit after an editor's change costs: the page
# cache reads the catalogue version (1 query) and misses, the finder builds its
# index again (finder.index.BUILD_QUERIES), and the page is rendered. A repeat
# visit is the version query alone: tests/test_page_cache.py pins that.


CATALOGUE_VIEWS = [
    "/programmes/",
    "/programmes/?q=wres",
    "/programmes/?tag=wres&tag=shared-topic&partner=example-partner-trust&audience=line-managers",
    "/programmes/?q=programme&status=in-action&kind=training&sort=newest&page=2",
]


@pytest.mark.parametrize("extra", [0, 288])  # 12 and 300 programmes
@pytest.mark.parametrize("path", CATALOGUE_VIEWS)
def test_catalogue_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries, extra, path
):
    make_programmes(extra)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 200])
def test_programme_page_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries, extra
):
    make_programmes(extra)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get("/programmes/active-bystander-training/")
    assert response.status_code == 200


def test_partner_pages_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries
):
    make_programmes(200)
    with django_assert_max_num_queries(3):
        assert client.get("/partners/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/partners/example-partner-trust/").status_code == 200
