"""The admin's forms: validation messages written for the EDI team, and tags kept in history.

Case-insensitive duplicates are caught here, with a message that says what to
do, before the database constraints would refuse them with an error page.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import models
from django.utils.html import format_html
from django.utils.text import slugify
from taggit.models import Tag

from .models import (
    EMAIL_ADDRESS,
    Availability,
    Contact,
    KeyDate,
    KeyDateKind,
    Partner,
    Programme,
    ProgrammeLink,
    long_date,
)

URL_MESSAGE = "Enter a full web address, starting https://, for example https://www.england.nhs.uk/"
DATE_MESSAGE = "Enter a date like 31/01/2027 (day, month, year)."
TIME_MESSAGE = "Enter a time like 10:00 or 14:30 (24-hour clock)."
EMAIL_MESSAGE = "Enter an email address like name@nhs.net, with no spaces."


def https_formfield(db_field, **kwargs):
    """Form fields for our models; a web address typed without a scheme gets https://."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


def split_tag_snapshot(snapshot):
    """Tag names from a snapshot ("anti-racism, WRES"). Names never contain commas here:
    the tag fields split on them."""
    return [name.strip() for name in snapshot.split(",") if name.strip()]


def tag_snapshot(names):
    """The text kept in `Programme.tag_snapshot`: names sorted A-Z, comma-separated."""
    return ", ".join(sorted(names, key=str.lower))


# The relations Programme's HistoricalRecords(m2m_fields=...) keeps.
HISTORY_M2M_FIELDS = ["audiences", "contacts"]


def copy_relations_into_latest_record(programme):
    """Give the programme's latest history record its relations as they are now.

    The record is made when the row is saved, before the form saves the
    relations; copy them as simple_history does: each row of the relation's table.
    """
    record = programme.history.latest()
    for name in HISTORY_M2M_FIELDS:
        through = Programme._meta.get_field(name).remote_field.through
        columns = [f.name for f in through._meta.fields]
        copies = getattr(record, name)
        copies.all().delete()
        copies.model._default_manager.bulk_create(
            copies.model(history=record, **{c: getattr(row, c) for c in columns})
            for row in through._default_manager.filter(programme=programme)
        )


def _clash(instance, field, value):
    """Another record of the same model whose `field` equals `value`, ignoring case:
    the form says so in words before the database's constraint would refuse it."""
    others = type(instance).objects.exclude(pk=instance.pk)
    return others.filter(**{f"{field}__iexact": value}).first()


