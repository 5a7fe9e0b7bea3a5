"""Taking part: availability worked out from key dates on the day, calls to action,
launch and review dates, related programmes, key dates themselves."""

import datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.core.exceptions import ValidationError

from programmes.models import (
    KeyDate,
    Programme,
    validate_call_to_action_link,
    validate_has_words,
)
from programmes.taking_part import (
    Availability,
    AvailabilityNow,
    KeyDateKind,
    add_months,
    availability,
    clock_time,
    london_today,
)

OPEN = KeyDateKind.APPLICATIONS_OPEN
CLOSE = KeyDateKind.APPLICATIONS_CLOSE
D = datetime.date


def on(today, *key_dates, choice="", ended=False):
    return availability(status_ended=ended, choice=choice, key_dates=key_dates, today=today)


# --- availability(): a pure function of status, choice, dates and the day ---------------


@pytest.mark.parametrize(
    ("today", "label", "state"),
    [
        (D(2027, 2, 28), "Opens 1 March 2027", Availability.OPENING),
        (D(2027, 3, 1), "Open for applications until 31 March 2027", Availability.OPEN),
        (D(2027, 3, 31), "Open for applications until 31 March 2027", Availability.OPEN),
        (D(2027, 4, 1), "Applications closed on 31 March 2027", Availability.CLOSED),
    ],
)
def test_a_round_with_both_dates_on_either_side_of_each(today, label, state):
    now = on(today, (OPEN, D(2027, 3, 1)), (CLOSE, D(2027, 3, 31)), choice="open")
    assert (now.label, now.state) == (label, state)


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (D(2027, 1, 31), "Open for applications until 31 January 2027"),
        (D(2027, 2, 1), "Applications closed on 31 January 2027"),
    ],
)
def test_a_closing_date_alone(today, label):
    assert on(today, (CLOSE, D(2027, 1, 31))).label == label


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (D(2027, 2, 28), "Opens 1 March 2027"),
        (D(2027, 3, 1), "Open for applications"),
    ],
)
def test_an_opening_date_alone(today, label):
    assert on(today, (OPEN, D(2027, 3, 1))).label == label


def test_the_next_round_after_a_closed_one():
    dates = [(OPEN, D(2027, 1, 1)), (CLOSE, D(2027, 1, 31)), (OPEN, D(2027, 9, 1))]
    dates += [(CLOSE, D(2027, 9, 30))]
    assert on(D(2027, 1, 15), *dates).label == "Open for applications until 31 January 2027"
    assert on(D(2027, 2, 1), *dates).label == "Opens 1 September 2027"
    assert on(D(2027, 9, 2), *dates).label == "Open for applications until 30 September 2027"
    assert on(D(2027, 10, 1), *dates).state == Availability.CLOSED


def test_a_round_open_now_is_not_hidden_by_the_next_opening():
    dates = [(CLOSE, D(2027, 1, 31)), (OPEN, D(2027, 6, 1))]
    assert on(D(2027, 1, 10), *dates).label == "Open for applications until 31 January 2027"


def test_dates_win_over_the_choice_and_other_kinds_are_ignored():
    dates = [(CLOSE, D(2027, 1, 31)), (KeyDateKind.SESSION, D(2027, 5, 1))]
    assert on(D(2027, 3, 1), *dates, choice="any-time").state == Availability.CLOSED
    only_sessions = [(KeyDateKind.SESSION, D(2027, 5, 1)), (KeyDateKind.EVENT, D(2020, 1, 1))]
    assert on(D(2027, 3, 1), *only_sessions, choice="any-time").label == "Open to join any time"


def test_ended_wins_over_everything():
    dates = [(OPEN, D(2027, 1, 1)), (CLOSE, D(2027, 12, 31))]
    assert on(D(2027, 6, 1), *dates, ended=True).label == "Ended"
    assert on(D(2027, 6, 1), *dates, choice="ended").state == Availability.ENDED


@pytest.mark.parametrize(
    ("choice", "label"),
    [
        ("any-time", "Open to join any time"),
        ("invitation", "By invitation or nomination"),
        ("organisations", "Not open to individuals"),
        ("closed", "Closed"),
        ("", "Ask the LWRS team"),
    ],
)
def test_without_dates_the_editors_choice(choice, label):
    assert on(D(2027, 6, 1), choice=choice).label == label


