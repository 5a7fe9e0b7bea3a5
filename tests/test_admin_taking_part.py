"""Editors fill in taking part and key dates in the admin: clear messages, never a 500."""

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.models import KeyDate, Programme
from tests.adminform import admin_form_data


def change_url(programme):
    return f"/admin/programmes/programme/{programme.pk}/change/"


def post(client, programme, **changes):
    page = client.get(change_url(programme))
    assert page.status_code == 200
    return client.post(change_url(programme), admin_form_data(page, **changes))


def key_date(n=0, **fields):
    """POST fields of the n-th row of the key dates inline (one blank row is shown)."""
    return {f"key_dates-{n}-{name}": value for name, value in fields.items()}


def form_errors(response):
    return response.context["adminform"].form.errors


def key_date_errors(response):
    """The key dates inline's errors: its own (non-form) and each row's, as text."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == "key_dates":
            return " ".join(
                [str(inline.formset.non_form_errors())]
                + [str(form.errors) for form in inline.formset.forms]
            )
    raise AssertionError("no key dates inline")


def test_the_form_has_a_taking_part_section_and_key_dates(editor_client, programme):
    html = editor_client.get(change_url(programme)).content.decode()
    assert "Taking part" in html
    for label in [
        "Who can take part",
        "How to take part",
        "Call to action",
        "Call to action link",
        "Availability",
        "Cost",
        "Time it takes",
        "How it is delivered",
        "Where",
        "Availability shown today",
    ]:
        assert f">{label}" in html or f"{label}:" in html, label
    assert "Key dates (applications, cohorts, sessions, events)" in html
    assert 'name="key_dates-0-starts_on"' in html
    # Help for editors on every taking-part field.
    assert "Leave empty if you do not know" in html


def test_an_editor_fills_in_taking_part_and_a_key_date(editor_client, programme):
    response = post(
        editor_client,
        programme,
        who_can_take_part="Line managers in London trusts.",
        how_to_take_part="Book a place on the next cohort.",
        cta_label="Apply by 31 January",
        cta_url="www.example.org/apply",  # no https:// typed
        availability="open",
        cost="Free",
        time_commitment="Two hours a week for six weeks",
        delivery="online",
        location="Microsoft Teams",
        **key_date(
            kind="applications-close",
            label="Applications close",
            starts_on="31/01/2027",
            starts_at="",
            ends_on="",
            ends_at="",
            url="",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    programme.refresh_from_db()
    assert programme.cta_url == "https://www.example.org/apply"
    assert programme.cost == "Free"
    saved = programme.key_dates.get()
    assert saved.starts_on == datetime.date(2027, 1, 31)
    assert saved.history.count() == 1  # key dates keep an edit history
    assert saved.history.get().history_user.username == "edna"


def test_an_email_address_becomes_a_mailto_link(editor_client, programme):
    response = post(
        editor_client,
        programme,
        cta_label="Register your interest by email",
        cta_url=" London.RaceStrategy@nhs.net ",
    )
    assert response.status_code == 302, form_errors(response)
    programme.refresh_from_db()
    assert programme.cta_url == "mailto:London.RaceStrategy@nhs.net"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"cta_label": "Start now", "cta_url": "javascript:alert(1)"},
            "cta_url",
            "Start the link with https://",
        ),
        (
            {"cta_label": "Start now", "cta_url": "mailto:nobody"},
            "cta_url",
            "After mailto: put one email address",
        ),
        ({"cta_label": "Start now", "cta_url": ""}, "cta_url", "Add the link"),
        (
            {"cta_label": "", "cta_url": "https://example.org/"},
            "cta_label",
            "Say what the link does",
        ),
        ({"cost": "£"}, "cost", "Use words or numbers"),
        ({"cost": "-"}, "cost", "Use words or numbers"),
        ({"location": "…"}, "location", "Use words or numbers"),
        ({"availability": "sometimes"}, "availability", "Select a valid choice"),
        ({"delivery": "by pigeon"}, "delivery", "Select a valid choice"),
        ({"cta_label": "x" * 81, "cta_url": "https://example.org/"}, "cta_label", "at most 80"),
    ],
)
def test_taking_part_mistakes_get_clear_messages(editor_client, programme, changes, field, message):
    response = post(editor_client, programme, **changes)
    assert response.status_code == 200
    assert message in str(form_errors(response)[field])
    programme.refresh_from_db()
    assert programme.cost == ""


BLANK = {"starts_at": "", "ends_on": "", "ends_at": "", "url": ""}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                {"kind": "applications-open", "label": "Open", "starts_on": "01/03/2027"},
                {"kind": "applications-close", "label": "Close", "starts_on": "01/02/2027"},
            ],
            "Applications close on 1 February 2027, before they open on 1 March 2027",
        ),
        (
            [
                {
                    "kind": "event",
                    "label": "Conference",
                    "starts_on": "02/03/2027",
                    "ends_on": "01/03/2027",
                }
            ],
            "The end date is before the date it starts (2 March 2027)",
        ),
        (
            [
                {
                    "kind": "session",
                    "label": "Session",
                    "starts_on": "02/03/2027",
                    "starts_at": "14:00",
                    "ends_at": "10:00",
                }
            ],
            "The end time must be after the start time",
        ),
        (
            [{"kind": "session", "label": "Session", "starts_on": "31/02/2027"}],
            "Enter a date like 31/01/2027",
        ),
        (
            [
                {
                    "kind": "session",
                    "label": "Session",
                    "starts_on": "02/03/2027",
                    "starts_at": "10am",
                }
            ],
            "Enter a time like 10:00",
        ),
        (
            [{"kind": "session", "label": "-", "starts_on": "02/03/2027"}],
            "Use words or numbers",
        ),
        (
            [
                {
                    "kind": "session",
                    "label": "Book",
                    "starts_on": "02/03/2027",
                    "url": "javascript:x",
                }
            ],
            "Enter a full web address",
        ),
        (
            [{"kind": "someday", "label": "Book", "starts_on": "02/03/2027"}],
            "Select a valid choice",
        ),
    ],
)
def test_key_date_mistakes_get_clear_messages(editor_client, programme, rows, message):
    page = editor_client.get(change_url(programme))
    data = admin_form_data(page)
    data["key_dates-TOTAL_FORMS"] = str(len(rows))
    for n, row in enumerate(rows):
        data.update(key_date(n, **{**BLANK, **row}))
    response = editor_client.post(change_url(programme), data)
    assert response.status_code == 200
    assert message in key_date_errors(response)
    assert not KeyDate.objects.exists()


@pytest.mark.parametrize(
    ("availability", "message"),
    [
        ("open", "add the closing date here"),
        ("opening", "add that date here"),
    ],
)
def test_availability_that_needs_a_date_asks_for_it(
    editor_client, programme, availability, message
):
    response = post(editor_client, programme, availability=availability)
    assert response.status_code == 200
    assert message in key_date_errors(response)


def test_the_admin_shows_the_availability_worked_out_today(editor_client, programme):
    KeyDate.objects.create(
        programme=programme,
        kind="applications-close",
        label="Close",
        starts_on=datetime.date(2020, 1, 31),
    )
    html = editor_client.get(change_url(programme)).content.decode()
    assert "Applications closed on 31 January 2020" in html


def test_an_editor_removes_a_key_date(editor_client, programme):
    kept = KeyDate.objects.create(
        programme=programme, label="Session", starts_on=datetime.date(2027, 3, 1)
    )
    response = post(editor_client, programme, **{"key_dates-0-DELETE": "on"})
    assert response.status_code == 302
    assert not KeyDate.objects.filter(pk=kept.pk).exists()
    assert KeyDate.history.filter(id=kept.pk, history_type="-").exists()  # the history keeps it


def test_adding_a_programme_shows_where_availability_will_appear(editor_client):
    html = editor_client.get("/admin/programmes/programme/add/").content.decode()
    assert "Shown once the programme is saved." in html


FIELDS = [
    "who_can_take_part",
    "how_to_take_part",
    "cta_label",
    "cta_url",
    "cost",
    "time_commitment",
    "location",
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.fixed_dictionaries({name: st.text(max_size=120) for name in FIELDS}),
    availability=st.sampled_from(["", "open", "opening", "closed", "bogus", "\x00"]),
    day=st.text(max_size=12),
    time=st.text(max_size=8),
)
def test_nothing_an_editor_types_gives_a_server_error(
    editor_client, programme, values, availability, day, time
):
    response = post(
        editor_client,
        programme,
        availability=availability,
        **values,
        **key_date(
            kind="session",
            label=values["cost"] or "x",
            starts_on=day,
            starts_at=time,
            ends_on="",
            ends_at="",
            url="",
        ),
    )
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        programme.refresh_from_db()
        assert re.fullmatch(r"(https?://|mailto:).*|", programme.cta_url, re.I | re.S)
        Programme.objects.filter(pk=programme.pk).update(
            **dict.fromkeys(FIELDS, ""), availability=""
        )
        KeyDate.objects.all().delete()


def test_key_date_changes_show_on_the_programme_history(editor_client, programme):
    response = post(
        editor_client,
        programme,
        **key_date(
            kind="session",
            label="Welcome session",
            starts_on="01/03/2027",
            starts_at="10:00",
            ends_on="",
            ends_at="",
            url="",
        ),
    )
    assert response.status_code == 302
    html = editor_client.get(f"/admin/programmes/programme/{programme.pk}/history/").content
    assert "Added key date “Welcome session”: 1 March 2027, 10am" in html.decode()