# The "Taking part" fields of a programme, in the order the admin shows them.
TAKING_PART_FIELDS = [
    "availability",
    "who_can_take_part",
    "how_to_take_part",
    "cta_label",
    "cta_url",
    "cost",
    "time_commitment",
    "delivery",
    "location",
]


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Tick boxes in a group that screen readers name ("Topics, group"): the admin puts
    a label with no control above them, which names nothing (WCAG 1.3.1)."""

    def __init__(self, attrs=None, choices=(), *, name):
        super().__init__(attrs, choices)
        self.group_name = name

    def render(self, name, value, attrs=None, renderer=None):
        boxes = super().render(name, value, attrs, renderer)
        return format_html(
            '<div role="group" class="checkbox-group" aria-label="{}">{}</div>',
            self.group_name,
            boxes,
        )


class ProgrammeAdminForm(forms.ModelForm):
    # Topics already in use are ticked; new ones are typed below. Typing an
    # existing name also works (ignoring capitals). Tick boxes, not the admin's
    # autocomplete, which screen readers cannot use (issue 21).
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.order_by("name"),
        required=False,
        label="Topics",
        help_text="Tick the topics already in use that fit; type new ones in “Add new topics”.",
        widget=CheckboxGroup(name="Topics"),
    )
    # Not a field of the programme: it marks this save's history record (ProgrammeAdmin.save_model).
    minor_change = forms.BooleanField(
        label="Minor change: do not email subscribers",
        required=False,
        help_text="Tick for a correction staff need not hear about (a typo, clearer wording). "
        "A newly published programme and a change of availability are always emailed.",
    )
    new_tags = forms.CharField(
        label="Add new topics",
        required=False,
        max_length=500,
        help_text="Topics that are not in the list above yet, separated by commas, "
        "e.g. “mentoring, nursing”.",
    )

    class Meta:
        model = Programme
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "status",
            "kind",
            "launched_on",
            "launch_precision",
            "audiences",
            "contacts",
            "tags",
            "ended_notice",
            "replaced_by",
            "is_published",
            "last_reviewed_on",
            *TAKING_PART_FIELDS,
        ]
        labels = {"tags": "Topics"}
        error_messages = {
            "slug": {
                "invalid": "Use only lower-case letters, numbers and hyphens, e.g. my-programme."
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Left empty, it is filled from the title (works without JavaScript).
            self.fields["slug"].required = False
        # The admin's revert view builds the form on a past version: start
        # from what that version had, not from today's relations.
        historical = getattr(self.instance, "_history", None)
        if historical is not None and not self.is_bound:
            self._initial_from_history(historical)

    def _initial_from_history(self, historical):
        if "audiences" in self.fields:
            self.initial["audiences"] = [r.audience_id for r in historical.audiences.all()]
        if "contacts" in self.fields:
            self.initial["contacts"] = [r.contact_id for r in historical.contacts.all()]
        if "tags" not in self.fields:
            return
        names = split_tag_snapshot(historical.tag_snapshot)
        known = {t.name.lower(): t for t in Tag.objects.filter(name__in=names)}
        for name in names:
            if name.lower() not in known:
                match = Tag.objects.filter(name__iexact=name).first()
                if match:
                    known[name.lower()] = match
        self.initial["tags"] = [t.pk for t in known.values()]
        missing = [n for n in names if n.lower() not in known]
        self.initial["new_tags"] = ", ".join(missing)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        clash = _clash(self.instance, "title", title)
        if clash:
            raise forms.ValidationError(
                f"There is already a programme called “{clash.title}”. "
                "Give this one a different title (capital letters do not make it different)."
            )
        return title

    def clean(self):
        cleaned = super().clean()
        self._clean_slug(cleaned)
        self._clean_tags(cleaned)
        self._clean_ended(cleaned)
        self._clean_call_to_action(cleaned)
        return cleaned

    def clean_cta_url(self):
        """An email address or a web address typed without its start gets it:
        name@nhs.net becomes mailto:name@nhs.net, www.example.org https://www.example.org."""
        url = self.cleaned_data.get("cta_url", "").strip()
        if not url or url.lower().startswith(("https://", "http://", "mailto:")):
            return url
        if EMAIL_ADDRESS.match(url):
            return f"mailto:{url}"
        if ":" not in url.split("/", 1)[0] and "." in url.split("/", 1)[0]:
            return f"https://{url}"
        return url  # the model's validator says what is wrong with it

    def _clean_call_to_action(self, cleaned):
        if "cta_label" not in self.fields or "cta_url" not in self.fields:
            return
        if "cta_label" in self.errors or "cta_url" in self.errors:
            return
        label, url = cleaned.get("cta_label"), cleaned.get("cta_url")
        if label and not url:
            self.add_error(
                "cta_url",
                "Add the link the call to action goes to, or clear its words to show "
                "“Ask the LWRS team”.",
            )
        elif url and not label:
            self.add_error(
                "cta_label",
                "Say what the link does, e.g. “Start the online training”, or clear the link "
                "to show “Ask the LWRS team”.",
            )

    def _clean_slug(self, cleaned):
        if "slug" not in self.fields or "slug" in self.errors:
            return
        slug = (cleaned.get("slug") or "").strip().lower()
        if not slug:
            slug = slugify(cleaned.get("title") or "")[:200]
            if not slug:
                if cleaned.get("title"):
                    self.add_error(
                        "slug",
                        "The title has no letters or numbers to make a web address from. "
                        "Type one, e.g. my-programme.",
                    )
                return
        cleaned["slug"] = slug
        clash = _clash(self.instance, "slug", slug)
        if clash:
            self.add_error(
                "slug",
                f"The programme “{clash.title}” already has this web address. Choose a different one.",
            )
        # An address another programme had before is refused by Programme.clean().

    def _clean_tags(self, cleaned):
        if "tags" not in self.fields:
            return
        chosen = list(cleaned.get("tags") or [])
        seen = {t.name.lower() for t in chosen}
        for name in split_tag_snapshot(cleaned.get("new_tags") or ""):
            if len(name) > 100:
                self.add_error(
                    "new_tags", f"“{name[:30]}…” is too long for a topic: 100 characters at most."
                )
                return
            if not slugify(name):
                self.add_error(
                    "new_tags", f"“{name}” cannot be a topic: use letters or numbers in it."
                )
                return
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            # An existing tag typed in, whatever its capitals, is that tag.
            chosen.append(Tag.objects.filter(name__iexact=name).first() or name)
        cleaned["tags"] = chosen

    def _clean_ended(self, cleaned):
        if cleaned.get("status") != Programme.Status.ENDED:
            return
        replaced_by = cleaned.get("replaced_by")
        if replaced_by and replaced_by.pk == self.instance.pk:
            self.add_error("replaced_by", "A programme cannot replace itself.")
        elif replaced_by and not replaced_by.is_published:
            # Its page would name and link a draft the public cannot open.
            self.add_error(
                "replaced_by",
                f"“{replaced_by}” is a draft: only a published programme can replace this one. "
                "Publish it first, or leave this empty and say where to go instead.",
            )
        if not cleaned.get("ended_notice") and not replaced_by:
            self.add_error(
                "ended_notice",
                "This programme has ended: tell staff where to go instead, "
                "or choose the programme that replaces it.",
            )

    def save(self, commit=True):
        if "tags" in self.cleaned_data:
            # Tags live in taggit's tables, which the edit history does not
            # follow (django-taggit issue 918): keep their names on the row so
            # every history record carries them, and revert can restore them.
            names = [t if isinstance(t, str) else t.name for t in self.cleaned_data["tags"]]
            self.instance.tag_snapshot = tag_snapshot(names)
        programme = super().save(commit=False)
        # One history record per save: setting each relation (audiences, contacts,
        # topics) would add a record of its own (simple_history's m2m_fields); skip
        # those, and complete the record the save made instead. Wraps save_m2m(), the
        # documented way a form saves its relations after save(commit=False), as the
        # admin saves (tests/test_editors.py pins it: one record, with its relations).
        save_relations = self.save_m2m

        def save_m2m():
            programme.skip_history_when_saving = True
            try:
                save_relations()
            finally:
                del programme.skip_history_when_saving
            copy_relations_into_latest_record(programme)

        self.save_m2m = save_m2m
        if commit:
            programme.save()
            save_m2m()
        return programme


