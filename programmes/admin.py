"""The EDI team's editing interface.

Editors (the "Catalogue editors" group) add, change and publish records; they
never delete them: a programme that stops is closed (status "ended") and keeps
its page. Every save goes through the model's save() so edit history records
who changed what, and old web addresses keep redirecting.
"""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from taggit.admin import TagAdmin
from taggit.models import Tag

from .absolute_urls import absolute_url
from .admin_forms import (
    TAKING_PART_FIELDS,
    CheckboxGroup,
    ContactAdminForm,
    KeyDateForm,
    KeyDateFormSet,
    PartnerAdminForm,
    ProgrammeAdminForm,
    ProgrammeLinkForm,
    SignInForm,
)
from .admin_preview import preview_programme
from .admin_revisions import CatalogueHistoryAdmin, RowsStillThere
from .content_checks import check_programme
from .finder.vocabulary import acronyms
from .models import (
    Audience,
    CatalogueSettings,
    Contact,
    KeyDate,
    LinkCheck,
    Partner,
    Programme,
    ProgrammeLink,
    ProgrammePartner,
    ProgrammeSlug,
    SearchCount,
    VocabularyGroup,
    review_interval_months,
)
from .revisions import MINOR_CHANGE
from .two_factor import reset_devices

# "Due soon" on the home page and in the programme list's review filter.
REVIEW_SOON_DAYS = 30

admin.site.login_form = SignInForm

# django-otp's own device pages would show each person's secret keys to superusers;
# resetting someone's two-factor sign-in from the Users list is all the team needs.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


class NamedSplitDateTime(AdminSplitDateTime):
    """A date and time in two boxes, each named ("Date joined: date"): Django's labels
    them with bare text, which names neither box (WCAG 1.3.1, 4.1.2)."""

    def __init__(self, attrs=None, *, name):
        super().__init__(attrs)
        self.field_name = name

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, part in zip(context["widget"]["subwidgets"], ("date", "time"), strict=True):
            subwidget["attrs"]["aria-label"] = f"{self.field_name}: {part}"
        return context


class EditorAdmin(UserAdmin):
    """Accounts (superusers only): with whether two-factor sign-in is set up, and a reset."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField):
            kwargs["widget"] = NamedSplitDateTime(name=db_field.verbose_name.capitalize())
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    list_display = [*UserAdmin.list_display, "two_factor"]
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_authenticator=models.Exists(
                    TOTPDevice.objects.filter(user=models.OuterRef("pk"), confirmed=True)
                )
            )
        )

    @admin.display(description="two-factor sign-in", boolean=True, ordering="has_authenticator")
    def two_factor(self, obj):
        return obj.has_authenticator

    @admin.action(
        description="Reset two-factor sign-in (they set it up again at their next sign-in)",
        permissions=["change"],
    )
    def reset_two_factor(self, request, queryset):
        users = list(queryset)
        reset_devices(users)
        for user in users:
            self.log_change(request, user, "Reset two-factor sign-in.")
        names = ", ".join(u.get_username() for u in users)
        self.message_user(
            request,
            f"Reset two-factor sign-in for {names}: each sets up an authenticator app again "
            "at their next sign-in, and any page they have open asks them to.",
        )


admin.site.unregister(User)
admin.site.register(User, EditorAdmin)


class HttpsURLs:
    """A web address typed without a scheme gets https:// (Django 6's default)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProgrammeChildInline(HttpsURLs, admin.TabularInline):
    """Rows that belong to a programme: editing them is editing the programme.

    Removing a link or a partner from a programme is a change to the programme,
    not the deletion of a catalogue record, so anyone who may change the
    programme may remove them. Their own history keeps the removed rows.
    """

    # One blank row, so a partner or link can be added without JavaScript
    # (with it, "Add another" adds more). A blank row left untouched is ignored.
    extra = 1
    formset = RowsStillThere

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("programmes.change_programme")

    def get_formset(self, request, obj=None, **kwargs):
        return named_rows(super().get_formset(request, obj, **kwargs), self.verbose_name)


