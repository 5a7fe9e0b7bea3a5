"""The programmes booklet: /programmes/booklet.pdf, an accessible PDF of the catalogue,
made once per catalogue version and linked with its real size and pages."""

import datetime
import io
import logging
import re
import threading
import time

import pytest
import time_machine
from django.core.cache import cache
from pypdf import PdfReader

from programmes import booklet
from programmes.models import Programme
from programmes.taking_part import LONDON, london_today

ALL_TITLES_QUERY = ""


@pytest.fixture(autouse=True)
def _empty_cache():
    """Booklets and their facts are kept in the cache: each test starts without any."""
    cache.clear()
    yield
    cache.clear()


def download(client, query=""):
    response = client.get(f"/programmes/booklet.pdf{query}", secure=True)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lwrs-programmes-booklet.pdf"'
    assert response.content.startswith(b"%PDF-1.7")
    return response


def read(response):
    return PdfReader(io.BytesIO(response.content))


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text):
    """Extracted text with its line breaks and repeated spaces made single spaces."""
    return " ".join(text.split())


def outline(reader):
    """(title, page number from 1) of each top-level bookmark."""
    return [
        (entry.title, reader.get_destination_page_number(entry) + 1)
        for entry in reader.outline
        if not isinstance(entry, list)
    ]


def structure_elements(reader):
    """Every element of the PDF's structure tree (its tags), depth first."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    found, todo = [], [root]
    while todo:
        node = todo.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object()
            if isinstance(kid, dict) and kid.get("/Type") == "/StructElem":
                found.append(kid)
                todo.append(kid)
    return found


def published_titles():
    return sorted(Programme.objects.published().values_list("title", flat=True), key=str.lower)


# --- What it holds ------------------------------------------------------------


def test_the_booklet_of_the_documented_catalogue_is_an_accessible_pdf(client, catalogue):
    Programme.objects.create(
        title="Unannounced Draft Scheme", summary="Not public yet.", is_published=False
    )
    reader = read(download(client))
    text = flat(text_of(reader))
    titles = published_titles()
    assert len(titles) == 12
    for title in titles:
        assert title in text, title
    assert "Unannounced Draft Scheme" not in text

    # Declared: title, language, tagged (a structure tree), PDF/UA-1.
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "London Workforce Race Strategy programmes and initiatives"
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part[^0-9]{1,3}1", xmp), xmp
    tags = {element["/S"] for element in structure_elements(reader)}
    assert {"/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Figure", "/Link"} <= tags

    # Every image (the NHS logo, the QR codes) has alternative text.
    figures = [e for e in structure_elements(reader) if e["/S"] == "/Figure"]
    assert len(figures) == 1 + 12
    alts = sorted(str(figure["/Alt"]) for figure in figures)
    assert alts[0] == "NHS"
    assert all(
        alt.startswith("QR code to the programme’s web page, https://testserver/")
        for alt in alts[1:]
    )

    # One bookmark a programme, A to Z as the catalogue lists them, between the
    # contents and the strategy before and the contact after.
    bookmarks = outline(reader)
    assert [title for title, _ in bookmarks] == [
        "Contents",
        "The strategy in brief",
        *titles,
        "Contact the LWRS team",
    ]
    # Each programme from a page of its own; the contents page gives the right numbers.
    pages = [page for _, page in bookmarks]
    assert pages == sorted(pages)
    assert len(set(pages)) == len(pages)
    contents = flat(reader.pages[1].extract_text())
    for title, page in bookmarks[1:]:
        assert re.search(rf"{re.escape(title)} ?\.*\s*{page}\b", contents), (title, page, contents)
    assert len(reader.pages) == bookmarks[-1][1]
    # Real text where it matters: a programme's page has its web address, facts and contact.
    toolkit = next(p for t, p in bookmarks if t == "London De-bias Recruitment Toolkit")
    page = flat(reader.pages[toolkit - 1].extract_text())
    assert "https://testserver/programmes/london-de-bias-recruitment-toolkit/" in page
    assert "Launched July 2021" in page
    assert "London.RaceStrategy@nhs.net" in page
    assert "Availability:" in page
    # The strategy in brief, from the about page's facts.
    assert "published in October 2020 with 15 recommendations" in text
    assert "44.9% of London NHS staff" in text


def test_a_programme_shows_its_taking_part_facts_dates_and_partners(client, programme):
    today = london_today()
    programme.who_can_take_part = "Line managers in London NHS trusts."
    programme.cost = "Free"
    programme.delivery = Programme.Delivery.ONLINE
    programme.save()
    programme.key_dates.create(
        kind="applications-close",
        label="Applications close for the spring cohort",
        starts_on=today + datetime.timedelta(days=30),
    )
    programme.key_dates.create(
        kind="event", label="A past launch event", starts_on=today - datetime.timedelta(days=30)
    )
    text = flat(text_of(read(download(client))))
    assert "Who can take part Line managers in London NHS trusts." in text
    assert "Cost Free" in text
    assert "How it is delivered Online" in text
    assert "Applications close for the spring cohort" in text
    assert "Open for applications until" in text
    assert "A past launch event" not in text  # a printed booklet lists what is ahead
    assert "Example Partner Trust (delivery partner)" in text
    assert "Example team: example.team@nhs.net" in text


def test_the_booklet_of_200_programmes_holds_every_one(
    client, catalogue, make_programmes, monkeypatch
):
    make_programmes(188)
    # More than a booklet holds on this site: refused, with a page saying so ...
    assert client.get("/programmes/booklet.pdf").status_code == 400
    # ... but the booklet itself scales: with the limit lifted, all 200 are in it.
    monkeypatch.setattr(booklet, "MAX_PROGRAMMES", 200)
    reader = read(download(client))
    titles = published_titles()
    assert len(titles) == 200
    text = flat(text_of(reader))
    missing = [title for title in titles if title not in text]
    assert not missing
    assert [title for title, _ in outline(reader)][2:-1] == titles
    assert len(reader.pages) >= 200 + 4


def test_a_filtered_booklet_lists_only_the_programmes_found(client, catalogue):
    found = sorted(
        Programme.objects.published().filter(tags__slug="wres").values_list("title", flat=True),
        key=str.lower,
    )
    assert 0 < len(found) < 12
    reader = read(download(client, "?tag=wres"))
    text = flat(text_of(reader))
    assert [title for title, _ in outline(reader)][2:-1] == found
    for title in set(published_titles()) - set(found):
        assert title not in text, title
    assert "The programmes found for Topic: WRES" in text
    assert f"{len(found)} programme" in text
    # Searched and sorted as the catalogue is.
    reader = read(download(client, "?q=leadership&sort=title"))
    assert [title for title, _ in outline(reader)][2:-1]
    assert "Search: “leadership”" in flat(text_of(reader))


def test_filters_that_match_nothing_give_a_valid_pdf_saying_so(client, catalogue):
    reader = read(download(client, "?q=zzqxv&status=ended"))
    text = flat(text_of(reader))
    assert "No programmes match these filters" in text
    assert "0 programmes" in text
    assert [title for title, _ in outline(reader)] == [
        "Contents",
        "The strategy in brief",
        "Contact the LWRS team",
    ]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


@pytest.mark.parametrize(
    "query",
    [
        "?tag=no-such-topic",
        "?status=nonsense&kind=&page=-1",
        "?q=%00%ff&sort=%3Cscript%3E",
        "?q=" + "x" * 2000,
        "?audience=" + "a" * 300,
        "?spelling=exact&q=leadrship",
    ],
)
def test_bad_parameters_never_break_the_booklet(client, catalogue, query):
    response = client.get(f"/programmes/booklet.pdf{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF")


def test_the_render_logs_no_accessibility_error(client, catalogue, caplog):
    """WeasyPrint logs an error for an image without alternative text or a document
    without a language: none may appear."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        download(client)
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")], caplog.text


