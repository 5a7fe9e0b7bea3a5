"""What the "Catalogue editors" group may and may not do, and the edit history they leave."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from taggit.models import Tag

from programmes.models import Partner, Programme
from tests.adminform import admin_form_data

ADD_URL = "/admin/programmes/programme/add/"


def change_url(programme):
    return f"/admin/programmes/programme/{programme.pk}/change/"


def test_editors_group_can_add_change_and_view_the_catalogue_and_nothing_else(db):
    permissions = set(
        Group.objects.get(name="Catalogue editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    models = {
        "programmes": [
            "programme",
            "partner",
            "contact",
            "audience",
            "programmepartner",
            "programmelink",
            "vocabularygroup",
            "keydate",
        ],
        "taggit": ["tag"],
    }
    expected = {
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in ["add", "change", "view"]
    }
    # The counts of what was searched for: read, never written, by editors.
    expected.add(("programmes", "view_searchcount"))
    # The link check's results: read. The catalogue settings (the review interval): set.
    expected.add(("programmes", "view_linkcheck"))
    expected |= {
        ("programmes", "change_cataloguesettings"),
        ("programmes", "view_cataloguesettings"),
    }
    # Email alerts: how many follow each filter, and what was sent when; never who.
    expected |= {("alerts", "view_alert"), ("alerts", "view_subscribersperfilter")}
    assert permissions == expected
    assert not any(codename.startswith("delete_") for _, codename in permissions)


def _add_programme(client, **changes):
    page = client.get(ADD_URL)
    assert page.status_code == 200
    data = admin_form_data(
        page,
        title="Reverse Mentoring for Inclusion",
        slug="",
        summary="Senior leaders are mentored by staff from minority ethnic backgrounds.",
        status="in-action",
        kind="training",
        launch_precision="month",
        **changes,
    )
    return client.post(ADD_URL, data)


def test_an_editor_adds_a_programme_with_tags_partner_and_link(editor_client, editor, partner):
    Tag.objects.create(name="WRES", slug="wres")
    wres = Tag.objects.get(name="WRES")
    response = _add_programme(
        editor_client,
        tags=[str(wres.pk)],
        new_tags="mentoring, wres, Senior leaders",
        **{
            "partner_roles-TOTAL_FORMS": "1",
            "partner_roles-0-partner": str(partner.pk),
            "partner_roles-0-role": "delivery",
            "links-TOTAL_FORMS": "1",
            "links-0-label": "Register your interest",
            "links-0-url": "https://example.org/register",
            "links-0-position": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme = Programme.objects.get(title="Reverse Mentoring for Inclusion")
    assert programme.slug == "reverse-mentoring-for-inclusion"  # filled from the title
    assert not programme.is_published  # a draft until published
    # "wres" typed again is the existing WRES tag, not a second one.
    assert sorted(programme.tags.names(), key=str.lower) == ["mentoring", "Senior leaders", "WRES"]
    assert Tag.objects.filter(name__iexact="wres").count() == 1
    assert programme.tag_snapshot == "mentoring, Senior leaders, WRES"
    assert list(programme.partners.all()) == [partner]
    assert programme.links.get().url == "https://example.org/register"
    record = programme.history.earliest()
    assert record.history_type == "+"
    assert record.history_user == editor
    assert record.tag_snapshot == "mentoring, Senior leaders, WRES"


def test_an_editor_changes_publishes_and_closes_a_programme(editor_client, editor, programme):
    programme.is_published = False
    programme.save()
    page = editor_client.get(change_url(programme))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_publish"' in html
    assert "View on site" in html

    data = admin_form_data(page, summary="A better summary.", _publish="Save and publish")
    response = editor_client.post(change_url(programme), data, follow=True)
    assert response.status_code == 200
    assert "is published: anyone can see it" in response.content.decode()
    programme.refresh_from_db()
    assert programme.is_published
    assert programme.summary == "A better summary."
    assert editor_client.get(programme.get_absolute_url()).status_code == 200

    page = editor_client.get(change_url(programme))
    data = admin_form_data(
        page,
        status="ended",
        ended_notice="Use the national mentoring scheme instead.",
    )
    assert editor_client.post(change_url(programme), data).status_code == 302
    programme.refresh_from_db()
    assert programme.status == "ended"
    public = editor_client.get(programme.get_absolute_url())
    assert public.status_code == 200
    assert "Use the national mentoring scheme instead." in public.content.decode()

    history = list(programme.history.order_by("history_date"))
    assert history[-1].status == "ended"
    assert {r.history_user for r in history if r.history_user} == {editor}


def test_the_edit_form_can_unpublish(editor_client, programme):
    page = editor_client.get(change_url(programme))
    assert 'name="_unpublish"' in page.content.decode()
    data = admin_form_data(page, _unpublish="Save and unpublish")
    response = editor_client.post(change_url(programme), data, follow=True)
    assert "is a draft again" in response.content.decode()
    programme.refresh_from_db()
    assert not programme.is_published


@pytest.mark.parametrize(
    "path",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
    ],
)
def test_editors_cannot_touch_users_or_groups(editor_client, path):
    assert editor_client.get(path).status_code == 403


def test_editors_cannot_see_their_own_or_others_accounts(editor_client, editor, admin_user):
    assert editor_client.get(f"/admin/auth/user/{editor.pk}/change/").status_code == 403
    assert editor_client.get(f"/admin/auth/user/{admin_user.pk}/change/").status_code == 403


def test_editors_cannot_delete(editor_client, programme, partner, contact):
    for url in [
        f"/admin/programmes/programme/{programme.pk}/delete/",
        f"/admin/programmes/partner/{partner.pk}/delete/",
        f"/admin/programmes/contact/{contact.pk}/delete/",
    ]:
        assert editor_client.get(url).status_code == 403
        assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Programme.objects.filter(pk=programme.pk).exists()
    changelist = editor_client.get("/admin/programmes/programme/").content.decode()
    assert "delete_selected" not in changelist
    response = editor_client.post(
        "/admin/programmes/programme/",
        {"action": "delete_selected", "_selected_action": [programme.pk], "post": "yes"},
    )
    assert Programme.objects.filter(pk=programme.pk).exists()
    assert response.status_code in (200, 302)


def test_editors_cannot_merge_tags(editor_client, programme):
    """taggit's merge deletes tags: only people allowed to delete may do it."""
    assert editor_client.get("/admin/taggit/tag/merge-tags/").status_code == 403
    assert "render_tag_form" not in editor_client.get("/admin/taggit/tag/").content.decode()


