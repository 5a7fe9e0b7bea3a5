"""Nothing becomes public by side effect: a partner, audience or topic is public only
while a published programme uses it, and no public page names or links a draft.

Editors cannot delete anything (docs/design.md, "Editors"): a record made by mistake
from a draft's form is harmless because it is not public, not because it can go.
"""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from programmes.models import Audience, Partner, Programme, ProgrammePartner, published_rule
from tests.adminform import admin_form_data

SECRETS = ["Hidden Draft Programme", "Secret Partner Org", "Secret Audience Group", "secret topic"]
PUBLIC_OUTPUTS = [
    "/",
    "/programmes/",
    "/programmes/?q=secret",
    "/partners/",
    "/sitemap.xml",
    "/programmes/feed/",
    "/programmes/export.csv",
    "/programmes/export.json",
]


@pytest.fixture
def draft_with_new_records(catalogue):
    """A draft that brought a new partner, audience and topic into the catalogue."""
    draft = Programme.objects.create(
        title="Hidden Draft Programme",
        summary="Not ready yet.",
        is_published=False,
    )
    partner = Partner.objects.create(name="Secret Partner Org", slug="secret-partner-org")
    ProgrammePartner.objects.create(programme=draft, partner=partner)
    audience = Audience.objects.create(name="Secret Audience Group", slug="secret-audience-group")
    draft.audiences.add(audience)
    draft.tags.add("secret topic")
    return draft


def _public_texts():
    visitor = Client()
    pages = {path: visitor.get(path) for path in PUBLIC_OUTPUTS}
    for programme in Programme.objects.published():
        pages[programme.get_absolute_url()] = visitor.get(programme.get_absolute_url())
    for path, response in pages.items():
        assert response.status_code == 200, path
    return {path: response.content.decode() for path, response in pages.items()}


def test_records_of_a_draft_appear_on_no_public_output(draft_with_new_records):
    for path, text in _public_texts().items():
        for secret in SECRETS:
            assert secret not in text, (secret, path)
        assert "secret-partner-org" not in text, path


def test_their_public_addresses_answer_404_until_a_published_programme_uses_them(
    draft_with_new_records,
):
    visitor = Client()
    assert visitor.get("/partners/secret-partner-org/").status_code == 404
    assert visitor.get(draft_with_new_records.get_absolute_url()).status_code == 404
    draft_with_new_records.is_published = True
    draft_with_new_records.save()
    texts = _public_texts()
    assert "Secret Partner Org" in texts["/partners/"]
    assert "/partners/secret-partner-org/" in texts["/sitemap.xml"]
    assert "Secret Audience Group" in texts["/programmes/"]
    assert "secret topic" in texts["/programmes/export.csv"]
    assert "Secret Partner Org" in json.dumps(json.loads(texts["/programmes/export.json"]))
    assert "Hidden Draft Programme" in texts["/programmes/feed/"]
    assert visitor.get("/partners/secret-partner-org/").status_code == 200
    response = visitor.get("/programmes/?tag=secret-topic")
    assert "Hidden Draft Programme" in response.content.decode()


def test_a_partner_whose_only_programme_is_unpublished_goes_private_again(catalogue):
    partner = Partner.objects.get(slug="brap")
    visitor = Client()
    assert visitor.get("/partners/brap/").status_code == 200
    for programme in Programme.objects.filter(partners=partner):
        programme.is_published = False
        programme.save()
    assert visitor.get("/partners/brap/").status_code == 404
    assert 'href="/partners/brap/"' not in visitor.get("/partners/").content.decode()
    assert "/partners/brap/" not in visitor.get("/sitemap.xml").content.decode()


@pytest.mark.parametrize(
    "query", ["tag=secret-topic", "audience=secret-audience-group", "partner=secret-partner-org"]
)
def test_choosing_a_drafts_topic_audience_or_partner_in_the_url_names_nothing(
    draft_with_new_records, query
):
    response = Client().get(f"/programmes/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "no programme has it." in html  # an unknown value, like any other
    for secret in SECRETS:
        assert secret.lower() not in html.lower(), secret


@pytest.fixture
def ended_replaced_by_a_draft(catalogue):
    ended = Programme.objects.published().first()
    draft = Programme.objects.create(title="Unannounced Successor", summary="Not ready.")
    # Set behind the admin's back, as before the admin checked it (or the
    # successor was unpublished afterwards).
    Programme.objects.filter(pk=ended.pk).update(
        status=Programme.Status.ENDED, ended_notice="It has ended.", replaced_by=draft
    )
    ended.refresh_from_db()
    return ended, draft


def test_an_ended_programme_never_names_a_draft_that_replaces_it(ended_replaced_by_a_draft):
    ended, draft = ended_replaced_by_a_draft
    html = Client().get(ended.get_absolute_url()).content.decode()
    assert "This programme has ended" in html
    assert "Unannounced Successor" not in html
    assert draft.get_absolute_url() not in html

    draft.is_published = True
    draft.save()
    html = Client().get(ended.get_absolute_url()).content.decode()
    assert f'Go to <a href="{draft.get_absolute_url()}">Unannounced Successor</a> instead.' in html


def test_the_admin_refuses_a_draft_as_replacement(editor_client, ended_replaced_by_a_draft):
    ended, draft = ended_replaced_by_a_draft
    url = f"/admin/programmes/programme/{ended.pk}/change/"
    response = editor_client.post(url, admin_form_data(editor_client.get(url)))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["replaced_by"] == [
        "“Unannounced Successor” is a draft: only a published programme can replace this one. "
        "Publish it first, or leave this empty and say where to go instead."
    ]
    published = Programme.objects.published().exclude(pk=ended.pk).first()
    response = editor_client.post(
        url, admin_form_data(editor_client.get(url), replaced_by=str(published.pk))
    )
    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.replaced_by == published


# A filter on the published flag written out by hand, rather than through
# published() or published_rule().
HAND_WRITTEN_RULE = re.compile(
    r"__is_published|\bis_published=True|[\"']is_published[\"']\s*:\s*True|filter\(is_published"
)


def test_the_published_rule_is_written_once():
    root = Path(__file__).resolve().parent.parent
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in ("programmes", "alerts", "lwrs_site")
        for path in sorted((root / folder).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_WRITTEN_RULE.search(line)
    ]
    assert [line.split(":")[0] for line in found] == ["programmes/models.py"], found


def test_the_rule_through_a_relation_finds_what_published_finds(draft_with_new_records):
    published = set(Programme.objects.published().values_list("pk", flat=True))
    assert Programme.objects.exclude(pk__in=published).exists()  # the draft
    through_roles = set(
        ProgrammePartner.objects.filter(published_rule("programme")).values_list(
            "programme_id", flat=True
        )
    )
    assert through_roles == set(
        ProgrammePartner.objects.filter(programme__in=published).values_list(
            "programme_id", flat=True
        )
    )
    assert "Secret Partner Org" not in {p.name for p in Partner.objects.public()}
