"""The EDI team's admin home page: what needs doing, each list linking to the
programme list filtered the same way (ProgrammeAdmin's filters).

A fixed number of queries, whatever the size of the catalogue
(tests/test_admin_home.py pins it): each list shows its first few and counts the rest.
"""

import datetime

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from .models import KeyDate, Programme, published_rule, review_interval_months

SHOWN = 8  # items per list; the link to the filtered list shows them all
SOON_DAYS = 30  # "coming up" and "due soon"; "passed" looks back as far


def _changelist(query=""):
    return reverse("admin:programmes_programme_changelist") + (f"?{query}" if query else "")


def dates_coming(today, queryset=None):
    """Key dates starting in the next SOON_DAYS days (today included)."""
    queryset = KeyDate.objects.all() if queryset is None else queryset
    return queryset.filter(
        starts_on__gte=today, starts_on__lte=today + datetime.timedelta(days=SOON_DAYS)
    )


def dates_passed(today, queryset=None):
    """Key dates whose last day was in the last SOON_DAYS days: the page may need new ones."""
    queryset = KeyDate.objects.all() if queryset is None else queryset
    return queryset.annotate(last=Coalesce("ends_on", "starts_on")).filter(
        last__lt=today, last__gte=today - datetime.timedelta(days=SOON_DAYS)
    )


def _list(queryset, link, order):
    count = queryset.count()
    rows = list(queryset.order_by(*order)[:SHOWN])
    return {"rows": rows, "count": count, "more": max(count - len(rows), 0), "link": link}


def work_lists(today=None):
    from .admin import REVIEW_SOON_DAYS
    from .link_checks import broken_links

    today = today or timezone.localdate()
    months = review_interval_months()
    programmes = Programme.objects.only("id", "title", "last_reviewed_on", "updated_at")
    due = programmes.needs_review(today, months)
    soon = programmes.needs_review(
        today + datetime.timedelta(days=REVIEW_SOON_DAYS), months
    ).exclude(pk__in=due.values("pk"))
    dates = KeyDate.objects.select_related("programme").only(
        "id", "label", "kind", "starts_on", "ends_on", "starts_at", "ends_at", "programme__title"
    )
    changes = Programme.history.select_related("history_user").only(
        "id",
        "title",
        "history_date",
        "history_type",
        "history_user__username",
        "history_user__first_name",
        "history_user__last_name",
    )
    broken = broken_links()
    return {
        "review_months": months,
        "soon_days": SOON_DAYS,
        "drafts": _list(
            programmes.exclude(published_rule()),
            _changelist("is_published__exact=0"),
            ["-updated_at"],
        ),
        "overdue": _list(
            due,
            _changelist("review=needed"),
            [F("last_reviewed_on").asc(nulls_first=True), "title"],
        ),
        "due_soon": _list(soon, _changelist("review=soon"), ["last_reviewed_on", "title"]),
        "dates_coming": _list(
            dates_coming(today, dates),
            _changelist("dates=coming"),
            ["starts_on", "label"],
        ),
        "dates_passed": _list(
            dates_passed(today, dates),
            _changelist("dates=passed"),
            ["-starts_on", "label"],
        ),
        "recent_changes": list(changes.order_by("-history_date")[:SHOWN]),
        "recent_link": _changelist("o=-5"),
        "broken_links": broken,
        "broken_link": _changelist("links=broken"),
    }
