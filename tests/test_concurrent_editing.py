"""Two editors at once: a save from a form opened on an older version is refused, says
who changed what, and keeps the second editor's input; nothing either typed is lost.

Each test drives full admin form posts, as a browser sends them (inlines included).
"""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from taggit.models import Tag

from programmes.admin_forms import tag_snapshot
from programmes.models import (
    Audience,
    KeyDate,
    Partner,
    Programme,
    ProgrammeLink,
    VocabularyGroup,
)
from tests.adminform import admin_form_data
from tests.conftest import sign_in

NOT_SAVED = "Not saved: Edna Editor saved this"


@pytest.fixture
def sam(editor):
    user = User.objects.create_user(
        "sam", password="another passphrase 7", first_name="Sam", last_name="Second"
    )
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Catalogue editors"))
    return user


@pytest.fixture
def two_editors(editor, sam):
    """Edna and Sam, each signed in in a browser of their own."""
    edna_browser, sam_browser = Client(), Client()
    sign_in(edna_browser, editor)
    sign_in(sam_browser, sam)
    return edna_browser, sam_browser


@pytest.fixture
def programme(programme):
    """The example programme, its newest version complete (as after any admin save):
    the fixture adds its tags and rows after creating it."""
    programme.tag_snapshot = tag_snapshot(programme.tags.names())
    programme.save()
    return programme


def change_url(obj):
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"


def errors_of(response):
    return " ".join(str(e) for e in response.context["adminform"].form.non_field_errors())


def field_value(response, name):
    return response.context["adminform"].form[name].value()


def test_a_stale_programme_save_is_refused_and_both_edits_survive(two_editors, programme):
    edna, sam = two_editors
    url = change_url(programme)
    edna_page, sam_page = edna.get(url), sam.get(url)

    response = edna.post(url, admin_form_data(edna_page, summary="Edna's new summary."))
    assert response.status_code == 302

    response = sam.post(url, admin_form_data(sam_page, body="Sam's new body."))
    assert response.status_code == 200  # refused: the form again, not a redirect
    programme.refresh_from_db()
    assert programme.summary == "Edna's new summary."
    assert programme.body == "First paragraph.\n\n- one\n- two"
    message = errors_of(response)
    assert NOT_SAVED in message
    assert (
        "They changed Summary: “A short summary of the example programme.” → “Edna's new summary.”"
        in message
    )
    html = response.content.decode()
    assert "Sam&#x27;s new body." in html  # Sam's input is still on the form
    # ...and Edna's change is merged in where Sam had changed nothing.
    assert field_value(response, "summary") == "Edna's new summary."
    assert field_value(response, "body") == "Sam's new body."

    # Saving again saves what the form shows: both changes.
    assert sam.post(url, admin_form_data(response)).status_code == 302
    programme.refresh_from_db()
    assert (programme.summary, programme.body) == ("Edna's new summary.", "Sam's new body.")
    assert programme.history.latest().history_user.username == "sam"


def test_when_both_change_the_same_field_the_form_keeps_yours_and_shows_theirs(
    two_editors, programme
):
    edna, sam = two_editors
    url = change_url(programme)
    edna_page, sam_page = edna.get(url), sam.get(url)
    edna.post(url, admin_form_data(edna_page, summary="Edna's summary."))
    response = sam.post(url, admin_form_data(sam_page, summary="Sam's summary."))
    assert response.status_code == 200
    assert "You both changed Summary: the form keeps yours. Theirs: “Edna's summary.”" in (
        errors_of(response)
    )
    assert field_value(response, "summary") == "Sam's summary."
    programme.refresh_from_db()
    assert programme.summary == "Edna's summary."


