from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import booklet, calendars, embeds, exports, feeds, sitemaps, views

app_name = "programmes"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("programmes/", views.programme_list, name="list"),
    # Before the programme pages: "feed" would otherwise read as a slug.
    path("programmes/feed/", feeds.programme_feed, name="feed"),
    path("programmes/export.csv", exports.programmes_csv, name="export_csv"),
    path("programmes/export.json", exports.programmes_json, name="export_json"),
    path("programmes/export.schema.json", exports.export_schema, name="export_schema"),
    path("programmes/calendar.ics", calendars.catalogue_calendar, name="catalogue_calendar"),
    path("programmes/booklet.pdf", booklet.booklet_pdf, name="booklet"),
    path("programmes/<slug:slug>/", views.programme_detail, name="detail"),
    path("programmes/<slug:slug>/calendar.ics", calendars.programme_calendar, name="calendar"),
    path("programmes/<slug:slug>/embed/", embeds.programme_embed, name="embed"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner_detail"),
    path("oembed", embeds.oembed, name="oembed"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