class PartnerAdminForm(forms.ModelForm):
    class Meta:
        model = Partner
        formfield_callback = https_formfield
        fields = ["name", "slug", "kind", "website", "description"]
        error_messages = {"website": {"invalid": URL_MESSAGE}}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = _clash(self.instance, "name", name)
        if clash:
            raise forms.ValidationError(
                f"There is already a partner called “{clash.name}”. "
                "Use that one, or give this one a different name."
            )
        return name

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        clash = Partner.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(
                f"The partner “{clash.name}” already has this web address. Choose a different one."
            )
        return slug


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        formfield_callback = https_formfield
        fields = ["name", "email", "phone", "url"]
        error_messages = {"email": {"invalid": EMAIL_MESSAGE}, "url": {"invalid": URL_MESSAGE}}

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if not email:
            return email
        clash = _clash(self.instance, "email", email)
        if clash:
            raise forms.ValidationError(
                f"“{clash}” already has this email address. "
                "Add that contact to the programme instead of making a new one."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not any(cleaned.get(f) for f in ("email", "phone", "url")):
            raise forms.ValidationError(
                "Give at least one way to reach this contact: an email address, "
                "a phone number or a web page."
            )
        return cleaned


class ProgrammeLinkForm(forms.ModelForm):
    class Meta:
        model = ProgrammeLink
        formfield_callback = https_formfield
        fields = ["label", "url", "position"]
        error_messages = {"url": {"invalid": URL_MESSAGE}}


class KeyDateForm(forms.ModelForm):
    class Meta:
        model = KeyDate
        formfield_callback = https_formfield
        fields = ["kind", "label", "starts_on", "starts_at", "ends_on", "ends_at", "url"]
        error_messages = {
            "url": {"invalid": URL_MESSAGE},
            "starts_on": {"invalid": DATE_MESSAGE},
            "ends_on": {"invalid": DATE_MESSAGE},
            "starts_at": {"invalid": TIME_MESSAGE},
            "ends_at": {"invalid": TIME_MESSAGE},
        }


class KeyDateFormSet(forms.BaseInlineFormSet):
    """A programme's key dates, checked together and against its availability."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        dates = [
            (form.cleaned_data["kind"], form.cleaned_data["starts_on"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("starts_on")
        ]
        opens = sorted(d for kind, d in dates if kind == KeyDateKind.APPLICATIONS_OPEN)
        closes = sorted(d for kind, d in dates if kind == KeyDateKind.APPLICATIONS_CLOSE)
        if opens and closes and closes[0] < opens[0]:
            raise forms.ValidationError(
                f"Applications close on {long_date(closes[0])}, before they open on "
                f"{long_date(opens[0])}. Check the dates."
            )
        # The programme form has already put the chosen availability on the instance.
        chosen = self.instance.availability
        if chosen == Availability.OPEN and not closes:
            raise forms.ValidationError(
                "You chose “Open for applications”: add the closing date here, as a key date "
                "of the kind “Applications close”. If there is no closing date, choose "
                "“Open to join any time”."
            )
        if chosen == Availability.OPENING and not opens:
            raise forms.ValidationError(
                "You chose “Opening on a date”: add that date here, as a key date of the kind "
                "“Applications open”."
            )


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in. A username longer than any account's is simply a failed
    sign-in: Django does not check its length, and django-axes, recording the failure,
    would fail on PostgreSQL (its column holds 255 characters) with a server error."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is not None and len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return super().clean()