def test_the_admin_index_shows_editors_only_the_catalogue(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "/admin/programmes/programme/" in html
    assert "/admin/taggit/tag/" in html
    assert "/admin/auth/" not in html
    assert "/admin/axes/" not in html


def test_a_superuser_deleting_a_programme_leaves_its_history(admin_client, programme):
    pk = programme.pk
    programme.title = "Renamed before deletion"
    programme.save()
    response = admin_client.post(f"/admin/programmes/programme/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Programme.objects.filter(pk=pk).exists()
    history = Programme.history.filter(id=pk).order_by("history_date")
    assert history.first().history_type == "+"
    assert history.last().history_type == "-"
    assert history.last().title == "Renamed before deletion"
    # The history page still opens for the deleted programme.
    page = admin_client.get(f"/admin/programmes/programme/{pk}/history/")
    assert page.status_code == 200
    assert "Renamed before deletion" in page.content.decode()


def test_a_superuser_deleting_a_partner_leaves_its_history(admin_client, partner):
    pk = partner.pk
    response = admin_client.post(f"/admin/programmes/partner/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(Partner.history.filter(id=pk).values_list("history_type", flat=True)) == ["-", "+"]


def test_history_lists_changes_with_the_editors_name(editor_client, editor, programme):
    page = editor_client.get(change_url(programme))
    data = admin_form_data(page, title="Example Inclusion Programme 2", new_tags="mentoring")
    assert editor_client.post(change_url(programme), data).status_code == 302
    html = editor_client.get(f"/admin/programmes/programme/{programme.pk}/history/").content
    html = html.decode()
    assert "<td>Edna Editor</td>" in html  # named, not linked to an account editors cannot open
    assert "/admin/auth/user/" not in html
    assert "Topics:" in html
    assert "Example Inclusion Programme 2" in html
    assert "mentoring" in html  # the tags' change is listed
    latest = programme.history.latest()
    assert latest.history_user == editor
    assert "mentoring" in latest.tag_snapshot


def test_revert_restores_title_slug_and_tags(editor_client, editor):
    response = _add_programme(editor_client, new_tags="first tag, WRES")
    assert response.status_code == 302
    programme = Programme.objects.get()
    first_version = programme.history.latest()

    page = editor_client.get(change_url(programme))
    data = admin_form_data(
        page, title="A new name", slug="a-new-name", tags=[], new_tags="other tag"
    )
    assert editor_client.post(change_url(programme), data).status_code == 302
    programme.refresh_from_db()
    assert programme.slug == "a-new-name"
    assert list(programme.tags.names()) == ["other tag"]

    revert_url = f"/admin/programmes/programme/{programme.pk}/history/{first_version.pk}/"
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    response = editor_client.post(revert_url, admin_form_data(page))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Reverse Mentoring for Inclusion"
    assert programme.slug == "reverse-mentoring-for-inclusion"
    assert sorted(programme.tags.names(), key=str.lower) == ["first tag", "WRES"]
    assert programme.tag_snapshot == "first tag, WRES"
    assert programme.history.latest().history_user == editor
    # The name it had in between keeps working as an old address.
    old = editor_client.get("/programmes/a-new-name/")
    assert old.status_code == 301
    assert old["Location"] == "/programmes/reverse-mentoring-for-inclusion/"


def test_revert_brings_back_a_deleted_tag_by_name(editor_client):
    _add_programme(editor_client, new_tags="short-lived")
    programme = Programme.objects.get()
    first_version = programme.history.latest()
    programme.tags.clear()
    Tag.objects.filter(name="short-lived").delete()
    revert_url = f"/admin/programmes/programme/{programme.pk}/history/{first_version.pk}/"
    page = editor_client.get(revert_url)
    assert page.context["adminform"].form["new_tags"].value() == "short-lived"
    editor_client.post(revert_url, admin_form_data(page))
    assert list(programme.tags.names()) == ["short-lived"]


def test_add_editor_command_creates_a_staff_editor(db, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "correct horse battery 42")
    call_command("add_editor", "sam", email="sam@nhs.net", stdout=_Sink())
    user = User.objects.get(username="sam")
    assert user.is_staff
    assert not user.is_superuser
    assert user.check_password("correct horse battery 42")
    assert list(user.groups.values_list("name", flat=True)) == ["Catalogue editors"]
    assert user.has_perm("programmes.change_programme")
    assert not user.has_perm("programmes.delete_programme")
    assert not user.has_perm("auth.view_user")


def test_add_editor_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "password")
    with pytest.raises(CommandError):
        call_command("add_editor", "sam", stdout=_Sink(), stderr=_Sink())
    assert not User.objects.filter(username="sam").exists()


def test_add_editor_makes_an_existing_account_an_editor(db):
    User.objects.create_user("kim", password="x" * 20)
    call_command("add_editor", "kim", stdout=_Sink())
    user = User.objects.get(username="kim")
    assert user.is_staff
    assert user.groups.filter(name="Catalogue editors").exists()


def test_add_editor_leaves_superusers_alone(admin_user):
    with pytest.raises(CommandError, match="superuser"):
        call_command("add_editor", admin_user.username, stdout=_Sink())
    admin_user.refresh_from_db()
    assert not admin_user.groups.exists()


def test_add_editor_dry_run_changes_nothing(db):
    out = _Sink()
    call_command("add_editor", "lee", dry_run=True, stdout=out)
    assert "Would create" in out.text
    assert not User.objects.filter(username="lee").exists()


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_one_save_makes_one_history_record_with_its_relations(
    editor_client, programme, audience, contact
):
    from programmes.models import Audience, Contact

    new_audience = Audience.objects.create(name="Senior leaders", slug="senior-leaders")
    new_contact = Contact.objects.create(name="Other team", email="other@nhs.net")
    before = programme.history.count()
    page = editor_client.get(change_url(programme))
    data = admin_form_data(
        page,
        title="Retitled",
        audiences=[str(new_audience.pk)],
        contacts=[str(contact.pk), str(new_contact.pk)],
    )
    assert editor_client.post(change_url(programme), data).status_code == 302
    assert programme.history.count() == before + 1
    record = programme.history.latest()
    assert record.title == "Retitled"
    assert [r.audience_id for r in record.audiences.all()] == [new_audience.pk]
    assert sorted(r.contact_id for r in record.contacts.all()) == sorted(
        [contact.pk, new_contact.pk]
    )
    # Reverting to the version before brings back its audience.
    earlier = programme.history.order_by("-history_date")[1]
    url = f"/admin/programmes/programme/{programme.pk}/history/{earlier.pk}/"
    assert editor_client.post(url, admin_form_data(editor_client.get(url))).status_code == 302
    assert programme.history.count() == before + 2
    assert [r.audience_id for r in programme.history.latest().audiences.all()] == [audience.pk]
    assert list(programme.audiences.all()) == [audience]
    assert list(programme.contacts.all()) == [contact]


def test_the_form_saved_at_once_makes_one_history_record_with_its_relations(programme, contact):
    """save() with commit=True (not the admin's way) completes the record too."""
    from programmes.admin_forms import ProgrammeAdminForm
    from programmes.models import Audience

    new_audience = Audience.objects.create(name="Senior leaders", slug="senior-leaders")
    before = programme.history.count()
    data = {
        "title": "Retitled",
        "slug": programme.slug,
        "summary": programme.summary,
        "status": programme.status,
        "kind": programme.kind,
        "launch_precision": programme.launch_precision,
        "audiences": [new_audience.pk],
        "contacts": [contact.pk],
        "tags": [tag.pk for tag in programme.tags.all()],
        "is_published": "on",
    }
    form = ProgrammeAdminForm(data, instance=programme)
    assert form.is_valid(), form.errors
    form.save()
    assert programme.history.count() == before + 1
    record = programme.history.latest()
    assert record.title == "Retitled"
    assert [r.audience_id for r in record.audiences.all()] == [new_audience.pk]
    assert [r.contact_id for r in record.contacts.all()] == [contact.pk]
    assert record.tag_snapshot == "leadership, WRES"


@pytest.mark.parametrize(
    ("model", "field", "old", "new"),
    [
        ("partner", "name", "Example Partner Trust", "Renamed Trust"),
        ("contact", "phone", "", "020 7946 0000"),
    ],
)
def test_partner_and_contact_changes_are_recorded_and_revertible(
    editor_client, editor, partner, contact, model, field, old, new
):
    obj = {"partner": partner, "contact": contact}[model]
    url = f"/admin/programmes/{model}/{obj.pk}/change/"
    assert (
        editor_client.post(url, admin_form_data(editor_client.get(url), **{field: new})).status_code
        == 302
    )
    obj.refresh_from_db()
    assert getattr(obj, field) == new
    latest = obj.history.latest()
    assert latest.history_user == editor
    assert getattr(latest, field) == new
    history_page = editor_client.get(
        f"/admin/programmes/{model}/{obj.pk}/history/"
    ).content.decode()
    assert new in history_page
    first = obj.history.earliest()
    revert_url = f"/admin/programmes/{model}/{obj.pk}/history/{first.pk}/"
    response = editor_client.post(revert_url, admin_form_data(editor_client.get(revert_url)))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == old


def test_partner_and_link_changes_show_on_the_programme_history(editor_client, programme, partner):
    url = change_url(programme)
    page = editor_client.get(url)
    data = admin_form_data(
        page,
        **{
            "partner_roles-0-role": "design",
            "links-0-DELETE": "on",
        },
    )
    assert editor_client.post(url, data).status_code == 302
    assert not programme.links.exists()
    html = editor_client.get(f"/admin/programmes/programme/{programme.pk}/history/").content
    html = html.decode()
    assert "Partners and links" in html
    assert "Changed partner Example Partner Trust: Designed and developed with" in html
    assert "Removed link “Register your interest”: https://example.org/register" in html
    assert "Added partner Example Partner Trust: Delivery partner" in html
    assert "<td>Edna Editor</td>" in html