def test_tags_and_relations_changed_by_another_editor_are_not_reverted(
    two_editors, programme, contact
):
    edna, sam = two_editors
    url = change_url(programme)
    edna_page, sam_page = edna.get(url), sam.get(url)
    other = Audience.objects.create(name="Senior leaders", slug="senior-leaders")
    response = edna.post(
        url, admin_form_data(edna_page, new_tags="mentoring", audiences=[str(other.pk)])
    )
    assert response.status_code == 302
    response = sam.post(url, admin_form_data(sam_page, title="Retitled by Sam"))
    assert response.status_code == 200
    message = errors_of(response)
    assert "They changed Topics: “leadership, WRES” → “leadership, mentoring, WRES”" in message
    assert "They changed Audiences: “Line managers and supervisors” → “Senior leaders”" in message
    assert sam.post(url, admin_form_data(response)).status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Retitled by Sam"
    assert sorted(programme.tags.names(), key=str.lower) == ["leadership", "mentoring", "WRES"]
    assert list(programme.audiences.all()) == [other]


def test_inline_rows_changed_by_another_editor_are_not_reverted(two_editors, programme):
    edna, sam = two_editors
    url = change_url(programme)
    edna_page, sam_page = edna.get(url), sam.get(url)
    response = edna.post(
        url,
        admin_form_data(
            edna_page,
            **{"partner_roles-0-role": "design", "links-0-label": "Apply now"},
        ),
    )
    assert response.status_code == 302
    response = sam.post(url, admin_form_data(sam_page, summary="Sam's summary."))
    assert response.status_code == 200
    message = errors_of(response)
    assert "They changed Partners: “Example Partner Trust, Delivery partner” → " in message
    assert "They changed Links: “Register your interest, https://example.org/register, 0”" in (
        message
    )
    assert sam.post(url, admin_form_data(response)).status_code == 302
    programme.refresh_from_db()
    assert programme.summary == "Sam's summary."
    assert programme.partner_roles.get().role == "design"
    assert programme.links.get().label == "Apply now"


def test_rows_both_changed_are_listed_as_typed(two_editors, programme):
    edna, sam = two_editors
    url = change_url(programme)
    edna_page, sam_page = edna.get(url), sam.get(url)
    edna.post(url, admin_form_data(edna_page, **{"links-0-label": "Edna's label"}))
    response = sam.post(url, admin_form_data(sam_page, **{"links-0-label": "Sam's label"}))
    assert response.status_code == 200
    assert (
        "They also changed the links to find out more, so the form shows theirs. "
        "What you had: Sam's label, https://example.org/register, 0." in errors_of(response)
    )
    assert programme.links.get().label == "Edna's label"


def test_a_row_deleted_by_another_editor_gives_a_clear_error_and_a_form_that_saves(
    two_editors, programme
):
    edna, sam = two_editors
    url = change_url(programme)
    edna_page, sam_page = edna.get(url), sam.get(url)
    response = edna.post(url, admin_form_data(edna_page, **{"links-0-DELETE": "on"}))
    assert response.status_code == 302
    assert not ProgrammeLink.objects.exists()
    response = sam.post(url, admin_form_data(sam_page, summary="Sam's summary."))
    assert response.status_code == 200
    html = response.content.decode()
    assert NOT_SAVED in html  # visible, not only "Please correct the error below."
    assert "Removed link" not in errors_of(response)
    # The next save works: the form no longer holds the deleted row.
    response = sam.post(url, admin_form_data(response))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.summary == "Sam's summary."
    assert not programme.links.exists()


def test_a_row_that_vanished_without_a_new_version_gets_a_visible_error(editor_client, programme):
    url = change_url(programme)
    page = editor_client.get(url)
    # Removed behind the admin's back (a script, a superuser's shell): no new version.
    ProgrammeLink.objects.all()._raw_delete(ProgrammeLink.objects.db)
    response = editor_client.post(url, admin_form_data(page))
    assert response.status_code == 200
    assert "were removed by someone else after you opened this page" in (response.content.decode())


