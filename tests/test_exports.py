"""CSV and JSON downloads of the catalogue, honouring its search, filters and sort."""

import csv
import datetime
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from jsonschema import Draft202012Validator, FormatChecker

from programmes.exports import CSV_COLUMNS, LIST_SEPARATOR, SCHEMA_FILE, SCHEMA_VERSION
from programmes.finder.index import BUILD_QUERIES
from programmes.models import (
    Audience,
    Contact,
    KeyDate,
    Partner,
    Programme,
    ProgrammeLink,
    ProgrammePartner,
)
from programmes.taking_part import Availability, KeyDateKind

ROOT = Path(__file__).resolve().parent.parent


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


# --- The JSON download's schema (docs/export.schema.json) -----------------------

SCHEMA = json.loads(SCHEMA_FILE.read_text())


def formats():
    """jsonschema's format checks, with "uri" and "date-time" checked here (its own
    need packages we do not otherwise use)."""
    checker = FormatChecker()

    @checker.checks("uri", raises=ValueError)
    def is_uri(value):
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        if parts.scheme == "mailto":
            return "@" in parts.path
        return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in value

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        return datetime.datetime.fromisoformat(value).tzinfo is not None

    return checker


def strict(schema):
    """The schema with no field left undescribed: every object it describes may hold
    only the properties it names. (The published schema lets readers meet fields a
    later minor version adds.)"""
    if isinstance(schema, dict):
        schema = {key: strict(value) for key, value in schema.items()}
        if "properties" in schema:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [strict(value) for value in schema]
    return schema


STRICT = Draft202012Validator(strict(SCHEMA), format_checker=formats())


def valid(data):
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in STRICT.iter_errors(data)
    ]
    assert not errors, errors[:10]
    return data


def object_schemas(schema):
    if isinstance(schema, dict):
        if "properties" in schema:
            yield schema
        for value in schema.values():
            yield from object_schemas(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from object_schemas(value)


def test_the_schema_is_draft_2020_12_and_describes_every_field():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for schema in object_schemas(SCHEMA):
        # Every field is always there (null or empty when not known), and described.
        assert schema["required"] == list(schema["properties"])
        for name, field in schema["properties"].items():
            assert field.get("description"), name
    # Its version, in one voice: the title, the note and what downloads say they follow.
    assert SCHEMA["title"].endswith(f"version {SCHEMA_VERSION}")
    assert SCHEMA["$comment"].startswith(f"Version {SCHEMA_VERSION}.")
    assert re.fullmatch(SCHEMA["properties"]["schema_version"]["pattern"], SCHEMA_VERSION)


def test_strict_validation_can_fail(client, programme):
    data = download_json(client)
    data["programmes"][0]["undocumented"] = 1
    data["programmes"][0]["launched_on"] = "July 2021"
    data["programmes"][0]["last_updated"] = "2021-07-01T10:00:00"  # no offset
    data["programmes"][0]["url"] = "/programmes/x/"
    errors = {tuple(e.absolute_path) for e in STRICT.iter_errors(data)}
    assert errors == {
        ("programmes", 0),
        ("programmes", 0, "launched_on"),
        ("programmes", 0, "last_updated"),
        ("programmes", 0, "url"),
    }


def test_the_download_of_the_documented_programmes_follows_the_schema(client, catalogue):
    data = valid(download_json(client))
    assert data["count"] == 12


def fill(programme, i):
    """Every optional field of a programme filled in, varied by i."""
    precisions = [Programme.Precision.DAY, Programme.Precision.MONTH, Programme.Precision.YEAR]
    programme.body = "More *detail*."
    programme.launched_on = datetime.date(2020, 1 + i % 12, 1)
    programme.launch_precision = precisions[i % 3]
    programme.last_reviewed_on = datetime.date(2026, 6, 1)
    programme.who_can_take_part = "Line managers in London NHS trusts."
    programme.how_to_take_part = "Email the LWRS team."
    programme.cta_label = "Register your interest"
    programme.cta_url = "https://example.org/apply" if i % 2 else "mailto:team@nhs.net"
    programme.cost = "Free"
    programme.time_commitment = "Two hours"
    programme.delivery = list(Programme.Delivery)[i % 4]
    programme.location = "Online"
    programme.availability = list(Availability)[i % len(Availability)]
    programme.save()
    programme.contacts.add(Contact.objects.create(name=f"Phone only {i}", phone="020 7946 0000"))
    ProgrammeLink.objects.create(programme=programme, label="Guide", url="https://example.org/g")
    kinds = list(KeyDateKind)
    KeyDate.objects.create(
        programme=programme,
        kind=kinds[i % len(kinds)],
        label="Applications close",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 1, 3) if i % 2 else None,
        url="https://example.org/book" if i % 2 else "",
    )


