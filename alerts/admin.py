"""Email alerts in the admin, for the EDI team.

- "Subscribers per filter": how many follow each search, filter or programme,
  and how often, never who. Editors see it.
- "Emails sent": what was sent when, and what failed and why. Editors see it
  without addresses; superusers see the address too.
- "Subscribers": the addresses, their subscriptions and failures. Superusers only.
Nobody adds or edits alerts here: the site and send_alerts write them.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst

from .models import Alert, Subscriber, SubscribersPerFilter, Subscription
from .queries import current_index, describe


def _follows(query, programme, index):
    if programme is not None:
        return f"The programme “{programme.title}”"
    return capfirst(describe(query, index))


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SuperusersOnly(ReadOnly):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(SubscribersPerFilter)
class SubscribersPerFilterAdmin(ReadOnly, admin.ModelAdmin):
    """One row per search, filter or programme followed: counts only (one query)."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        confirmed = Q(confirmed_at__isnull=False)
        rows = (
            Subscription.objects.values("query", "programme", "programme__title", "programme__slug")
            .annotate(
                confirmed=Count("pk", filter=confirmed),
                waiting=Count("pk", filter=Q(confirmed_at__isnull=True)),
                immediately=Count("pk", filter=confirmed & Q(frequency="immediately")),
                daily=Count("pk", filter=confirmed & Q(frequency="daily")),
                weekly=Count("pk", filter=confirmed & Q(frequency="weekly")),
                stopped=Count("pk", filter=Q(subscriber__stopped_at__isnull=False)),
            )
            .order_by("-confirmed", "query")
        )
        index = current_index()
        table = [
            {
                **row,
                "follows": (
                    f"The programme “{row['programme__title']}”"
                    if row["programme"]
                    else capfirst(describe(row["query"], index))
                ),
                "link": reverse("programmes:detail", args=[row["programme__slug"]])
                if row["programme"]
                else f"{reverse('programmes:list')}?{row['query']}",
            }
            for row in rows
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Subscribers per filter",
            "opts": self.model._meta,
            "rows": table,
            "total": Subscriber.objects.count(),
            "stopped": Subscriber.objects.filter(stopped_at__isnull=False).count(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/alerts/subscribers_per_filter.html", context)


class FailedFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("problems", "Failed, uncertain or waiting to retry")]

    def queryset(self, request, queryset):
        if self.value() == "problems":
            return queryset.filter(
                Q(status__in=[Alert.Status.FAILED, Alert.Status.UNCERTAIN])
                | Q(status=Alert.Status.PENDING, attempts__gt=0)
            )
        return queryset


@admin.register(Alert)
class AlertAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "created_at",
        "about",
        "programme_count",
        "frequency",
        "status",
        "sent_at",
        "failure",
    ]
    list_filter = [FailedFilter, "status", "frequency"]
    date_hierarchy = "created_at"
    list_select_related = ["programme"]
    list_per_page = 100
    fields = [
        "about",
        "frequency",
        "programme_count",
        "created_at",
        "status",
        "attempts",
        "sent_at",
        "failure",
    ]

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown[:1], "address", *shown[1:]] if request.user.is_superuser else shown

    def get_fields(self, request, obj=None):
        shown = super().get_fields(request, obj)
        return ["address", *shown] if request.user.is_superuser else shown

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            queryset = queryset.select_related("subscription__subscriber")
        return queryset

    def changelist_view(self, request, extra_context=None):
        self._index = current_index()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._index = current_index()
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="about")
    def about(self, obj):
        return _follows(obj.query, obj.programme, self._index)

    @admin.display(description="programmes")
    def programme_count(self, obj):
        return len(obj.programmes)

    @admin.display(description="email address")
    def address(self, obj):
        subscription = obj.subscription
        return subscription.subscriber.email if subscription else "(unsubscribed)"


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["about", "frequency", "created_at", "confirmed_at", "due_at"]
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="about")
    def about(self, obj):
        return _follows(obj.query, obj.programme, current_index())


@admin.register(Subscriber)
class SubscriberAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = [
        "email",
        "created_at",
        "subscription_count",
        "failures",
        "last_failure",
        "stopped_at",
    ]
    list_filter = [("stopped_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    fields = ["email", "created_at", "failures", "last_failure", "last_failure_at", "stopped_at"]
    readonly_fields = fields
    inlines = [SubscriptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subscription_count=Count("subscriptions"))

    @admin.display(description="subscriptions", ordering="subscription_count")
    def subscription_count(self, obj):
        return obj.subscription_count
