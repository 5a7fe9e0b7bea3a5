from django.contrib import admin
from django.urls import include, path

# The admin's titles, sign-in and home page: programmes/admin_site.py.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("alerts.urls")),
]
