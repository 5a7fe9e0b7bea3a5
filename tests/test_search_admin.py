"""The EDI team's search tools in the admin: the search vocabulary and the searches made."""

import datetime

import pytest

from programmes.models import SearchCount, VocabularyGroup
from tests.adminform import admin_form_data

VOCABULARY = "/admin/programmes/vocabularygroup/"
SEARCHES = "/admin/programmes/searchcount/"


def test_the_starter_vocabulary_is_there_with_its_history(db):
    groups = {str(g): g for g in VocabularyGroup.objects.all()}
    assert len(groups) >= 40
    assert any(name.startswith("WRES, Workforce Race Equality Standard") for name in groups)
    assert any("job adverts" in name and "recruitment" in name for name in groups)
    for group in groups.values():
        first = group.history.earliest()
        assert first.history_user is None  # made by the system, not a person
        assert first.history_change_reason == "Starter vocabulary"


def test_an_editor_adds_a_group_and_the_next_search_uses_it(editor_client, catalogue, settings):
    settings.PUBLIC_PAGE_CACHE = True
    assert "Active Bystander" not in editor_client.get("/programmes/?q=upskirting").content.decode()
    response = editor_client.get(f"{VOCABULARY}add/")
    data = admin_form_data(response, terms="upskirting, bystander", note="Test.")
    response = editor_client.post(f"{VOCABULARY}add/", data)
    assert response.status_code == 302
    group = VocabularyGroup.objects.get(terms="upskirting, bystander")
    assert group.history.get().history_user.username == "edna"
    from django.test import Client

    html = Client().get("/programmes/?q=upskirting").content.decode()
    assert "Active Bystander Training" in html


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("", "This field is required."),
        ("only one", "Add at least two words or phrases"),
        ("same, SAME,  same ", "Add at least two words or phrases"),
        ("ok, ---", "has no letters or numbers"),
        ("ok, " + "x" * 101, "is longer than 100 characters"),
        (", ".join(f"w{i}" for i in range(31)), "at most 30 words or phrases"),
    ],
)
def test_a_group_that_changes_nothing_is_refused_with_a_clear_message(
    editor_client, terms, message
):
    response = editor_client.get(f"{VOCABULARY}add/")
    response = editor_client.post(f"{VOCABULARY}add/", admin_form_data(response, terms=terms))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_group_page_says_which_acronyms_it_explains(editor_client, db):
    group = VocabularyGroup.objects.get(terms__startswith="WRES,")
    html = editor_client.get(f"{VOCABULARY}{group.pk}/change/").content.decode()
    assert "WRES: Workforce Race Equality Standard" in html


def test_editors_cannot_delete_vocabulary(editor_client, db):
    group = VocabularyGroup.objects.first()
    assert editor_client.get(f"{VOCABULARY}{group.pk}/delete/").status_code == 403


def test_the_searches_page_lists_weeks_counts_and_what_found_nothing(editor_client, db):
    week = datetime.date(2026, 11, 30)
    SearchCount.objects.create(week=week, query="car parking", searches=7, results=0)
    SearchCount.objects.create(week=week, query="leadership", searches=12, results=2)
    SearchCount.objects.create(week=week, query="<script>alert(1)</script>", searches=1, results=0)
    response = editor_client.get(SEARCHES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "car parking" in html
    assert "leadership" in html
    assert "<script>alert(1)</script>" not in html  # what visitors typed is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    nothing = editor_client.get(f"{SEARCHES}?found=nothing").content.decode()
    assert "car parking" in nothing
    assert "leadership" not in nothing


def test_nobody_edits_the_counts(editor_client, admin_client, db):
    count = SearchCount.objects.create(week=datetime.date(2026, 11, 30), query="x", searches=1)
    assert editor_client.get(f"{SEARCHES}add/").status_code == 403
    assert editor_client.post(f"{SEARCHES}{count.pk}/change/", {"searches": 99}).status_code == 403
    assert editor_client.get(f"{SEARCHES}{count.pk}/delete/").status_code == 403
    assert admin_client.get(f"{SEARCHES}add/").status_code == 403
    count.refresh_from_db()
    assert count.searches == 1


def test_programme_form_has_search_keywords(editor_client, programme):
    html = editor_client.get(f"/admin/programmes/programme/{programme.pk}/change/").content.decode()
    assert 'name="search_keywords"' in html
    assert "Not shown on the page." in html
