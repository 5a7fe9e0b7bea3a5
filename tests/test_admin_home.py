"""The EDI team's admin home (programmes/admin_home.py): what needs doing, each list
linking to the programme list filtered the same way, in a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from programmes.models import CatalogueSettings, KeyDate, LinkCheck, Programme, ProgrammeLink
from programmes.taking_part import add_months

HOME = "/admin/"
CHANGELIST = "/admin/programmes/programme/"
TODAY = timezone.localdate()


def _programme(title, **fields):
    return Programme.objects.create(title=title, summary="A summary.", **fields)


@pytest.fixture
def work(db):
    """One programme for each list, and one that needs nothing."""
    fine = _programme("Fine programme", is_published=True, last_reviewed_on=TODAY)
    draft = _programme("Draft programme", last_reviewed_on=TODAY)
    overdue = _programme(
        "Overdue programme", is_published=True, last_reviewed_on=add_months(TODAY, -7)
    )
    never = _programme("Never reviewed programme", is_published=True)
    soon = _programme(
        "Due soon programme",
        is_published=True,
        last_reviewed_on=add_months(TODAY, -6) + datetime.timedelta(days=10),
    )
    dated = _programme("Dated programme", is_published=True, last_reviewed_on=TODAY)
    KeyDate.objects.create(
        programme=dated,
        label="Applications close",
        kind="applications-close",
        starts_on=TODAY + datetime.timedelta(days=10),
    )
    passed = _programme("Passed programme", is_published=True, last_reviewed_on=TODAY)
    KeyDate.objects.create(
        programme=passed,
        label="Cohort started",
        kind="cohort-starts",
        starts_on=TODAY - datetime.timedelta(days=5),
    )
    KeyDate.objects.create(  # long ago: on neither list
        programme=fine, label="Launch event", starts_on=TODAY - datetime.timedelta(days=300)
    )
    linked = _programme("Linked programme", is_published=True, last_reviewed_on=TODAY)
    ProgrammeLink.objects.create(programme=linked, label="Toolkit", url="https://example.org/gone")
    LinkCheck.objects.create(
        url="https://example.org/gone",
        checked_at=timezone.now(),
        status_code=404,
        broken=True,
        broken_since=timezone.now(),
    )
    return {
        "fine": fine,
        "draft": draft,
        "overdue": overdue,
        "never": never,
        "soon": soon,
        "dated": dated,
        "passed": passed,
        "linked": linked,
    }


def _section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_the_home_page_lists_what_needs_doing(editor_client, editor, work):
    html = editor_client.get(HOME).content.decode()
    assert "What needs doing" in html

    drafts = _section(html, "work-drafts")
    assert "Draft programme" in drafts
    assert "Fine programme" not in drafts
    assert f'href="{CHANGELIST}?is_published__exact=0"' in drafts

    review = _section(html, "work-review")
    assert "Due for review (2)" in review
    assert f"Overdue programme</a>, last reviewed {add_months(TODAY, -7):%-d %B %Y}" in review
    assert "Never reviewed programme</a>, never reviewed" in review
    assert "Due in the next 30 days (1)" in review
    assert "Due soon programme" in review
    assert "Pages are reviewed every 6 months" in review
    assert f'href="{CHANGELIST}?review=needed"' in review
    assert f'href="{CHANGELIST}?review=soon"' in review

    dates = _section(html, "work-dates")
    coming, passed = TODAY + datetime.timedelta(days=10), TODAY - datetime.timedelta(days=5)
    assert f"{coming:%-d %B %Y}: <a" in dates
    assert "Dated programme</a>, Applications close" in dates
    assert f"{passed:%-d %B %Y}: <a" in dates
    assert "Passed programme</a>, Cohort started" in dates
    assert "Launch event" not in dates
    assert f'href="{CHANGELIST}?dates=coming"' in dates
    assert f'href="{CHANGELIST}?dates=passed"' in dates

    links = _section(html, "work-links")
    assert "https://example.org/gone: Not found (404)" in links
    assert "Linked programme" in links
    assert f'href="{CHANGELIST}?links=broken"' in links

    changes = _section(html, "work-changes")
    assert "Linked programme</a>: added by the system" in changes


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("is_published__exact=0", {"draft"}),
        ("review=needed", {"overdue", "never"}),
        ("review=soon", {"soon"}),
        ("dates=coming", {"dated"}),
        ("dates=passed", {"passed"}),
        ("links=broken", {"linked"}),
    ],
)
def test_each_list_links_to_the_programme_list_filtered_the_same_way(
    editor_client, work, query, expected
):
    listed = editor_client.get(f"{CHANGELIST}?{query}").context["cl"].result_list
    assert set(listed) == {work[name] for name in expected}


def test_recent_changes_name_who_and_when(editor_client, editor, programme):
    page = editor_client.get(f"/admin/programmes/programme/{programme.pk}/change/")
    from tests.adminform import admin_form_data

    editor_client.post(
        f"/admin/programmes/programme/{programme.pk}/change/",
        admin_form_data(page, title="A renamed programme"),
    )
    changes = _section(editor_client.get(HOME).content.decode(), "work-changes")
    moment = timezone.localtime(programme.history.latest().history_date)
    assert f"A renamed programme</a>: changed by Edna Editor, {moment:%-d %B %Y, %H:%M}" in changes


def test_the_review_interval_the_team_sets_is_used_everywhere(editor_client, work):
    page = editor_client.get("/admin/programmes/cataloguesettings/", follow=True)
    assert page.status_code == 200
    from tests.adminform import admin_form_data

    response = editor_client.post(
        page.redirect_chain[-1][0], admin_form_data(page, review_interval_months="12")
    )
    assert response.status_code == 302
    assert CatalogueSettings.load().review_interval_months == 12
    html = editor_client.get(HOME).content.decode()
    listed = editor_client.get(f"{CHANGELIST}?review=needed").context["cl"].result_list
    assert "Pages are reviewed every 12 months" in html
    assert set(listed) == {work["never"]}  # the others were reviewed in the last 12 months
    bad = editor_client.post(
        page.redirect_chain[-1][0], admin_form_data(page, review_interval_months="0")
    )
    assert bad.status_code == 200
    assert CatalogueSettings.load().review_interval_months == 12


def test_the_settings_cannot_be_added_or_deleted(editor_client, admin_client, db):
    CatalogueSettings.load()
    assert editor_client.get("/admin/programmes/cataloguesettings/add/").status_code == 403
    assert admin_client.get("/admin/programmes/cataloguesettings/1/delete/").status_code == 403


@pytest.mark.parametrize("extra", [0, 40])
def test_the_home_page_costs_a_fixed_number_of_queries(
    editor_client, work, make_programmes, django_assert_num_queries, extra
):
    programmes = make_programmes(extra)
    for p in programmes:
        KeyDate.objects.create(programme=p, label="Soon", starts_on=timezone.localdate())
        ProgrammeLink.objects.create(programme=p, label="Gone", url="https://example.org/gone")
    # Session, user, two-factor device, permissions (2); the review interval; drafts,
    # due, due soon, dates coming and passed (a count and the rows each: 10); recent
    # changes; broken links: published programmes, their links and key dates, the link
    # checks (4); the admin's own "Recent actions" box.
    with django_assert_num_queries(22):
        response = editor_client.get(HOME)
    assert response.status_code == 200


def _visible_text(html):
    import re

    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_editors_words_not_developers(editor_client, admin_client, programme):
    from taggit.models import Tag

    tag = Tag.objects.get(name="WRES")
    pages = [
        "/admin/",
        "/admin/taggit/tag/",
        f"/admin/taggit/tag/{tag.pk}/change/",
        f"/admin/programmes/programme/{programme.pk}/change/",
        "/admin/programmes/programme/",
    ]
    for client in (editor_client, admin_client):
        for path in pages:
            text = _visible_text(client.get(path).content.decode())
            for word in ["Taggit", "TAGGIT", "Tagged items", "Slug", "Kind:", "OTP_", "Otp_"]:
                assert word not in text, (path, word)
    form = _visible_text(
        editor_client.get(f"/admin/programmes/programme/{programme.pk}/change/").content.decode()
    )
    assert "Web address:" in form
    assert f"Its full address now: http://testserver/programmes/{programme.slug}/" in form
    assert "Topics:" in form
    assert "Format:" in form
    home = _visible_text(admin_client.get("/admin/").content.decode())
    assert "Accounts and permissions" in home
    assert "Topics" in home