@pytest.mark.parametrize(
    ("model", "field", "edna_value", "sam_field", "sam_value"),
    [
        ("partner", "name", "Renamed Trust", "description", "A trust in London."),
        ("contact", "phone", "020 7946 0000", "name", "Example team (London)"),
        ("audience", "name", "Line managers", "slug", "line-managers-2"),
        ("tag", "name", "WRES data", "slug", "wres-2"),
        ("vocabulary", "terms", "GP, general practice", "note", "Primary care words."),
    ],
)
def test_stale_saves_of_every_record_type_are_refused(
    two_editors,
    programme,
    partner,
    contact,
    audience,
    model,
    field,
    edna_value,
    sam_field,
    sam_value,
):
    obj = {
        "partner": partner,
        "contact": contact,
        "audience": audience,
        "tag": Tag.objects.get(name="WRES"),
        "vocabulary": VocabularyGroup.objects.create(terms="GP, general practitioner"),
    }[model]
    edna, sam = two_editors
    url = change_url(obj)
    edna_page, sam_page = edna.get(url), sam.get(url)
    assert edna.post(url, admin_form_data(edna_page, **{field: edna_value})).status_code == 302
    response = sam.post(url, admin_form_data(sam_page, **{sam_field: sam_value}))
    assert response.status_code == 200
    assert NOT_SAVED in errors_of(response)
    obj.refresh_from_db()
    assert getattr(obj, field) == edna_value
    assert field_value(response, sam_field) == sam_value
    assert field_value(response, field) == edna_value
    assert sam.post(url, admin_form_data(response)).status_code == 302
    obj.refresh_from_db()
    assert (getattr(obj, field), getattr(obj, sam_field)) == (edna_value, sam_value)


def test_a_stale_restore_from_history_is_refused(two_editors, programme):
    edna, sam = two_editors
    first = programme.history.earliest()
    restore_url = f"/admin/programmes/programme/{programme.pk}/history/{first.pk}/"
    sam_page = sam.get(restore_url)
    edna.post(
        change_url(programme),
        admin_form_data(edna.get(change_url(programme)), summary="Edna's summary."),
    )
    response = sam.post(restore_url, admin_form_data(sam_page))
    assert response.status_code == 200
    assert NOT_SAVED in errors_of(response)
    programme.refresh_from_db()
    assert programme.summary == "Edna's summary."


def test_a_form_without_its_version_is_refused(editor_client, programme):
    url = change_url(programme)
    data = admin_form_data(editor_client.get(url), summary="Changed.")
    del data["based_on_revision"]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Not saved" in errors_of(response)
    programme.refresh_from_db()
    assert programme.summary != "Changed."


def test_a_fresh_form_saves_as_before(editor_client, programme, partner):
    url = change_url(programme)
    response = editor_client.post(url, admin_form_data(editor_client.get(url), summary="New."))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.summary == "New."
    assert Partner.objects.get() == partner
    assert Programme.objects.get().history.latest().children["links"][0]["label"] == (
        "Register your interest"
    )


def test_key_dates_changed_by_another_editor_are_not_reverted(two_editors, programme):
    """Key dates are rows of the programme's form, like partners and links."""
    import datetime

    KeyDate.objects.create(
        programme=programme,
        kind=KeyDate.Kind.APPLICATIONS_CLOSE,
        label="Applications close",
        starts_on=datetime.date(2027, 1, 31),
    )
    programme.save()  # a complete newest version, as after any admin save
    edna, sam = two_editors
    url = change_url(programme)
    edna_page, sam_page = edna.get(url), sam.get(url)
    response = edna.post(url, admin_form_data(edna_page, **{"key_dates-0-label": "Closing day"}))
    assert response.status_code == 302
    response = sam.post(url, admin_form_data(sam_page, summary="Sam's summary."))
    assert response.status_code == 200
    assert NOT_SAVED in errors_of(response)
    assert sam.post(url, admin_form_data(response)).status_code == 302
    programme.refresh_from_db()
    assert programme.summary == "Sam's summary."
    assert programme.key_dates.get().label == "Closing day"
