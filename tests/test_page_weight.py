"""What pages weigh as sent, for people on slow trust networks.

Measured as a browser receives them: gzipped by the page cache
(programmes/cache.py), which is what a visitor pays for; issue 7 asked for HTML
of at most 30 KB, bench/README.md measures it at 10,000 programmes. Each budget
is about a tenth above what the page weighed when it was set, so a page that
grows by more than that fails here and someone decides whether it is worth it.
"""

import pytest

# Bytes on the wire, gzipped. Measured when set (templates indented, as sent):
# home 2,650; catalogue 5,674; largest programme page 4,993; partners 2,397;
# a full page of 20 results 5,443.
BUDGETS = {
    "/": 3_000,
    "/programmes/": 6_300,
    "/partners/": 2_700,
}
PROGRAMME_PAGE_BUDGET = 5_500
FULL_PAGE_BUDGET = 6_000


def sent(client, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="br, gzip")  # as browsers ask
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"  # the page cache compresses public pages
    return len(response.content)


@pytest.mark.parametrize(("path", "budget"), BUDGETS.items())
def test_the_documented_pages_fit_their_budget_as_sent(client, catalogue, path, budget):
    assert sent(client, path) <= budget


def test_every_documented_programme_page_fits_its_budget_as_sent(client, catalogue):
    weights = {p.slug: sent(client, p.get_absolute_url()) for p in catalogue}
    assert max(weights.values()) <= PROGRAMME_PAGE_BUDGET, weights


def test_a_full_page_of_results_with_every_facet_fits_its_budget(
    client, catalogue, make_programmes
):
    make_programmes(60)  # 72 programmes: a full first page, seven more topics to filter by
    assert sent(client, "/programmes/") <= FULL_PAGE_BUDGET
