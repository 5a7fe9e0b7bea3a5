import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Contact, Programme, ProgrammeSlug


def test_str_and_absolute_url(programme):
    assert str(programme) == "Example Inclusion Programme"
    assert programme.get_absolute_url() == "/programmes/example-inclusion-programme/"


@pytest.mark.parametrize(
    ("precision", "shown"),
    [("month", "July 2021"), ("year", "2021"), ("day", "5 July 2021")],
)
def test_launch_date_is_shown_at_its_precision(db, precision, shown):
    p = Programme(title="X", launched_on=datetime.date(2021, 7, 5), launch_precision=precision)
    assert p.launch_display == shown


def test_no_launch_date_shows_nothing(db):
    assert Programme(title="X").launch_display == ""


def test_published_hides_drafts(programme):
    draft = Programme.objects.create(title="A draft", summary="s", is_published=False)
    published = Programme.objects.published()
    assert programme in published
    assert draft not in published


def test_slug_is_filled_from_the_title(db):
    p = Programme.objects.create(title="London De-bias Recruitment Toolkit", summary="s")
    assert p.slug == "london-de-bias-recruitment-toolkit"


def test_titles_are_unique_ignoring_case(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.create(title=programme.title.upper(), slug="other", summary="s")


def test_status_outside_the_choices_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.create(title="Bad status", summary="s", status="finished")


def test_renaming_a_slug_keeps_the_old_one(programme):
    programme.slug = "new-name"
    programme.save()
    assert ProgrammeSlug.objects.get(slug="example-inclusion-programme").programme == programme


def test_taking_back_an_old_slug_makes_it_current_again(programme):
    programme.slug = "new-name"
    programme.save()
    programme.slug = "example-inclusion-programme"
    programme.save()
    assert list(ProgrammeSlug.objects.values_list("slug", flat=True)) == ["new-name"]


def test_another_programme_cannot_take_an_old_slug(programme):
    programme.slug = "new-name"
    programme.save()
    other = Programme(title="Another", slug="example-inclusion-programme", summary="s")
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "used this web address before" in str(error.value)


def test_contact_needs_a_way_to_reach_them(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(name="Nobody")


def test_contact_email_is_unique_ignoring_case(contact):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(name="Same inbox", email=contact.email.upper())


def test_needs_review_finds_entries_not_reviewed_for_six_months_by_default(programme):
    today = datetime.date(2026, 11, 26)
    programme.last_reviewed_on = datetime.date(2026, 5, 26)  # due today
    programme.save()
    assert programme in Programme.objects.needs_review(today)
    programme.last_reviewed_on = datetime.date(2026, 5, 27)  # due tomorrow
    programme.save()
    assert programme not in Programme.objects.needs_review(today)


def test_needs_review_follows_the_teams_interval(programme):
    from programmes.models import CatalogueSettings

    today = datetime.date(2026, 11, 26)
    programme.last_reviewed_on = datetime.date(2026, 2, 1)
    programme.save()
    assert programme in Programme.objects.needs_review(today)
    CatalogueSettings.objects.filter(pk=1).update(review_interval_months=12)
    assert programme not in Programme.objects.needs_review(today)
    assert programme.review_due_on == datetime.date(2027, 2, 1)


def test_edits_are_recorded_in_history(programme):
    before = programme.history.count()
    programme.title = "Renamed programme"
    programme.save()
    assert programme.history.count() == before + 1
    assert programme.history.latest().title == "Renamed programme"
    assert programme.history.earliest().title == "Example Inclusion Programme"


def _checked_choices():
    """(model, field, the values its CheckConstraint allows) for each field with choices
    that a CheckConstraint `<field>__in` guards, in the project's apps."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label not in ("programmes", "alerts"):
            continue
        for constraint in model._meta.constraints:
            condition = getattr(constraint, "condition", None)
            for child in getattr(condition, "children", ()):
                if isinstance(child, tuple) and child[0].endswith("__in"):
                    field = model._meta.get_field(child[0].removesuffix("__in"))
                    if field.choices:
                        yield model, field, child[1]


def test_check_constraints_allow_exactly_the_fields_choices():
    checked = list(_checked_choices())
    assert len(checked) >= 6  # programme status, precision, availability, delivery; key date; alert
    for model, field, allowed in checked:
        expected = [value for value, _label in field.choices]
        if field.blank:
            expected.insert(0, "")
        assert sorted(allowed) == sorted(expected), (model, field.name)


def test_control_characters_pasted_from_a_word_processor_are_kept_as_line_breaks(programme):
    # Word's line break is a vertical tab, its page break a form feed; an escape means nothing.
    programme.title = "Calibre\x0bLeadership\x1b"
    programme.summary = "First line\x0bsecond line\x0cnext page\x00"
    programme.save()
    programme.refresh_from_db()
    assert programme.title == "Calibre Leadership"  # one line: a space
    assert programme.summary == "First line\nsecond line\nnext page"
    booklet_text = programme.summary + programme.title
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in booklet_text)


def test_ordinary_text_is_saved_exactly_as_written(programme):
    text = "Tabs\tand\r\nbreaks stay; so do “quotes”, accents (café) and emoji 🙂."
    programme.summary = text
    programme.save()
    programme.refresh_from_db()
    assert programme.summary == text
