"""Conditional GET: repeat visits revalidate cheaply, and see an editor's change at once."""

import pytest

from programmes.models import Programme


def revalidate(client, path, etag):
    return client.get(path, headers={"if-none-match": etag})


@pytest.mark.parametrize(
    "path",
    ["/", "/programmes/", "/programmes/?tag=wres", "/partners/", "/partners/brap/", "/about/"],
)
def test_pages_answer_304_while_unchanged(client, catalogue, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    again = revalidate(client, path, etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_programme_page_changes_as_soon_as_an_editor_saves(client, programme):
    path = programme.get_absolute_url()
    etag = client.get(path)["ETag"]
    assert revalidate(client, path, etag).status_code == 304

    programme.summary = "A summary the editor has just corrected."
    programme.save()
    changed = revalidate(client, path, etag)
    assert changed.status_code == 200
    assert "A summary the editor has just corrected." in changed.content.decode()
    assert changed["ETag"] != etag
    assert revalidate(client, path, changed["ETag"]).status_code == 304


def test_catalogue_changes_when_a_programme_is_published(client, catalogue):
    etag = client.get("/programmes/")["ETag"]
    draft = Programme.objects.create(title="Newly published", summary="s", is_published=False)
    assert revalidate(client, "/programmes/", etag).status_code == 304  # drafts change nothing
    draft.is_published = True
    draft.save()
    response = revalidate(client, "/programmes/", etag)
    assert response.status_code == 200
    assert "Newly published" in response.content.decode()


def test_partner_rename_reaches_the_programme_page(client, programme, partner):
    path = programme.get_absolute_url()
    etag = client.get(path)["ETag"]
    partner.name = "Renamed Partner Trust"
    partner.save()
    response = revalidate(client, path, etag)
    assert response.status_code == 200
    assert "Renamed Partner Trust" in response.content.decode()


@pytest.mark.parametrize("path", ["/sitemap.xml", "/programmes/export.csv", "/robots.txt"])
def test_machine_readable_pages_revalidate_too(client, programme, path):
    etag = client.get(path)["ETag"]
    assert revalidate(client, path, etag).status_code == 304