def test_the_render_fetches_nothing_but_data_uris():
    fetcher = booklet._data_uris_only()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff2")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


# --- Made once per catalogue version ----------------------------------------------


def test_a_second_download_is_served_from_the_cache(client, catalogue, django_assert_num_queries):
    first = download(client)
    renders = booklet.renders
    # The catalogue version and nothing else: no programme is read, nothing rendered.
    with django_assert_num_queries(1):
        second = download(client)
    assert booklet.renders == renders
    assert second.content == first.content

    # An edit makes a new version: the next download is a new booklet.
    toolkit = Programme.objects.get(slug="london-de-bias-recruitment-toolkit")
    toolkit.title = "London De-bias Recruitment Toolkit, second edition"
    toolkit.save()
    third = download(client)
    assert booklet.renders == renders + 1
    assert "second edition" in flat(text_of(read(third)))


def test_a_burst_of_downloads_renders_the_booklet_once():
    made = []

    def render():
        made.append(1)
        time.sleep(0.3)  # long enough for every other request to arrive meanwhile
        return booklet.Booklet(pdf=b"%PDF-1.7 test", pages=1)

    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(booklet._kept_or_rendered("booklet:test", render))
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert len(results) == 8
    assert {result.pdf for result in results} == {b"%PDF-1.7 test"}


