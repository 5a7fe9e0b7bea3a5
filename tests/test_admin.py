"""The programme, partner and contact admins: lists, filters, actions, messages."""

import datetime

import pytest
from django.utils import timezone

from programmes.models import Contact, Partner, Programme, ProgrammeSlug
from programmes.taking_part import add_months
from tests.adminform import admin_form_data

CHANGELIST = "/admin/programmes/programme/"
ADD_URL = "/admin/programmes/programme/add/"


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def _errors(response):
    return response.context["adminform"].form.errors


def test_changelist_shows_the_columns_editors_need(editor_client, programme):
    html = editor_client.get(CHANGELIST).content.decode()
    for heading in ["Title", "Status", "Format", "Published", "Last updated", "Last reviewed"]:
        assert heading in html
    assert "Example Inclusion Programme" in html
    assert "Due for review (not reviewed for 6 months)" in html


@pytest.mark.parametrize("n", [3, 30])
def test_changelist_query_count_does_not_grow(
    editor_client, make_programmes, n, django_assert_num_queries
):
    make_programmes(n)
    # Session, user, the session's two-factor device, the user's own and group
    # permissions, the team's review interval (the review filter names it), filtered
    # count, full count, the rows. Pinned: it must not depend on n.
    with django_assert_num_queries(9):
        response = editor_client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.content.decode().count('class="action-checkbox"') == n


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=ended",
        "kind__exact=toolkit",
        "is_published__exact=0",
        "review=needed",
        "review=done",
        "review=soon",
        "dates=coming",
        "dates=passed",
        "links=broken",
        "updated_at__gte=2020-01-01+00%3A00%3A00%2B00%3A00",
        "last_reviewed_on__isnull=True",
        "q=leadership",
        "_facets=True",
    ],
)
def test_every_filter_answers(editor_client, programme, query):
    response = editor_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert "Traceback" not in response.content.decode()


def test_needs_review_filter(editor_client, programme):
    fresh = Programme.objects.create(
        title="Freshly reviewed", summary="s", last_reviewed_on=timezone.localdate()
    )
    stale = Programme.objects.create(
        title="Stale entry",
        summary="s",
        last_reviewed_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    soon = Programme.objects.create(
        title="Due next week",
        summary="s",
        last_reviewed_on=add_months(timezone.localdate(), -6) + datetime.timedelta(days=7),
    )
    needed = editor_client.get(f"{CHANGELIST}?review=needed").context["cl"].result_list
    assert set(needed) == {programme, stale}  # never reviewed counts as needing review
    due_soon = editor_client.get(f"{CHANGELIST}?review=soon").context["cl"].result_list
    assert list(due_soon) == [soon]
    done = editor_client.get(f"{CHANGELIST}?review=done").context["cl"].result_list
    assert set(done) == {fresh, soon}


def test_search_finds_tags_and_summary(editor_client, programme):
    Programme.objects.create(title="Unrelated", summary="Nothing in common")
    by_tag = editor_client.get(f"{CHANGELIST}?q=WRES").context["cl"].result_list
    assert list(by_tag) == [programme]
    by_summary = editor_client.get(f"{CHANGELIST}?q=short+summary").context["cl"].result_list
    assert list(by_summary) == [programme]


def _act(client, action, *programmes):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [p.pk for p in programmes]},
        follow=True,
    )


def test_publish_and_unpublish_actions_are_recorded(editor_client, editor, programme):
    draft = Programme.objects.create(title="A draft", summary="s")
    response = _act(editor_client, "publish", draft, programme)
    assert "Published 1 programme." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.history.latest().history_user == editor

    response = _act(editor_client, "unpublish", draft)
    assert "Unpublished 1 programme" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published
    assert editor_client.logout() is None
    assert editor_client.get(draft.get_absolute_url()).status_code == 404


def test_mark_reviewed_action(editor_client, editor, programme):
    response = _act(editor_client, "mark_reviewed", programme)
    assert "Marked 1 programme as reviewed today." in response.content.decode()
    programme.refresh_from_db()
    assert programme.last_reviewed_on == timezone.localdate()
    assert programme.history.latest().history_user == editor
    assert programme not in Programme.objects.needs_review(timezone.localdate())