def named_rows(formset, row_name):
    """A tabular inline's controls named for screen readers as "Partner 2: role": its
    table has column headings but no label per control (WCAG 1.3.1, 4.1.2). The blank
    row "Add another" copies is "New partner: role" until static/js/admin.js numbers it."""

    class NamedRows(formset):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            row = f"{row_name} {index + 1}" if index is not None else f"new {row_name}"
            row = row[:1].upper() + row[1:]
            for name, field in form.fields.items():
                if field.widget.is_hidden:
                    continue
                label = "delete" if name == "DELETE" else str(field.label or name).lower()
                # The control itself, inside the admin's wrapper with its add and change links.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs["aria-label"] = f"{row}: {label}"
                widget.attrs["data-row-label"] = f"{row_name}|{label}"

    NamedRows.__name__ = formset.__name__
    return NamedRows


class ProgrammePartnerInline(ProgrammeChildInline):
    model = ProgrammePartner
    verbose_name = "partner"
    verbose_name_plural = "partners and their role"


class ProgrammeLinkInline(ProgrammeChildInline):
    model = ProgrammeLink
    form = ProgrammeLinkForm
    verbose_name_plural = "links to find out more"


class KeyDateInline(ProgrammeChildInline):
    model = KeyDate
    form = KeyDateForm
    formset = KeyDateFormSet
    verbose_name_plural = "key dates (applications, cohorts, sessions, events)"


class ProgrammeSlugInline(admin.TabularInline):
    """The web addresses the programme had before: shown, never edited by hand."""

    model = ProgrammeSlug
    extra = 0
    fields = ["slug", "created_at"]
    readonly_fields = ["slug", "created_at"]
    can_delete = False
    verbose_name_plural = "old web addresses (they redirect here)"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("programmes.view_programme")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NeedsReviewFilter(admin.SimpleListFilter):
    """Due for review by the team's interval (Catalogue settings), as on the home page."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        self.months = months = review_interval_months()
        return [
            ("needed", f"Due for review (not reviewed for {months} months)"),
            ("soon", f"Due in the next {REVIEW_SOON_DAYS} days"),
            ("done", f"Reviewed in the last {months} months"),
        ]

    def queryset(self, request, queryset):
        if self.value() not in ("needed", "soon", "done"):
            return queryset
        today = timezone.localdate()
        months = self.months  # read once by lookups()
        due = Programme.objects.needs_review(today, months)
        if self.value() == "needed":
            return queryset.filter(pk__in=due.values("pk"))
        if self.value() == "soon":
            soon = Programme.objects.needs_review(
                today + datetime.timedelta(days=REVIEW_SOON_DAYS), months
            )
            return queryset.filter(pk__in=soon.values("pk")).exclude(pk__in=due.values("pk"))
        if self.value() == "done":
            return queryset.exclude(pk__in=due.values("pk"))
        return queryset


class KeyDatesFilter(admin.SimpleListFilter):
    """Key dates coming up or just passed, as on the home page (programmes/admin_home.py)."""

    title = "key dates"
    parameter_name = "dates"

    def lookups(self, request, model_admin):
        from .admin_home import SOON_DAYS

        return [
            ("coming", f"Coming up in the next {SOON_DAYS} days"),
            ("passed", f"Passed in the last {SOON_DAYS} days"),
        ]

    def queryset(self, request, queryset):
        from .admin_home import dates_coming, dates_passed

        today = timezone.localdate()
        if self.value() == "coming":
            return queryset.filter(pk__in=dates_coming(today).values("programme"))
        if self.value() == "passed":
            return queryset.filter(pk__in=dates_passed(today).values("programme"))
        return queryset


class BrokenLinksFilter(admin.SimpleListFilter):
    """Published programmes linking to a page the link check found broken."""

    title = "links"
    parameter_name = "links"

    def lookups(self, request, model_admin):
        return [("broken", "With a broken link")]

    def queryset(self, request, queryset):
        from .link_checks import broken_links

        if self.value() == "broken":
            ids = {p.pk for _check, programmes in broken_links() for p in programmes}
            return queryset.filter(pk__in=ids)
        return queryset


def _warnings_list(items):
    if not items:
        return "None found."
    return format_html(
        '<ul class="content-checks">{}</ul>',
        format_html_join("", "<li>{}</li>", ((i,) for i in items)),
    )


def programme_checks(programme):
    """The content checks' warnings (programmes/content_checks.py) for a saved programme."""
    meanings = acronyms([g.term_list() for g in VocabularyGroup.objects.all()])
    links = [(link.label, link.url) for link in programme.links.all()]
    return check_programme(programme, meanings, links)


VERBS = {"+": "Added", "~": "Changed", "-": "Removed"}