def test_a_failed_render_lets_the_next_request_try_again():
    def broken():
        raise RuntimeError("no fonts")

    with pytest.raises(RuntimeError):
        booklet._kept_or_rendered("booklet:broken", broken)
    made = booklet._kept_or_rendered("booklet:broken", lambda: booklet.Booklet(b"%PDF", 1))
    assert made.pages == 1


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Winter and summer (British Summer Time) nights, London's wall clock.
        ((2027, 1, 14, 23, 59), (2027, 1, 15, 0, 1)),
        ((2027, 7, 14, 23, 59), (2027, 7, 15, 0, 1)),
    ],
)
def test_a_booklet_made_yesterday_is_not_served_after_midnight_in_london(
    client, programme, before, after
):
    with time_machine.travel(datetime.datetime(*before, tzinfo=LONDON), tick=False):
        made = flat(text_of(read(download(client))))
        assert f"Made on {before[2]} " in made
        renders = booklet.renders
        download(client)
        assert booklet.renders == renders  # the same day: kept
    with time_machine.travel(datetime.datetime(*after, tzinfo=LONDON), tick=False):
        remade = flat(text_of(read(download(client))))
        assert booklet.renders == renders + 1
        assert f"Made on {after[2]} " in remade


# --- Too many for one booklet ----------------------------------------------------------


def test_more_programmes_than_a_booklet_holds_are_refused_with_a_way_on(
    client, catalogue, monkeypatch
):
    monkeypatch.setattr(booklet, "MAX_PROGRAMMES", 5)
    renders = booklet.renders
    response = client.get("/programmes/booklet.pdf?status=in-action")
    assert response.status_code == 400
    html = response.content.decode()
    assert "A booklet holds up to 5 programmes. You chose" in html
    assert 'href="/programmes/?status=in-action"' in html
    assert booklet.renders == renders
    # Its pages offer no link that would be refused, but say how to get one.
    home = client.get("/").content.decode()
    assert "booklet.pdf" not in home
    assert "A booklet holds up to 5 programmes: search or filter the programmes" in home
    narrowed = client.get("/programmes/?tag=wres").content.decode()
    assert "/programmes/booklet.pdf?tag=wres" in narrowed


def test_the_limit_is_what_the_readme_says():
    assert booklet.MAX_PROGRAMMES == 50


# --- Linked with its size ---------------------------------------------------------------


def link_text(html):
    match = re.search(r'<a href="/programmes/booklet\.pdf[^"]*"[^>]*>([^<]+)</a>', html)
    assert match, "no booklet link"
    return match.group(1)


def test_pages_link_the_booklet_with_its_real_size_once_made(client, catalogue):
    renders = booklet.renders
    # Before anyone downloads it: a link, no size, and no PDF rendered by the pages.
    assert (
        link_text(client.get("/", secure=True).content.decode())
        == "Download the programmes booklet (PDF)"
    )
    assert link_text(client.get("/programmes/", secure=True).content.decode()) == (
        "Download as a booklet to print (PDF)"
    )
    assert booklet.renders == renders

    pdf = download(client)
    pages = len(read(pdf).pages)
    size = f"{round(len(pdf.content) / 1000)} KB"
    # The pages cached before the booklet was made show its size now.
    assert link_text(client.get("/", secure=True).content.decode()) == (
        f"Download the programmes booklet (PDF, {pages} pages, {size})"
    )
    assert link_text(client.get("/programmes/", secure=True).content.decode()) == (
        f"Download as a booklet to print (PDF, {pages} pages, {size})"
    )
    # A filtered catalogue links its own booklet: not yet made, so no size.
    filtered = client.get("/programmes/?tag=wres&page=1", secure=True).content.decode()
    assert link_text(filtered) == "Download as a booklet to print (PDF)"
    assert 'href="/programmes/booklet.pdf?tag=wres"' in filtered
    download(client, "?tag=wres")
    filtered = client.get("/programmes/?tag=wres&page=1", secure=True).content.decode()
    assert re.fullmatch(
        r"Download as a booklet to print \(PDF, \d+ pages, \d+ KB\)", link_text(filtered)
    )


def test_a_page_with_the_booklets_size_costs_no_more_queries(
    client, catalogue, django_assert_num_queries
):
    download(client)
    client.get("/programmes/", secure=True)
    with django_assert_num_queries(1):  # the catalogue version: a cached page
        response = client.get("/programmes/", secure=True)
    assert "pages," in link_text(response.content.decode())


def test_size_labels():
    assert booklet.Booklet(b"x" * 219_600, 14).size_label == "220 KB"
    assert booklet.Booklet(b"x" * 300, 1).size_label == "1 KB"
    assert booklet.Booklet(b"x" * 1_440_000, 300).size_label == "1.4 MB"