def test_what_the_finder_can_use():
    open_now = on(D(2027, 1, 1), (CLOSE, D(2027, 1, 31)))
    assert open_now.slug == "open"
    unknown = on(D(2027, 1, 1))
    assert unknown.slug == "not-stated"
    # Best first: closing soonest, then any time, opening, ..., closed, ended.
    ranked = [
        on(D(2027, 1, 1), ended=True),
        on(D(2027, 1, 1), choice="closed"),
        unknown,
        on(D(2027, 1, 1), (OPEN, D(2027, 3, 1))),
        on(D(2027, 1, 1), choice="any-time"),
        on(D(2027, 1, 1), (CLOSE, D(2027, 6, 30))),
        open_now,
    ]
    assert sorted(ranked, key=lambda a: a.sort_key) == list(reversed(ranked))
    assert isinstance(open_now, AvailabilityNow)


def test_london_today_is_londons_date_not_utcs():
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    with time_machine.travel(datetime.datetime(2027, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        assert london_today() == D(2027, 7, 1)
    # In winter London is on UTC.
    with time_machine.travel(datetime.datetime(2027, 1, 31, 23, 30, tzinfo=datetime.UTC)):
        assert london_today() == D(2027, 1, 31)


# --- the programme's methods ----------------------------------------------------------


@pytest.fixture
def with_dates(programme):
    KeyDate.objects.create(
        programme=programme, kind=OPEN, label="Applications open", starts_on=D(2027, 1, 4)
    )
    KeyDate.objects.create(
        programme=programme, kind=CLOSE, label="Applications close", starts_on=D(2027, 1, 31)
    )
    KeyDate.objects.create(
        programme=programme,
        kind=KeyDateKind.SESSION,
        label="Welcome session",
        starts_on=D(2027, 3, 1),
        starts_at=datetime.time(10),
        ends_at=datetime.time(12, 30),
    )
    programme.availability = Availability.OPEN
    programme.save()
    return Programme.objects.get(pk=programme.pk)


def test_programme_availability_follows_its_dates(with_dates):
    assert with_dates.availability_on(D(2027, 1, 3)).label == "Opens 4 January 2027"
    assert with_dates.availability_on(D(2027, 1, 31)).label == (
        "Open for applications until 31 January 2027"
    )
    assert with_dates.availability_on(D(2027, 2, 1)).state == Availability.CLOSED


def test_dates_split_into_upcoming_and_past(with_dates):
    upcoming, past = with_dates.dates_on(D(2027, 2, 1))
    assert [d.label for d in upcoming] == ["Welcome session"]
    assert [d.label for d in past] == ["Applications close", "Applications open"]  # latest first
    upcoming, past = with_dates.dates_on(D(2027, 3, 1))
    assert [d.label for d in upcoming] == ["Welcome session"]  # past from the day after
    assert with_dates.dates_on(D(2027, 3, 2))[0] == []


def test_key_date_in_words():
    day = D(2027, 3, 1)
    assert KeyDate(starts_on=day).when == "1 March 2027"
    assert KeyDate(starts_on=day, starts_at=datetime.time(10)).when == "1 March 2027, 10am"
    timed = KeyDate(starts_on=day, starts_at=datetime.time(10), ends_at=datetime.time(12, 30))
    assert timed.when == "1 March 2027, 10am to 12:30pm"
    assert KeyDate(starts_on=day, ends_on=D(2027, 3, 3)).when == "1 March 2027 to 3 March 2027"
    assert [clock_time(datetime.time(h, m)) for h, m in [(0, 0), (12, 0), (9, 5), (17, 0)]] == [
        "midnight",
        "midday",
        "9:05am",
        "5pm",
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"ends_on": D(2027, 2, 28)}, "ends_on", "The end date is before the date it starts"),
        (
            {"starts_at": datetime.time(14), "ends_at": datetime.time(10)},
            "ends_at",
            "The end time must be after the start time",
        ),
        ({"ends_at": datetime.time(10)}, "starts_at", "Give a start time too"),
    ],
)
def test_key_date_end_before_start_is_refused(programme, fields, field, message):
    key_date = KeyDate(programme=programme, label="A session", starts_on=D(2027, 3, 1), **fields)
    with pytest.raises(ValidationError) as refused:
        key_date.full_clean()
    assert message in str(refused.value.message_dict[field])


def test_the_database_refuses_an_end_before_the_start_too(programme):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        KeyDate.objects.create(
            programme=programme, label="x", starts_on=D(2027, 3, 2), ends_on=D(2027, 3, 1)
        )


def subject_of(url):
    return parse_qs(urlsplit(url).query)["subject"][0]


def test_call_to_action_falls_back_to_the_team_with_the_programme_in_the_subject(programme):
    programme.title = "EDI Insights & Analytics: 100% #1?"
    cta = programme.call_to_action("London.RaceStrategy@nhs.net")
    assert cta.label == "Ask the LWRS team"
    assert cta.url.startswith("mailto:London.RaceStrategy@nhs.net?subject=")
    # Every character that means something in a URL is encoded; spaces as %20, not +.
    assert "&" not in cta.url.split("?", 1)[1]
    for character in "+ #":
        assert character not in cta.url
    assert unquote(cta.url.split("subject=", 1)[1]) == programme.title
    assert cta.is_email


