"""No link ever breaks: old addresses answer with one permanent redirect to today's page."""

import re
from pathlib import Path

import pytest

from programmes.models import Programme
from tests.adminform import admin_form_data

PUBLISHED_URLS = Path(__file__).resolve().parent.parent / "fixtures" / "published_urls.txt"


def published_urls():
    lines = PUBLISHED_URLS.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def assert_answers(client, url):
    """200, or a single 301 straight to a page that answers 200."""
    response = client.get(url)
    if response.status_code == 301:
        target = response["Location"]
        assert target.startswith("/programmes/"), target
        final = client.get(target)
        assert final.status_code == 200, f"{url} -> {target} -> {final.status_code}"
        return target
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return url


def test_the_list_holds_programme_addresses_only():
    urls = published_urls()
    assert urls
    for url in urls:
        assert re.fullmatch(r"/programmes/[a-z0-9]+(-[a-z0-9]+)*/", url), url


def test_the_list_has_every_documented_initiative(catalogue):
    listed = set(published_urls())
    assert len(listed) == len(published_urls()), "a line is listed twice"
    for programme in catalogue:
        assert programme.get_absolute_url() in listed


def test_every_published_url_answers(client, catalogue):
    for url in published_urls():
        assert_answers(client, url)


def test_every_published_url_survives_renames(client, catalogue):
    """Rename every documented initiative twice: each listed address still leads to it."""
    for programme in Programme.objects.all():
        original = programme.get_absolute_url()
        for step in ("renamed", "renamed-again"):
            programme.slug = f"{programme.slug[:150]}-{step}"
            programme.save()
        target = assert_answers(client, original)
        assert target == programme.get_absolute_url()
    for url in published_urls():
        assert client.get(url).status_code == 301


def _rename_in_admin(client, programme, slug):
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    response = client.post(url, admin_form_data(client.get(url), slug=slug))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_rename_chain_redirects_in_one_hop(editor_client, client, programme):
    _rename_in_admin(editor_client, programme, "b-name")
    _rename_in_admin(editor_client, programme, "c-name")
    editor_client.logout()
    for old in ["/programmes/example-inclusion-programme/", "/programmes/b-name/"]:
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/programmes/c-name/"
    assert client.get("/programmes/c-name/").status_code == 200


def test_going_back_to_an_old_slug_works(editor_client, client, programme):
    _rename_in_admin(editor_client, programme, "b-name")
    _rename_in_admin(editor_client, programme, "example-inclusion-programme")
    editor_client.logout()
    assert client.get("/programmes/example-inclusion-programme/").status_code == 200
    response = client.get("/programmes/b-name/")
    assert response.status_code == 301
    assert response["Location"] == "/programmes/example-inclusion-programme/"


def test_an_old_slug_cannot_be_taken_by_another_programme(editor_client, programme):
    _rename_in_admin(editor_client, programme, "b-name")
    other = Programme.objects.create(title="Other programme", summary="s")
    url = f"/admin/programmes/programme/{other.pk}/change/"
    response = editor_client.post(
        url, admin_form_data(editor_client.get(url), slug="example-inclusion-programme")
    )
    assert response.status_code == 200
    assert "used this web address before" in response.content.decode()
    other.refresh_from_db()
    assert other.slug == "other-programme"


@pytest.mark.parametrize("title", ["Example inclusion programme!", "EXAMPLE INCLUSION PROGRAMME"])
def test_a_new_title_whose_slug_was_used_before_is_refused(editor_client, programme, title):
    """A new programme whose title makes an old address is told to choose another."""
    _rename_in_admin(editor_client, programme, "b-name")
    programme.refresh_from_db()
    programme.title = "Now called something else"
    programme.save()
    page = editor_client.get("/admin/programmes/programme/add/")
    response = editor_client.post(
        "/admin/programmes/programme/add/",
        admin_form_data(page, title=title, slug="", summary="s"),
    )
    assert response.status_code == 200
    assert "used this web address before" in str(response.context["adminform"].form.errors)