def test_200_programmes_with_optional_fields_filled_and_empty_follow_the_schema(
    client, make_programmes
):
    made = make_programmes(200)
    for i, programme in enumerate(made[::2]):
        fill(programme, i)
    data = valid(download_json(client))
    assert data["count"] == 200
    # Each field that may be null or empty was seen both ways.
    records = data["programmes"]
    for name in ("launched_on", "launch_precision", "call_to_action", "last_reviewed_on"):
        assert {record[name] is None for record in records} == {True, False}, name
    for name in ("launched", "cost", "delivery", "location", "who_can_take_part"):
        assert {record[name] == "" for record in records} == {True, False}, name
    dates = [d for record in records for d in record["key_dates"]]
    assert {d["ends_on"] is None for d in dates} == {True, False}
    assert {d["url"] == "" for d in dates} == {True, False}
    contacts = [c for record in records for c in record["contacts"]]
    assert {c["email"] == "" for c in contacts} == {True, False}


@pytest.mark.parametrize("query", ["?q=zzzzqqq", "?tag=wres&status=ended"])
def test_a_filter_matching_nothing_gives_an_empty_document_that_follows_the_schema(
    client, catalogue, query
):
    data = valid(download_json(client, query))
    assert data["count"] == 0
    assert data["programmes"] == []


def test_every_download_names_its_schema(client, db):
    response = client.get("/programmes/export.json", secure=True)
    data = json.loads(response.content)
    url = "https://testserver/programmes/export.schema.json"
    assert data["$schema"] == url
    assert data["schema_version"] == SCHEMA_VERSION
    assert response["Link"] == f'<{url}>; rel="describedby"; type="application/schema+json"'
    assert response["Access-Control-Expose-Headers"] == "Link"


def test_the_schema_is_served_as_it_is_in_docs(client, db):
    response = client.get("/programmes/export.schema.json", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert response.content == SCHEMA_FILE.read_bytes()
    assert resolve("/programmes/export.schema.json").view_name == "programmes:export_schema"
    assert client.post("/programmes/export.schema.json").status_code in {403, 405}


def test_the_readme_and_the_design_name_the_schema():
    for doc in ("README.md", "docs/design.md", "docs/downloads.md"):
        text = (ROOT / doc).read_text()
        assert "/programmes/export.schema.json" in text, doc
    assert "docs/export.schema.json" in (ROOT / "README.md").read_text()


# --- The CSV's columns (docs/downloads.md) ---------------------------------------


def documented_csv_columns():
    """The column names of the table under "## CSV" in docs/downloads.md, in order."""
    text = (ROOT / "docs" / "downloads.md").read_text()
    section = text[text.index("\n## CSV") :]
    return re.findall(r"^\| (?:\d+) \| ([^|]+?) \|", section, flags=re.MULTILINE)


def test_the_csv_header_row_is_the_documented_one(client, db):
    assert documented_csv_columns() == [name for name, _ in CSV_COLUMNS]
    response = client.get("/programmes/export.csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert header[0] == "\ufeffTitle"
    assert [header[0].removeprefix("\ufeff"), *header[1:]] == documented_csv_columns()


@pytest.mark.parametrize("query", ["?q=zzzzqqq", "?tag=wres&status=ended"])
def test_a_filter_matching_nothing_gives_just_the_header_row(client, catalogue, query):
    response = client.get(f"/programmes/export.csv{query}")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text == "\ufeff" + ",".join(name for name, _ in CSV_COLUMNS) + "\r\n"


def test_csv_lists_are_joined_the_same_way_everywhere(client, programme, partner):
    second = Partner.objects.create(name="Second Partner", slug="second-partner")
    ProgrammePartner.objects.create(programme=programme, partner=second, role="design")
    programme.audiences.add(Audience.objects.create(name="Nurses", slug="nurses"))
    programme.contacts.add(Contact.objects.create(name="Other team", email="other@nhs.net"))
    ProgrammeLink.objects.create(programme=programme, label="Guide", url="https://example.org/g")
    for day in (1, 2):
        KeyDate.objects.create(
            programme=programme, label=f"Session {day}", starts_on=datetime.date(2027, 1, day)
        )
    [row] = download_csv(client)
    lists = {
        "Who it is for": ["Line managers and supervisors", "Nurses"],
        "Partners": [
            "Example Partner Trust (Delivery partner)",
            "Second Partner (Designed and developed with)",
        ],
        "Contact emails": ["example.team@nhs.net", "other@nhs.net"],
        "Links": [
            "Guide: https://example.org/g",
            "Register your interest: https://example.org/register",
        ],
        "Topics": ["leadership", "WRES"],
        "Key dates": ["Session 1: 2027-01-01", "Session 2: 2027-01-02"],
    }
    for column, items in lists.items():
        assert row[column].split(LIST_SEPARATOR) == items, column
    assert LIST_SEPARATOR == "; "
