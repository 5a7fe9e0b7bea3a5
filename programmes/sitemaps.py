"""For search engines: /sitemap.xml lists every public page, /robots.txt points at it."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .absolute_urls import absolute_url
from .models import Partner, Programme, published_rule


class ProgrammeSitemap(Sitemap):
    def items(self):
        return Programme.objects.published().only("slug", "updated_at").order_by("title")

    def lastmod(self, programme):
        return programme.updated_at


class PartnerSitemap(Sitemap):
    def items(self):
        # A partner page changes when the partner is edited (its history) or when
        # one of the published programmes it lists changes.
        edited = (
            Partner.history.model.objects.filter(id=OuterRef("pk"))
            .order_by("-history_date")
            .values("history_date")[:1]
        )
        return (
            Partner.objects.public()
            .only("slug")
            .annotate(
                edited_at=Subquery(edited),
                programmes_updated_at=Max(
                    "programmes__updated_at", filter=published_rule("programmes")
                ),
            )
            .order_by("name")
        )

    def lastmod(self, partner):
        dates = [d for d in (partner.edited_at, partner.programmes_updated_at) if d]
        return max(dates, default=None)


class PageSitemap(Sitemap):
    """The fixed pages: home, the catalogue, partners, about, accessibility."""

    def items(self):
        return [
            "programmes:home",
            "programmes:list",
            "programmes:partner_list",
            "programmes:about",
            "programmes:accessibility",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "programmes": ProgrammeSitemap, "partners": PartnerSitemap}


@require_safe
def robots_txt(request):
    sitemap_url = absolute_url(reverse("programmes:sitemap"), request)
    # Downloads of the catalogue are for people, not for crawlers (a rule matches
    # the address with any query string after it).
    kept_out = ["admin:index", "programmes:export_csv", "programmes:export_json"]
    kept_out += ["programmes:catalogue_calendar", "programmes:booklet"]
    lines = [
        "User-agent: *",
        *(f"Disallow: {reverse(name)}" for name in kept_out),
        f"Sitemap: {sitemap_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