def test_reviewed_button_on_the_edit_form(editor_client, programme):
    page = editor_client.get(change_url(programme))
    editor_client.post(change_url(programme), admin_form_data(page, _reviewed="Reviewed"))
    programme.refresh_from_db()
    assert programme.last_reviewed_on == timezone.localdate()


def test_save_and_publish_from_the_add_form(editor_client):
    page = editor_client.get(ADD_URL)
    data = admin_form_data(page, title="Brand new", summary="New.", _publish="Save and publish")
    response = editor_client.post(ADD_URL, data)
    programme = Programme.objects.get(title="Brand new")
    assert response.status_code == 302
    assert response["Location"] == change_url(programme)
    assert programme.is_published
    assert programme.slug == "brand-new"


def test_drafts_preview_for_editors_with_a_banner(editor_client, client, programme):
    programme.is_published = False
    programme.save()
    html = editor_client.get(programme.get_absolute_url()).content.decode()
    assert "This programme is a draft" in html
    editor_client.logout()
    assert client.get(programme.get_absolute_url()).status_code == 404


# --- Validation messages ----------------------------------------------------


def test_duplicate_title_ignoring_case_is_refused_with_a_message(editor_client, programme):
    page = editor_client.get(ADD_URL)
    data = admin_form_data(page, title="example INCLUSION programme", summary="s")
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "There is already a programme called “Example Inclusion Programme”" in str(
        _errors(response)["title"]
    )


