"""What staff searched for: anonymous weekly counts, written in batches, kept 13 months."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.finder.search_log import SEARCH_LOG, delete_old_counts, months_before
from programmes.models import SearchCount

# Tuesday 1 December 2026, 10:00 in London: its week starts on Monday 30 November.
TUESDAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
MONDAY = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def empty_log():
    def empty():
        SEARCH_LOG._pending.clear()
        SEARCH_LOG._since = SEARCH_LOG._pruned_on = None

    empty()
    yield
    empty()


def counts():
    return {
        (c.week, c.query): (c.searches, c.results, c.partial) for c in SearchCount.objects.all()
    }


@time_machine.travel(TUESDAY, tick=False)
def test_searches_are_counted_by_week_with_what_they_found(client, catalogue):
    client.get("/programmes/", {"q": "Leadership"})
    client.get("/programmes/", {"q": "  leadership "})  # the same search, folded
    client.get("/programmes/", {"q": "car parking"})
    client.get("/programmes/", {"q": "what training is there about racism for nurses"})
    client.get("/programmes/")  # no search: nothing to count
    assert SearchCount.objects.count() == 0  # nothing written yet: counted in memory
    SEARCH_LOG.flush()
    assert counts() == {
        (MONDAY, "leadership"): (2, 2, False),
        (MONDAY, "car parking"): (1, 0, False),
        (MONDAY, "what training is there about racism for nurses"): (1, 2, True),
    }


@time_machine.travel(TUESDAY, tick=False)
def test_a_cached_answer_is_counted_too(client, catalogue, settings):
    settings.PUBLIC_PAGE_CACHE = True
    for _ in range(3):
        assert client.get("/programmes/", {"q": "bias"}).status_code == 200
    SEARCH_LOG.flush()
    assert counts() == {(MONDAY, "bias"): (3, 1, False)}


@time_machine.travel(TUESDAY, tick=False)
def test_next_pages_and_editors_searches_are_not_counted(client, editor_client, catalogue):
    client.get("/programmes/", {"q": "london", "page": 2})
    editor_client.get("/programmes/", {"q": "london"})
    SEARCH_LOG.flush()
    assert counts() == {}


@time_machine.travel(TUESDAY, tick=False)
def test_a_flush_adds_to_the_week_and_a_new_week_starts_afresh(client, catalogue):
    client.get("/programmes/", {"q": "bias"})
    SEARCH_LOG.flush()
    client.get("/programmes/", {"q": "bias"})
    SEARCH_LOG.flush()
    assert counts() == {(MONDAY, "bias"): (2, 1, False)}
    # Sunday 6 December, 23:59 in London, is the same week; a minute later is not.
    with time_machine.travel(datetime.datetime(2026, 12, 6, 23, 59, tzinfo=datetime.UTC)):
        client.get("/programmes/", {"q": "bias"})
    with time_machine.travel(datetime.datetime(2026, 12, 7, 0, 1, tzinfo=datetime.UTC)):
        client.get("/programmes/", {"q": "bias"})
    SEARCH_LOG.flush()
    assert counts() == {
        (MONDAY, "bias"): (3, 1, False),
        (datetime.date(2026, 12, 7), "bias"): (1, 1, False),
    }


def test_the_week_is_londons(client, catalogue):
    # 23:30 on Sunday 28 June 2026 in UTC is 00:30 on Monday in London (BST).
    with time_machine.travel(datetime.datetime(2026, 6, 28, 23, 30, tzinfo=datetime.UTC)):
        client.get("/programmes/", {"q": "bias"})
    SEARCH_LOG.flush()
    assert list(counts()) == [(datetime.date(2026, 6, 29), "bias")]


def test_nothing_but_the_words_the_week_and_counts_is_stored():
    assert {f.name for f in SearchCount._meta.get_fields()} == {
        "id",
        "week",
        "query",
        "searches",
        "results",
        "partial",
    }


@time_machine.travel(TUESDAY, tick=False)
def test_counts_are_written_in_a_batch_after_the_response_when_due(client, catalogue, settings):
    settings.SEARCH_LOG_MAX_PENDING = 3
    client.get("/programmes/", {"q": "one"})
    client.get("/programmes/", {"q": "two"})
    assert SearchCount.objects.count() == 0
    client.get("/programmes/", {"q": "three"})  # the third different search: due
    assert SearchCount.objects.count() == 3
    settings.SEARCH_LOG_MAX_PENDING = 10**9
    settings.SEARCH_LOG_FLUSH_SECONDS = 60
    client.get("/programmes/", {"q": "four"})
    assert SearchCount.objects.count() == 3
    with time_machine.travel(TUESDAY + datetime.timedelta(seconds=61), tick=False):
        client.get("/programmes/", {"q": "five"})
    assert SearchCount.objects.count() == 5


@time_machine.travel(TUESDAY, tick=False)
def test_a_page_does_not_wait_for_counts(client, catalogue, settings):
    """The write happens after the response (request_finished), in one query per search."""
    settings.SEARCH_LOG_MAX_PENDING = 1
    with CaptureQueriesContext(connection) as queries:
        client.get("/programmes/", {"q": "bias"})
    writes = [q["sql"] for q in queries if "programmes_searchcount" in q["sql"]]
    assert writes  # written: the flush ran at the end of the request
    assert SearchCount.objects.get().searches == 1


def test_a_database_error_loses_the_counts_not_the_page(client, catalogue, monkeypatch, caplog):
    client.get("/programmes/", {"q": "bias"})

    def broken(pending):
        raise RuntimeError("database gone")

    monkeypatch.setattr("programmes.finder.search_log._write", broken)
    SEARCH_LOG.flush()  # does not raise
    assert "Could not record 1 searches" in caplog.text
    assert SEARCH_LOG._pending == {}


@pytest.mark.parametrize(
    ("today", "kept_from"),
    [
        (datetime.date(2026, 12, 1), datetime.date(2025, 11, 1)),
        (datetime.date(2027, 3, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2028, 3, 30), datetime.date(2027, 2, 28)),
    ],
)
def test_thirteen_months_back(today, kept_from):
    assert months_before(today, 13) == kept_from


def test_counts_older_than_13_months_are_deleted(db):
    for week in [datetime.date(2025, 10, 27), datetime.date(2025, 11, 3)]:
        SearchCount.objects.create(week=week, query="old", searches=1)
    # On 1 December 2026 the cut-off is 1 November 2025: one week either side.
    assert delete_old_counts(datetime.date(2026, 12, 1)) == 1
    assert list(SearchCount.objects.values_list("week", flat=True)) == [datetime.date(2025, 11, 3)]


def test_old_counts_go_when_counts_are_written(client, catalogue):
    SearchCount.objects.create(week=datetime.date(2020, 1, 6), query="old", searches=1)
    client.get("/programmes/", {"q": "bias"})
    SEARCH_LOG.flush()
    assert not SearchCount.objects.filter(query="old").exists()