def _partner_and_link_changes(programme_id, limit=100):
    """The programme's partner, link and key date rows as they were added, changed and removed,
    newest first, for its History page (their own history keeps them)."""
    roles = list(
        ProgrammePartner.history.filter(programme_id=programme_id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    links = list(
        ProgrammeLink.history.filter(programme_id=programme_id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    dates = list(
        KeyDate.history.filter(programme_id=programme_id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    names = dict(
        Partner.objects.filter(pk__in={r.partner_id for r in roles}).values_list("pk", "name")
    )
    changes = [
        (
            r,
            f"{VERBS[r.history_type]} partner {names.get(r.partner_id, '(since deleted)')}: "
            f"{r.get_role_display()}",
        )
        for r in roles
    ] + [(r, f"{VERBS[r.history_type]} link “{r.label}”: {r.url}") for r in links]
    changes += [
        (r, f"{VERBS[r.history_type]} key date “{r.label}”: {r.instance.when}") for r in dates
    ]
    changes.sort(key=lambda change: change[0].history_date, reverse=True)
    return [
        {"date": r.history_date, "user": r.history_user, "text": text}
        for r, text in changes[:limit]
    ]


def _save_each(modeladmin, request, queryset, field, value, message):
    """Set a field and save one by one, so each change is in the edit history under the
    editor's name (a bulk update() would bypass it)."""
    count = 0
    for programme in queryset:
        if getattr(programme, field) != value:
            setattr(programme, field, value)
            programme._history_user = request.user
            programme.save()
            modeladmin.log_change(request, programme, message)
            count += 1
    return count


@admin.register(Programme)
class ProgrammeAdmin(CatalogueHistoryAdmin):
    form = ProgrammeAdminForm
    list_display = [
        "title",
        "status",
        "kind",
        "is_published",
        "updated_at",
        "last_reviewed_on",
    ]
    list_filter = [
        "status",
        "kind",
        "is_published",
        NeedsReviewFilter,
        KeyDatesFilter,
        BrokenLinksFilter,
        "updated_at",
        "last_reviewed_on",
    ]
    search_fields = ["title", "summary", "tags__name"]
    prepopulated_fields = {"slug": ["title"]}
    # Native controls, not the admin's autocomplete (Select2), whose search boxes and
    # lists screen readers cannot use (issue 21): ticked boxes for the tens of audiences
    # and contacts (formfield_for_manytomany), topics (ProgrammeAdminForm), and a plain
    # select for "replaced by".
    readonly_fields = ["created_at", "updated_at", "availability_today", "checks", "links_checked"]
    inlines = [ProgrammePartnerInline, ProgrammeLinkInline, KeyDateInline, ProgrammeSlugInline]
    actions = ["publish", "unpublish", "mark_reviewed"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (
            "Checks",
            {
                "fields": ["checks", "links_checked"],
                "description": "What the content checks and the daily link check found in "
                "the saved version. They never stop you saving.",
            },
        ),
        (
            "About the programme",
            {"fields": ["status", "kind", "launched_on", "launch_precision", "audiences"]},
        ),
        (
            "Taking part",
            {
                "fields": [*TAKING_PART_FIELDS[:1], "availability_today", *TAKING_PART_FIELDS[1:]],
                "description": "What staff need to decide whether and how to join. The page "
                "shows only what you fill in; leave a field empty when it is not known, and the "
                "page offers “Ask the LWRS team” by email. Dates go under Key dates below.",
            },
        ),
        ("Contacts and topics", {"fields": ["contacts", "tags", "new_tags", "search_keywords"]}),
        (
            "When it has ended",
            {
                "fields": ["ended_notice", "replaced_by"],
                "description": "Fill these in when the status is “Ended”. The page stays "
                "online with this notice, so links to it keep working.",
            },
        ),
        (
            "Publishing and review",
            {
                "fields": [
                    "is_published",
                    "last_reviewed_on",
                    "created_at",
                    "updated_at",
                    "minor_change",
                ]
            },
        ),
    ]

    @admin.display(description="content checks")
    def checks(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once the programme is saved."
        return _warnings_list(programme_checks(obj))

    @admin.display(description="broken links")
    def links_checked(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once the programme is saved."
        from .link_checks import programme_urls

        checks = LinkCheck.objects.filter(url__in=programme_urls(obj))
        broken = [
            format_html(
                "{}: {} (since {})",
                c.url,
                c.outcome,
                timezone.localtime(c.broken_since).strftime("%-d %B %Y") if c.broken_since else "",
            )
            for c in checks
            if c.broken
        ]
        if not broken and not checks:
            return "Not checked yet: links are checked once a day while the programme is published."
        return _warnings_list(broken)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("audiences", "contacts"):
            kwargs["widget"] = CheckboxGroup(name=db_field.verbose_name.capitalize())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "slug" in form.base_fields:
            start = absolute_url(reverse("programmes:list"), request)
            now = (
                f" Its full address now: {absolute_url(obj.get_absolute_url(), request)}"
                if obj is not None and obj.pk
                else ""
            )
            form.base_fields["slug"].help_text = (
                f"The end of the page’s address, after {start}: lower-case letters, numbers "
                "and hyphens. Filled in from the title. Trusts link to it: if you change it, "
                f"the old address keeps working and sends visitors here.{now}"
            )
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(request, "is_preview", False) or "_preview" in request.POST:
            return
        # Warnings, never errors: the save has happened.
        for warning in programme_checks(form.instance):
            self.message_user(request, f"Content check: {warning}", messages.WARNING)

    @admin.display(description="availability shown today")
    def availability_today(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once the programme is saved."
        return obj.availability_on().label

    def get_urls(self):
        preview = self.admin_site.admin_view(
            lambda request, object_id: preview_programme(self, request, object_id)
        )
        return [
            path("<path:object_id>/preview/", preview, name="programmes_programme_preview"),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        context = {"related_changes": []}
        if object_id.isdigit() and len(object_id) < 19:
            context["related_changes"] = _partner_and_link_changes(int(object_id))
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if getattr(request, "restoring_version", None) is None:
            return fieldsets
        # Restoring a version restores its content; publishing stays as it is.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "is_published"]})
            for name, options in fieldsets
        ]

    def get_inlines(self, request, obj):
        if obj is None:  # a new programme has no old addresses
            return [i for i in self.inlines if i is not ProgrammeSlugInline]
        return self.inlines

    def save_model(self, request, obj, form, change):
        if getattr(request, "restoring_version", None) is not None:
            # The version's own publication state is history, not an instruction.
            obj.is_published = Programme.objects.get(pk=obj.pk).is_published
            request.restored_message = (
                f"It is still {'published' if obj.is_published else 'a draft'}: restoring "
                "a version changes its content, never whether the public can see it."
            )
        # The buttons beside Save (see admin/programmes/programme/submit_line.html).
        elif "_publish" in request.POST:
            obj.is_published = True
        elif "_unpublish" in request.POST:
            obj.is_published = False
        if "_reviewed" in request.POST:
            obj.last_reviewed_on = timezone.localdate()
        if form.cleaned_data.get("minor_change"):
            obj._change_reason = MINOR_CHANGE  # kept on the history record: no email alert
        super().save_model(request, obj, form, change)

    def _after_button(self, request, obj):
        if "_publish" in request.POST:
            self.message_user(
                request, f"“{obj}” is published: anyone can see it at {obj.get_absolute_url()}"
            )
        elif "_unpublish" in request.POST:
            self.message_user(
                request,
                f"“{obj}” is a draft again: only editors can see it.",
                messages.WARNING,
            )
        elif "_reviewed" in request.POST:
            self.message_user(request, f"“{obj}” is marked as reviewed today.")
        else:
            return None
        return HttpResponseRedirect(request.path)

    def response_change(self, request, obj):
        if "_popup" in request.POST:
            return super().response_change(request, obj)
        return self._after_button(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        buttons = ("_publish", "_unpublish", "_reviewed")
        if "_popup" not in request.POST and any(b in request.POST for b in buttons):
            self._after_button(request, obj)
            return HttpResponseRedirect(reverse("admin:programmes_programme_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Publish the selected programmes", permissions=["change"])
    def publish(self, request, queryset):
        count = _save_each(self, request, queryset, "is_published", True, "Published.")
        self.message_user(request, f"Published {count} programme{'' if count == 1 else 's'}.")

    @admin.action(
        description="Unpublish the selected programmes (make drafts)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = _save_each(self, request, queryset, "is_published", False, "Unpublished.")
        self.message_user(
            request,
            f"Unpublished {count} programme{'' if count == 1 else 's'}: only editors can see them.",
            messages.WARNING if count else messages.INFO,
        )

    @admin.action(
        description="Mark the selected programmes as reviewed today", permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        today = timezone.localdate()
        count = _save_each(
            self, request, queryset, "last_reviewed_on", today, "Marked as reviewed today."
        )
        self.message_user(
            request,
            f"Marked {count} programme{'' if count == 1 else 's'} as reviewed today.",
        )


class ProgrammeCountMixin:
    """A "Programmes" column, counted in the same query as the list."""

    programme_relation = "programmes"  # how the listed model reaches its programmes

    @admin.display(description="programmes", ordering="programme_count")
    def programme_count(self, obj):
        return obj.programme_count

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(programme_count=Count(self.programme_relation, distinct=True))
        )


@admin.register(Partner)
class PartnerAdmin(HttpsURLs, ProgrammeCountMixin, CatalogueHistoryAdmin):
    form = PartnerAdminForm
    list_display = ["name", "kind", "programme_count", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    ordering = ["name"]  # Meta.ordering is dropped by the count's GROUP BY
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Contact)
class ContactAdmin(HttpsURLs, ProgrammeCountMixin, CatalogueHistoryAdmin):
    form = ContactAdminForm
    list_display = ["name", "email", "phone", "programme_count"]
    search_fields = ["name", "email"]
    ordering = ["name"]


@admin.register(Audience)
class AudienceAdmin(ProgrammeCountMixin, CatalogueHistoryAdmin):
    list_display = ["name", "slug", "programme_count"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# taggit's own Tag admin lets anyone who can see tags merge them, which
# deletes tags. Merging stays with those allowed to delete.
admin.site.unregister(Tag)


@admin.register(Tag)
class CatalogueTagAdmin(ProgrammeCountMixin, CatalogueHistoryAdmin, TagAdmin):
    list_display = ["name", "web_address", "programme_count"]

    @admin.display(description="web address", ordering="slug")
    def web_address(self, obj):
        return obj.slug

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "slug" in form.base_fields:  # taggit's own field, named as editors say it
            form.base_fields["slug"].label = "Web address"
            form.base_fields["slug"].help_text = (
                "Used in the catalogue's filter links, e.g. /programmes/?tag=wres. Filled in "
                "from the name."
            )
        if "name" in form.base_fields:
            form.base_fields["name"].help_text = "The topic as staff see it, e.g. “WRES”."
        return form

    inlines = []  # programmes' tags are in TaggedProgramme, not taggit's TaggedItem
    programme_relation = "programmes_taggedprogramme_items"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_delete_permission(request):
            actions.pop("render_tag_form", None)
        return actions

    def merge_tags_view(self, request):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().merge_tags_view(request)


@admin.register(VocabularyGroup)
class VocabularyGroupAdmin(CatalogueHistoryAdmin):
    list_display = ["__str__", "note"]
    search_fields = ["terms", "note"]
    readonly_fields = ["explains"]
    fields = ["terms", "note", "explains"]

    @admin.display(description="acronyms this group explains")
    def explains(self, obj):
        meanings = acronyms([obj.term_list()]) if obj and obj.pk else {}
        if not meanings:
            return "None. To explain an acronym, add it in capitals with the words it stands for."
        return "; ".join(f"{short}: {meaning}" for short, meaning in meanings.items())


class FoundNothingFilter(admin.SimpleListFilter):
    title = "what it found"
    parameter_name = "found"

    def lookups(self, request, model_admin):
        return [
            ("nothing", "Nothing"),
            ("some-words", "Only programmes matching some of the words"),
            ("all-words", "Programmes matching every word"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "nothing":
            return queryset.filter(results=0)
        if self.value() == "some-words":
            return queryset.filter(results__gt=0, partial=True)
        if self.value() == "all-words":
            return queryset.filter(results__gt=0, partial=False)
        return queryset


@admin.register(SearchCount)
class SearchCountAdmin(admin.ModelAdmin):
    """What staff searched for, week by week: to find words the vocabulary or the
    catalogue lacks. Anonymous counts, written by the site; nobody edits them."""

    list_display = ["query", "week", "searches", "results", "partial"]
    list_filter = [FoundNothingFilter, "week"]
    date_hierarchy = "week"
    search_fields = ["query"]
    ordering = ["-week", "-searches", "query"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CatalogueSettings)
class CatalogueSettingsAdmin(CatalogueHistoryAdmin):
    """One record: the list opens it, and it is never added or deleted."""

    fields = ["review_interval_months"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = CatalogueSettings.load()
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[settings_row.pk])
        )


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """What the daily link check found (manage.py check_links): read only."""

    list_display = ["url", "outcome", "broken", "checked_at", "broken_since"]
    list_filter = ["broken"]
    search_fields = ["url"]
    ordering = ["-broken", "url"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
