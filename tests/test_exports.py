"""CSV and JSON downloads of the catalogue, honouring its search, filters and sort."""

import csv
import io
import json
import re

import pytest
from django.urls import resolve

from programmes.exports import CSV_COLUMNS
from programmes.finder.index import BUILD_QUERIES
from programmes.models import Programme


def download_csv(client, query=""):
    response = client.get(f"/programmes/export.csv{query}", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lwrs-programmes.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    return rows


def download_json(client, query=""):
    response = client.get(f"/programmes/export.json{query}", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="lwrs-programmes.json"'
    return json.loads(response.content)


def catalogue_titles(client, query=""):
    """The titles the catalogue page shows for the same parameters, in its order."""
    html = client.get(f"/programmes/{query}").content.decode()
    results = html[html.index('class="nhsuk-list app-results"') :]
    return [
        t.replace("&amp;", "&")
        for t in re.findall(r'class="nhsuk-card__link"[^>]*>([^<]+)<', results)
    ]


def test_csv_holds_every_published_programme_a_to_z(client, catalogue):
    Programme.objects.create(title="A hidden draft", summary="s", is_published=False)
    rows = download_csv(client)
    assert list(rows[0]) == [name for name, _ in CSV_COLUMNS]
    titles = [row["Title"] for row in rows]
    assert len(titles) == 12
    assert "A hidden draft" not in titles
    assert titles == catalogue_titles(client)

    row = next(r for r in rows if r["Title"] == "London De-bias Recruitment Toolkit")
    assert row["Web address"] == "https://testserver/programmes/london-de-bias-recruitment-toolkit/"
    assert row["Launched"] == "July 2021"
    assert row["Status"] in {"In action", "Being developed", "Ended"}
    assert row["Contact emails"] == "London.RaceStrategy@nhs.net"
    assert row["Last updated"]


@pytest.mark.parametrize(
    "query",
    ["?tag=wres", "?q=bias", "?status=being-developed", "?partner=brap&kind=training", "?q=zzzz"],
)
def test_downloads_hold_what_the_catalogue_shows(client, catalogue, query):
    expected = catalogue_titles(client, query) if "zzzz" not in query else []
    assert [row["Title"] for row in download_csv(client, query)] == expected
    data = download_json(client, query)
    assert [p["title"] for p in data["programmes"]] == expected
    assert data["count"] == len(expected)


def test_search_downloads_keep_the_relevance_order(client, catalogue):
    rows = download_csv(client, "?q=bias")
    assert rows[0]["Title"] == "London De-bias Recruitment Toolkit"


def test_downloads_ignore_the_page_number(client, make_programmes):
    make_programmes(25)  # two catalogue pages
    assert len(download_csv(client, "?page=2")) == 25
    assert download_json(client, "?page=2")["count"] == 25


def test_json_describes_each_programme_fully(client, programme):
    programme.title = "Équipe “inclusion” programme"
    programme.save()
    response = client.get("/programmes/export.json", secure=True)
    assert "“inclusion”" in response.content.decode()  # readable, not \u escapes
    [record] = download_json(client)["programmes"]
    assert record["title"] == "Équipe “inclusion” programme"
    assert record["url"] == f"https://testserver{programme.get_absolute_url()}"
    assert record["status"] == "in-action"
    assert record["status_label"] == "In action"
    assert record["format"] == "training"
    assert record["launched_on"] == "2021-07-01"
    assert record["launch_precision"] == "month"
    assert record["launched"] == "July 2021"
    assert record["audiences"] == ["Line managers and supervisors"]
    assert record["partners"] == [
        {
            "name": "Example Partner Trust",
            "role": "Delivery partner",
            "url": "https://testserver/partners/example-partner-trust/",
        }
    ]
    assert record["contacts"] == [
        {"name": "Example team", "email": "example.team@nhs.net", "phone": "", "url": ""}
    ]
    assert record["links"] == [
        {"label": "Register your interest", "url": "https://example.org/register"}
    ]
    assert record["tags"] == ["leadership", "WRES"]
    assert record["last_reviewed_on"] is None


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("https://evil.example","click")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"],
)
def test_csv_cells_never_become_spreadsheet_formulas(client, programme, title):
    programme.title = title
    programme.summary = "=1+1"
    programme.save()
    [row] = download_csv(client)
    assert row["Title"] == f"'{title}"
    assert row["Summary"] == "'=1+1"


@pytest.mark.parametrize(
    "query", ["?tag=%3Cscript%3E", "?status=nonsense&sort=sideways", "?q=%00%01", "?page=-1"]
)
def test_bad_parameters_never_fail_a_download(client, catalogue, query):
    assert len(download_csv(client, query)) <= 12
    assert download_json(client, query)["count"] <= 12


@pytest.mark.parametrize("path", ["/programmes/export.csv", "/programmes/export.json"])
def test_downloads_take_no_posts(client, db, path):
    assert client.post(path).status_code in {403, 405}


@pytest.mark.parametrize("extra", [0, 60])
def test_download_queries_do_not_grow(
    client, catalogue, make_programmes, django_assert_max_num_queries, extra
):
    make_programmes(extra)
    # The catalogue version, the programmes and their six relations (key dates
    # included); the first download after a change also builds the finder's index.
    with django_assert_max_num_queries(8 + BUILD_QUERIES):
        download_csv(client)
    with django_assert_max_num_queries(8):
        download_json(client, "?tag=shared-topic")


def test_catalogue_offers_downloads_of_what_it_shows(client, catalogue):
    html = client.get("/programmes/?tag=wres&page=1").content.decode()
    assert 'href="/programmes/export.csv?tag=wres"' in html
    assert 'href="/programmes/export.json?tag=wres"' in html
    assert 'href="/programmes/feed/?tag=wres"' in html
    plain = client.get("/programmes/").content.decode()
    assert 'href="/programmes/export.csv"' in plain
    assert "Download or follow all programmes" in plain


def test_download_addresses_never_clash_with_programme_pages(client, db):
    # Slugs cannot hold dots, so /programmes/export.csv is never a programme; a
    # programme called "Export" keeps its own page.
    Programme.objects.create(title="Export", summary="A programme on exports.", is_published=True)
    assert client.get("/programmes/export/").status_code == 200
    assert resolve("/programmes/export.csv").view_name == "programmes:export_csv"
    assert resolve("/programmes/export.json").view_name == "programmes:export_json"
    assert resolve("/programmes/export/").view_name == "programmes:detail"


def test_downloads_say_how_to_take_part(client, catalogue):
    records = {r["slug"]: r for r in download_json(client)["programmes"]}
    innovations = records["edi-innovations"]
    assert innovations["availability"] == "Closed"
    assert innovations["availability_state"] == "closed"
    core = records["london-core-managers-programme"]
    assert core["cost"] == "Free"
    assert core["delivery"] == "Self-directed: at your own pace"
    rows = download_csv(client)
    assert "Availability" in rows[0]