def test_call_to_action_of_the_editor(programme):
    programme.cta_label, programme.cta_url = "Start the online training", "https://example.org/go"
    assert programme.call_to_action("team@nhs.net") == (
        "Start the online training",
        "https://example.org/go",
        False,
    )
    programme.cta_label, programme.cta_url = "Register your interest by email", "mailto:a@nhs.net"
    cta = programme.call_to_action("team@nhs.net")
    assert cta.url == "mailto:a@nhs.net?subject=Example%20Inclusion%20Programme"
    programme.cta_url = "mailto:a@nhs.net?subject=Spring%20cohort"
    assert programme.call_to_action("team@nhs.net").url == programme.cta_url  # the editor's own


def test_a_closed_programme_does_not_invite_applications(with_dates):
    with_dates.cta_label, with_dates.cta_url = "Apply by 31 January", "https://example.org/apply"
    assert with_dates.call_to_action("t@nhs.net", D(2027, 1, 31)).label == "Apply by 31 January"
    assert with_dates.call_to_action("t@nhs.net", D(2027, 2, 1)).label == "Ask the LWRS team"


@pytest.mark.parametrize(
    ("launched_on", "precision", "label"),
    [
        (D(2027, 3, 15), "day", "Launches"),
        (D(2027, 3, 14), "day", "Launched"),
        (D(2027, 3, 13), "day", "Launched"),
        (D(2027, 4, 1), "month", "Launches"),
        (D(2027, 3, 1), "month", "Launch date"),  # March 2027: maybe, maybe not yet
        (D(2027, 2, 1), "month", "Launched"),
        (D(2027, 1, 1), "year", "Launch date"),
        (D(2026, 1, 1), "year", "Launched"),
        (D(2028, 1, 1), "year", "Launches"),
    ],
)
def test_a_future_launch_never_reads_launched(programme, launched_on, precision, label):
    programme.launched_on, programme.launch_precision = launched_on, precision
    with time_machine.travel(datetime.datetime(2027, 3, 14, 12, tzinfo=datetime.UTC)):
        assert programme.launch_label == label


def test_review_due_months_after_the_last_review(programme):
    assert programme.review_due_on is None
    programme.last_reviewed_on = D(2026, 12, 3)
    assert programme.review_due_on == D(2027, 6, 3)  # the team's interval: 6 months unless set
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert add_months(D(2027, 3, 31), -1) == D(2027, 2, 28)
    assert add_months(D(2027, 12, 15), 1) == D(2028, 1, 15)


def test_related_programmes_share_audiences_or_topics_best_first(programme, audience):
    def make(title, tags=(), audiences=(), published=True):
        p = Programme.objects.create(title=title, summary="s", is_published=published)
        p.tags.add(*tags)
        p.audiences.add(*audiences)
        return p

    make("Shares nothing", tags=["gardening"])
    make("Shares one topic", tags=["wres"])
    both = make("Shares a topic and the audience", tags=["leadership"], audiences=[audience])
    most = make("Shares everything", tags=["wres", "leadership"], audiences=[audience])
    make(
        "A draft sharing everything",
        tags=["wres", "leadership"],
        audiences=[audience],
        published=False,
    )
    make("Another sharing one topic", tags=["leadership"])
    related = programme.related()
    assert [p.title for p in related] == [most.title, both.title, "Another sharing one topic"]
    assert programme not in related


def test_related_programmes_cost_one_query(programme, make_programmes, django_assert_num_queries):
    make_programmes(30)
    with django_assert_num_queries(1):
        assert len(programme.related()) == 3


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "/programmes/",
        "ftp://example.org/",
        "mailto:",
        "mailto:not an address",
        "https://",
        "https://exa mple.org/",
        "www.example.org",
    ],
)
def test_call_to_action_link_must_be_a_web_page_or_an_email(link):
    with pytest.raises(ValidationError):
        validate_call_to_action_link(link)


@pytest.mark.parametrize(
    "link",
    [
        "https://www.e-lfh.org.uk/programmes/x/",
        "http://example.org",
        "mailto:London.RaceStrategy@nhs.net",
        "MAILTO:a@nhs.net?subject=Hello",
    ],
)
def test_good_call_to_action_links(link):
    validate_call_to_action_link(link)


@pytest.mark.parametrize("text", ["£", "-", " - ", "…", "£/€"])
def test_text_with_no_words_is_refused(text):
    with pytest.raises(ValidationError, match="Use words or numbers"):
        validate_has_words(text)


@pytest.mark.parametrize("text", ["Free", "£250", "0", ""])
def test_text_with_words_or_numbers_is_fine(text):
    validate_has_words(text)
