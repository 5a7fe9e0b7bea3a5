"""SQL queries per page stay fixed however many programmes there are."""

import pytest

LIST_QUERIES = 8
DETAIL_QUERIES = 6


@pytest.mark.parametrize("extra", [0, 200])
def test_catalogue_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries, extra
):
    make_programmes(extra)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/programmes/")
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
