from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "LWRS programmes: editing"
admin.site.site_title = "LWRS programmes admin"
admin.site.index_title = "Catalogue"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("alerts.urls")),
]
