"""The EDI team's editing interface."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Audience, Contact, Partner, Programme, ProgrammeLink, ProgrammePartner


class ProgrammeLinkInline(admin.TabularInline):
    model = ProgrammeLink
    extra = 0


class ProgrammePartnerInline(admin.TabularInline):
    model = ProgrammePartner
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "kind", "is_published", "updated_at", "last_reviewed_on"]
    list_filter = ["status", "kind", "is_published"]
    search_fields = ["title", "summary", "tags__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["contacts", "audiences"]
    inlines = [ProgrammePartnerInline, ProgrammeLinkInline]


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "phone"]
    search_fields = ["name", "email"]


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
