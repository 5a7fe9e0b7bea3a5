"""Availability changes at midnight in London with no edit: a cached page and the
finder's warm index never show yesterday's state the next morning, in winter, in
summer, and on the nights the clocks change (2027: 28 March and 31 October)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.cache import catalogue_version
from programmes.finder.index import current_index
from programmes.models import KeyDate
from programmes.taking_part import LONDON, KeyDateKind


def at(*args):
    """A moment given as London's wall-clock time."""
    return datetime.datetime(*args, tzinfo=LONDON)


def visit(client, programme):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def closing(programme):
    def closes_on(day):
        KeyDate.objects.create(
            programme=programme,
            kind=KeyDateKind.APPLICATIONS_CLOSE,
            label="Applications close",
            starts_on=day,
        )
        return programme

    return closes_on


# Each case: the closing day, the last second it is open and the first second it is
# closed, in London time. In summer London's midnight is 23:00 UTC the day before.
MIDNIGHTS = {
    "winter": (datetime.date(2027, 1, 31), at(2027, 1, 31, 23, 59, 59), at(2027, 2, 1, 0, 0, 1)),
    "summer": (datetime.date(2027, 6, 30), at(2027, 6, 30, 23, 59, 59), at(2027, 7, 1, 0, 0, 1)),
    # The night before the clocks go forward (at 1am GMT on 28 March): midnight is GMT.
    "before BST starts": (
        datetime.date(2027, 3, 27),
        at(2027, 3, 27, 23, 59, 59),
        at(2027, 3, 28, 0, 0, 1),
    ),
    # The first midnight in BST, 23:00 UTC on 28 March: a UTC date would still be the 28th.
    "BST has started": (
        datetime.date(2027, 3, 28),
        at(2027, 3, 28, 23, 59, 59),
        at(2027, 3, 29, 0, 0, 1),
    ),
    # The last midnight in BST (the clocks go back at 2am BST on 31 October).
    "before BST ends": (
        datetime.date(2027, 10, 30),
        at(2027, 10, 30, 23, 59, 59),
        at(2027, 10, 31, 0, 0, 1),
    ),
    # The first midnight back in GMT.
    "BST has ended": (
        datetime.date(2027, 10, 31),
        at(2027, 10, 31, 23, 59, 59),
        at(2027, 11, 1, 0, 0, 1),
    ),
}


@pytest.mark.parametrize("night", MIDNIGHTS)
def test_a_cached_page_turns_over_at_london_midnight(client, closing, night):
    day, last_open, first_closed = MIDNIGHTS[night]
    programme = closing(day)
    open_label = f"Open for applications until {day.day} {day:%B %Y}"
    with time_machine.travel(last_open - datetime.timedelta(hours=1), tick=False):
        html, _ = visit(client, programme)  # rendered and cached an hour before midnight
        assert open_label in html
    with time_machine.travel(last_open, tick=False):
        html, queries = visit(client, programme)
        assert queries == 1  # still the cached page: nothing has changed yet
        assert open_label in html
    with time_machine.travel(first_closed, tick=False):
        html, _ = visit(client, programme)
        assert open_label not in html
        assert f"Applications closed on {day.day} {day:%B %Y}" in html


@pytest.mark.parametrize("night", MIDNIGHTS)
def test_the_version_label_changes_exactly_at_london_midnight(db, night):
    _, last_open, first_closed = MIDNIGHTS[night]
    with time_machine.travel(last_open - datetime.timedelta(hours=23), tick=False):
        morning = catalogue_version()
    with time_machine.travel(last_open, tick=False):
        assert catalogue_version() == morning
    with time_machine.travel(first_closed, tick=False):
        assert catalogue_version() != morning


def test_a_warm_finder_index_is_rebuilt_after_midnight(catalogue):
    with time_machine.travel(at(2027, 3, 28, 23, 59, 59), tick=False):
        evening = current_index()
        assert current_index() is evening  # warm: the same snapshot
    with time_machine.travel(at(2027, 3, 29, 0, 0, 1), tick=False):
        assert current_index() is not evening


@pytest.mark.parametrize("night", MIDNIGHTS)
def test_the_catalogues_availability_facet_and_cards_turn_over_at_london_midnight(
    client, closing, night, settings
):
    """The cached catalogue page and the finder's warm index, crossing midnight."""
    settings.PUBLIC_PAGE_CACHE = True
    day, last_open, first_closed = MIDNIGHTS[night]
    programme = closing(day)
    url = f"/programmes/?availability=open&q={programme.title}"
    with time_machine.travel(last_open - datetime.timedelta(hours=1), tick=False):
        html = client.get(url).content.decode()  # rendered, cached, index warm
        assert f"Open for applications until {day.day} {day:%B %Y}" in html
        assert "1 programme</strong>" in html
    with time_machine.travel(last_open, tick=False):
        assert "1 programme</strong>" in client.get(url).content.decode()
    with time_machine.travel(first_closed, tick=False):
        html = client.get(url).content.decode()
        assert "0 programmes</strong>" in html
        closed = client.get(url.replace("availability=open", "availability=closed"))
        assert f"Applications closed on {day.day} {day:%B %Y}" in closed.content.decode()
