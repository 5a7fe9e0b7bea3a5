"""“Preview changes”: the public page with the form's unsaved contents, saving nothing."""

from django.test import Client

from programmes.cache import catalogue_version
from programmes.models import Programme, ProgrammeSlug
from tests.adminform import admin_form_data


def change_url(programme):
    return f"/admin/programmes/programme/{programme.pk}/change/"


def preview_url(programme):
    return f"/admin/programmes/programme/{programme.pk}/preview/"


def test_the_change_form_offers_a_preview_that_needs_no_javascript(editor_client, programme):
    html = editor_client.get(change_url(programme)).content.decode()
    assert f'name="_preview" formaction="{preview_url(programme)}" formtarget="_blank"' in html
    # The add form has nothing to preview yet.
    assert (
        'name="_preview"'
        not in editor_client.get("/admin/programmes/programme/add/").content.decode()
    )


def test_preview_shows_the_unsaved_form_and_saves_nothing(editor_client, programme):
    Client().get(programme.get_absolute_url())  # the public page, cached as it is
    version = catalogue_version()
    versions = programme.history.count()
    page = editor_client.get(change_url(programme))
    data = admin_form_data(
        page,
        summary="A summary nobody has saved.",
        slug="a-new-address",
        new_tags="unsaved topic",
        **{"links-0-label": "Unsaved link label", "_preview": "Preview changes"},
    )
    response = editor_client.post(preview_url(programme), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Example Inclusion Programme</h1>" in html
    assert "Preview: not saved" in html
    assert "A summary nobody has saved." in html
    assert "Unsaved link label" in html
    assert "Unsaved topic" in html or "unsaved topic" in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in html

    programme.refresh_from_db()
    assert programme.summary == "A short summary of the example programme."
    assert programme.slug == "example-inclusion-programme"
    assert not ProgrammeSlug.objects.exists()
    assert programme.links.get().label == "Register your interest"
    assert "unsaved topic" not in programme.tags.names()
    assert programme.history.count() == versions
    assert catalogue_version() == version  # no cached page was made stale
    public = Client().get(programme.get_absolute_url()).content.decode()
    assert "A summary nobody has saved." not in public
    assert "Preview" not in public


def test_a_draft_preview_shows_both_banners(editor_client, programme):
    programme.is_published = False
    programme.save()
    data = admin_form_data(editor_client.get(change_url(programme)), summary="Draft text.")
    html = editor_client.post(preview_url(programme), data).content.decode()
    assert "Preview: not saved" in html
    assert "This programme is a draft." in html
    assert not Programme.objects.get().is_published


def test_a_preview_of_a_form_with_errors_says_what_to_correct(editor_client, programme):
    data = admin_form_data(editor_client.get(change_url(programme)), summary="")
    response = editor_client.post(preview_url(programme), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This preview cannot be shown yet" in html
    assert "Summary: This field is required." in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_only_editors_may_preview_and_only_by_posting(editor_client, programme):
    assert editor_client.get(preview_url(programme)).status_code == 405
    visitor = Client()
    response = visitor.post(preview_url(programme), {"summary": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert editor_client.post("/admin/programmes/programme/999/preview/", {}).status_code == 404
    huge = "/admin/programmes/programme/99999999999999999999/preview/"
    assert editor_client.post(huge, {}).status_code == 404
