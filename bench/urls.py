"""The site's own URLs with the trivial baseline view in front (benchmark runs only)."""

from django.urls import path

from bench.trivial import trivial
from lwrs_site import urls as site_urls

urlpatterns = [path("bench/trivial", trivial), *site_urls.urlpatterns]

# Keep the site's error handlers, whatever it defines.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(site_urls, _name):
        globals()[_name] = getattr(site_urls, _name)
