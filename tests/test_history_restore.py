"""Complete history: every version of a programme, its partners, links, audiences and
tags included, can be compared with now and restored; restoring never publishes or
unpublishes; the documented initiatives' first version is there, made by the system."""

import pytest
from django.test import Client
from taggit.models import Tag

from programmes.models import Audience, Partner, Programme
from tests.adminform import admin_form_data


def change_url(programme):
    return f"/admin/programmes/programme/{programme.pk}/change/"


def restore_url(programme, record):
    return f"/admin/programmes/programme/{programme.pk}/history/{record.pk}/"


def save(client, programme, **changes):
    url = change_url(programme)
    response = client.post(url, admin_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return programme.history.latest()


def restore(client, programme, record):
    page = client.get(restore_url(programme, record))
    assert page.status_code == 200
    response = client.post(restore_url(programme, record), admin_form_data(page), follow=True)
    assert response.status_code == 200
    programme.refresh_from_db()
    return response


@pytest.fixture
def saved(editor_client, programme):
    """The example programme once saved in the admin: a complete version to go back to."""
    return save(editor_client, programme)


def test_restore_brings_back_fields_tags_audiences_partner_roles_and_links(
    editor_client, programme, saved, partner
):
    other_partner = Partner.objects.create(name="Other Trust", slug="other-trust")
    other_audience = Audience.objects.create(name="Senior leaders", slug="senior-leaders")
    save(
        editor_client,
        programme,
        summary="Changed summary.",
        tags=[],
        new_tags="something else",
        audiences=[str(other_audience.pk)],
        **{
            "partner_roles-0-DELETE": "on",
            "partner_roles-1-partner": str(other_partner.pk),
            "partner_roles-1-role": "design",
            "links-0-label": "Changed link",
            "links-0-url": "https://example.org/changed",
        },
    )
    assert [p.name for p in programme.partners.all()] == ["Other Trust"]

    response = restore(editor_client, programme, saved)
    assert "Restored “Example Inclusion Programme” to the version Edna Editor saved" in (
        response.content.decode()
    )
    assert programme.summary == "A short summary of the example programme."
    assert sorted(programme.tags.names(), key=str.lower) == ["leadership", "WRES"]
    assert [a.slug for a in programme.audiences.all()] == ["line-managers"]
    assert [(r.partner, r.role) for r in programme.partner_roles.all()] == [(partner, "delivery")]
    assert [(link.label, link.url) for link in programme.links.all()] == [
        ("Register your interest", "https://example.org/register")
    ]
    # The restore is a version of its own, complete, and can itself be undone.
    latest = programme.history.latest()
    assert latest.history_user.username == "edna"
    assert latest.children["partner_roles"][0]["partner_id"] == partner.pk


def test_restoring_a_draft_version_of_a_published_programme_keeps_it_published(
    editor_client, programme
):
    programme.is_published = False
    programme.save()
    draft = save(editor_client, programme, summary="Draft summary.")
    save(editor_client, programme, summary="Live summary.", _publish="Save and publish")
    programme.refresh_from_db()
    assert programme.is_published

    page = editor_client.get(restore_url(programme, draft))
    assert "is_published" not in page.context["adminform"].form.fields
    assert "Whether the programme is published stays as it is now." in page.content.decode()
    response = restore(editor_client, programme, draft)
    assert programme.summary == "Draft summary."
    assert programme.is_published
    assert "It is still published" in response.content.decode()
    assert Client().get(programme.get_absolute_url()).status_code == 200  # the public


def test_restoring_a_published_version_of_a_draft_keeps_it_a_draft(editor_client, programme, saved):
    save(editor_client, programme, summary="Now a draft.", _unpublish="Unpublish")
    response = restore(editor_client, programme, saved)
    assert programme.summary == "A short summary of the example programme."
    assert not programme.is_published
    assert "It is still a draft" in response.content.decode()
    assert Client().get(programme.get_absolute_url()).status_code == 404  # the public


def test_the_history_page_compares_any_version_with_now(editor_client, programme, saved):
    save(editor_client, programme, summary="Changed summary.", new_tags="mentoring")
    url = f"/admin/programmes/programme/{programme.pk}/history/"
    page = editor_client.get(url)
    assert f'href="?compare={saved.pk}#comparison"' in page.content.decode()
    html = editor_client.get(url, {"compare": saved.pk}).content.decode()
    assert "Differences between the version of" in html
    assert (
        '<th scope="row">Summary</th><td>A short summary of the example programme.</td><td>Changed summary.</td>'
        in html
    )
    assert "<td>leadership, WRES</td><td>leadership, mentoring, WRES</td>" in html
    # The restore page shows the same, as what restoring would change.
    html = editor_client.get(restore_url(programme, saved)).content.decode()
    assert "What restoring this version changes" in html
    assert "Changed summary." in html


@pytest.mark.parametrize("compare", ["abc", "99999999999999999999", "0", "-1"])
def test_comparing_with_a_version_that_does_not_exist_is_404(editor_client, programme, compare):
    url = f"/admin/programmes/programme/{programme.pk}/history/"
    assert editor_client.get(url, {"compare": compare}).status_code == 404


def test_the_documented_initiatives_first_version_is_recorded_by_the_system(
    editor_client, catalogue
):
    programme = Programme.objects.get(slug="london-core-managers-programme")
    first = programme.history.get()
    assert first.history_type == "+"
    assert first.history_user is None
    assert first.history_change_reason == "loaded: the documented initiatives"
    original = programme.summary
    assert Tag.history.filter(name="WRES").exists()
    assert Partner.history.filter(name="BRAP").exists()

    save(editor_client, programme, summary="Rewritten.")
    html = editor_client.get(
        f"/admin/programmes/programme/{programme.pk}/history/"
    ).content.decode()
    assert "The system (loaded: the documented initiatives)" in html
    restore(editor_client, programme, first)
    assert programme.summary == original


def test_a_documented_initiatives_partner_roles_are_in_its_first_version(catalogue):
    programme = Programme.objects.filter(partner_roles__isnull=False).first()
    first = programme.history.get()
    assert sorted(r["partner_id"] for r in first.children["partner_roles"]) == sorted(
        programme.partner_roles.values_list("partner_id", flat=True)
    )
    assert sorted(r.audience_id for r in first.audiences.all()) == sorted(
        programme.audiences.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("model", ["partner", "contact", "audience"])
def test_other_records_restore_too(editor_client, partner, contact, audience, model):
    obj = {"partner": partner, "contact": contact, "audience": audience}[model]
    url = f"/admin/programmes/{model}/{obj.pk}/change/"
    first_name = obj.name
    editor_client.post(url, admin_form_data(editor_client.get(url), name="Renamed"))
    obj.refresh_from_db()
    assert obj.name == "Renamed"
    first = obj.history.earliest()
    revert = f"/admin/programmes/{model}/{obj.pk}/history/{first.pk}/"
    response = editor_client.post(revert, admin_form_data(editor_client.get(revert)))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.name == first_name


def test_a_tag_rename_is_recorded_and_restored(editor_client, programme):
    tag = Tag.objects.get(name="WRES")
    url = f"/admin/taggit/tag/{tag.pk}/change/"
    response = editor_client.post(url, admin_form_data(editor_client.get(url), name="WRES data"))
    assert response.status_code == 302
    assert [r.name for r in tag.history.order_by("history_id")] == ["WRES", "WRES data"]
    history = editor_client.get(f"/admin/taggit/tag/{tag.pk}/history/")
    assert history.status_code == 200
    assert "Edna Editor" in history.content.decode()
    first = tag.history.earliest()
    revert = f"/admin/taggit/tag/{tag.pk}/history/{first.pk}/"
    response = editor_client.post(revert, admin_form_data(editor_client.get(revert)))
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "WRES"


def test_restore_brings_back_key_dates(editor_client, programme):
    import datetime

    from programmes.models import KeyDate

    KeyDate.objects.create(
        programme=programme,
        kind=KeyDate.Kind.APPLICATIONS_CLOSE,
        label="Applications close",
        starts_on=datetime.date(2027, 1, 31),
    )
    with_date = save(editor_client, programme)
    save(editor_client, programme, **{"key_dates-0-DELETE": "on"})
    assert not programme.key_dates.exists()
    restore(editor_client, programme, with_date)
    assert [(d.label, d.starts_on) for d in programme.key_dates.all()] == [
        ("Applications close", datetime.date(2027, 1, 31))
    ]


def test_a_vocabulary_group_restores(editor_client, db):
    from programmes.models import VocabularyGroup

    group = VocabularyGroup.objects.get(terms__startswith="WRES,")
    first = group.history.earliest()
    url = f"/admin/programmes/vocabularygroup/{group.pk}/change/"
    page = editor_client.get(url)
    assert editor_client.post(url, admin_form_data(page, terms="WRES, race standard")).status_code
    group.refresh_from_db()
    assert group.terms == "WRES, race standard"
    history_url = f"/admin/programmes/vocabularygroup/{group.pk}/history/{first.pk}/"
    page = editor_client.get(history_url)
    assert page.status_code == 200
    editor_client.post(history_url, admin_form_data(page))
    group.refresh_from_db()
    assert group.terms == first.terms