def test_duplicate_slug_is_refused_with_a_message(editor_client, programme):
    page = editor_client.get(ADD_URL)
    data = admin_form_data(
        page, title="Something else", slug="Example-Inclusion-Programme", summary="s"
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "already has this web address" in str(_errors(response)["slug"])


def test_a_slug_another_programme_used_before_is_refused(editor_client, programme):
    programme.slug = "renamed"
    programme.save()
    page = editor_client.get(ADD_URL)
    data = admin_form_data(
        page, title="Something else", slug="example-inclusion-programme", summary="s"
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "used this web address before" in str(_errors(response)["slug"])
    assert not Programme.objects.filter(title="Something else").exists()


def test_a_title_that_makes_no_slug_gets_a_message(editor_client):
    page = editor_client.get(ADD_URL)
    response = editor_client.post(ADD_URL, admin_form_data(page, title="!!!", summary="s"))
    assert response.status_code == 200
    assert "no letters or numbers" in str(_errors(response)["slug"])


def test_a_bad_link_url_gets_a_message(editor_client, programme):
    page = editor_client.get(change_url(programme))
    data = admin_form_data(page, **{"links-0-url": "not a web address"})
    response = editor_client.post(change_url(programme), data)
    assert response.status_code == 200
    assert "Enter a full web address, starting https://" in response.content.decode()


def test_ending_a_programme_needs_somewhere_to_go(editor_client, programme):
    page = editor_client.get(change_url(programme))
    response = editor_client.post(change_url(programme), admin_form_data(page, status="ended"))
    assert response.status_code == 200
    assert "tell staff where to go instead" in str(_errors(response)["ended_notice"])


def test_a_programme_cannot_replace_itself(editor_client, programme):
    page = editor_client.get(change_url(programme))
    data = admin_form_data(page, status="ended", replaced_by=str(programme.pk))
    response = editor_client.post(change_url(programme), data)
    assert "cannot replace itself" in str(_errors(response)["replaced_by"])


def test_contact_bad_email_gets_a_message(editor_client):
    response = editor_client.post(
        "/admin/programmes/contact/add/", {"name": "Team", "email": "not an email"}
    )
    assert response.status_code == 200
    assert "Enter an email address like name@nhs.net" in response.content.decode()


def test_contact_duplicate_email_ignoring_case(editor_client, contact):
    response = editor_client.post(
        "/admin/programmes/contact/add/", {"name": "Same", "email": contact.email.upper()}
    )
    assert response.status_code == 200
    assert "already has this email address" in response.content.decode()
    assert Contact.objects.count() == 1


def test_contact_needs_a_way_to_reach_them(editor_client):
    response = editor_client.post("/admin/programmes/contact/add/", {"name": "Nobody"})
    assert response.status_code == 200
    assert "Give at least one way to reach this contact" in response.content.decode()


def test_partner_duplicate_name_and_bad_website(editor_client, partner):
    response = editor_client.post(
        "/admin/programmes/partner/add/",
        {
            "name": partner.name.lower(),
            "slug": "another-slug",
            "kind": "charity",
            "website": "nope",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is already a partner called" in html
    assert "Enter a full web address, starting https://" in html
    assert Partner.objects.count() == 1


def test_website_without_scheme_gets_https(editor_client):
    response = editor_client.post(
        "/admin/programmes/partner/add/",
        {"name": "New partner", "slug": "new-partner", "kind": "charity", "website": "brap.org.uk"},
    )
    assert response.status_code == 302
    assert Partner.objects.get(slug="new-partner").website == "https://brap.org.uk"


# --- Partners, contacts, tags --------------------------------------------------


def test_partner_and_contact_lists_count_programmes_and_search(editor_client, programme):
    html = editor_client.get("/admin/programmes/partner/?q=example").content.decode()
    assert "Example Partner Trust" in html
    assert '<td class="field-programme_count">1</td>' in html
    html = editor_client.get("/admin/programmes/contact/?q=example.team").content.decode()
    assert "example.team@nhs.net" in html
    assert '<td class="field-programme_count">1</td>' in html
    html = editor_client.get("/admin/programmes/contact/?q=nobody").content.decode()
    assert "example.team@nhs.net" not in html


@pytest.mark.parametrize("path", ["/admin/programmes/partner/", "/admin/programmes/contact/"])
def test_partner_and_contact_list_queries_do_not_grow(
    editor_client, make_programmes, path, django_assert_max_num_queries
):
    for i in range(20):
        Partner.objects.create(name=f"Partner {i}", slug=f"partner-{i}")
        Contact.objects.create(name=f"Contact {i}", email=f"c{i}@nhs.net")
    make_programmes(10)
    # The session's two-factor device is one of them.
    with django_assert_max_num_queries(8):
        assert editor_client.get(path).status_code == 200


def test_tag_autocomplete_for_editors(editor_client, programme):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "programmes", "model_name": "programme", "field_name": "tags", "term": "wr"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["WRES"]


def test_partner_autocomplete_for_editors(editor_client, programme):
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "programmes",
            "model_name": "programmepartner",
            "field_name": "partner",
            "term": "example",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Example Partner Trust"]


def test_old_web_addresses_are_listed_read_only(editor_client, programme):
    programme.slug = "renamed"
    programme.save()
    html = editor_client.get(change_url(programme)).content.decode()
    assert "Old web addresses" in html
    assert "example-inclusion-programme" in html
    assert ProgrammeSlug.objects.count() == 1


def test_the_admin_pages_have_no_inline_style_from_our_templates(editor_client, programme):
    html = editor_client.get(change_url(programme)).content.decode()
    assert 'name="_unpublish"' in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/programmes/programme/{pk}/history/abc/",
        "/admin/programmes/programme/abc/history/",
        "/admin/programmes/programme/abc/history/1/",
        "/admin/programmes/programme/999999/history/",
        "/admin/programmes/programme/{pk}/history/999999/",
        "/admin/programmes/partner/x/history/",
        "/admin/programmes/contact/1e3/history/",
    ],
)
def test_malformed_history_addresses_are_not_found(editor_client, programme, path):
    assert editor_client.get(path.format(pk=programme.pk)).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["review=bogus", "status__exact=bogus", "updated_at__gte=garbage", "o=99", "p=abc"],
)
def test_malformed_changelist_parameters_do_not_fail(editor_client, programme, query):
    response = editor_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    ("new_tags", "message"),
    [
        ("good, !!!", "cannot be a topic"),
        ("x" * 101, "too long for a topic"),
        ("y" * 501, "at most 500"),
    ],
)
def test_unusable_new_tags_get_a_message(editor_client, programme, new_tags, message):
    page = editor_client.get(change_url(programme))
    response = editor_client.post(change_url(programme), admin_form_data(page, new_tags=new_tags))
    assert response.status_code == 200
    assert message in str(_errors(response)["new_tags"])
    assert "good" not in programme.tags.names()


def test_the_add_page_has_no_old_addresses_section(editor_client):
    assert "Old web addresses" not in editor_client.get(ADD_URL).content.decode()


def test_a_reserved_slug_is_refused_with_a_message(editor_client):
    page = editor_client.get(ADD_URL)
    response = editor_client.post(ADD_URL, admin_form_data(page, title="Feed", summary="s"))
    assert response.status_code == 200
    assert "is kept for another page of the site" in str(_errors(response)["slug"])
