"""The admin site of the catalogue: two-factor sign-in required, the EDI team's home
page, and section names in the team's words.

Installed as Django's default admin site (CatalogueAdminConfig, in INSTALLED_APPS in
place of django.contrib.admin), so `admin.site` and `@admin.register` everywhere are
this site.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class CatalogueAdminConfig(AdminConfig):
    """Django's admin, with the catalogue's site (two-factor sign-in, the EDI team's home)."""

    default_site = "programmes.admin_site.CatalogueAdminSite"


# Admin sections as editors call them (app label -> title); taggit's tags are the
# catalogue's topics, listed with the rest of the catalogue.
SECTION_TITLES = {
    "programmes": "Catalogue",
    "auth": "Accounts and permissions",
    "axes": "Sign-in attempts and lockouts",
}
MOVED_INTO_CATALOGUE = {"taggit"}


class CatalogueAdminSite(admin.AdminSite):
    site_header = "LWRS programmes: editing"
    site_title = "LWRS programmes editing"
    index_title = "What needs doing"
    index_template = "admin/catalogue_home.html"

    def has_permission(self, request):
        """Staff who passed both steps of signing in (programmes/two_factor.py)."""
        from .two_factor import is_verified

        return super().has_permission(request) and is_verified(request.user)

    def get_urls(self):
        from . import two_factor

        return [
            # Signing out works at either step (the admin's own view wants both done),
            # and leads back to the sign-in page.
            path("logout/", two_factor.sign_out, name="logout"),
            path("two-factor/", two_factor.account, name="two_factor_account"),
            path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
            path("two-factor/set-up/", two_factor.set_up, name="two_factor_set_up"),
            path(
                "two-factor/recovery-codes/",
                two_factor.recovery_codes,
                name="two_factor_recovery_codes",
            ),
            *super().get_urls(),
        ]

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        catalogue = next((a for a in apps if a["app_label"] == "programmes"), None)
        kept = []
        for app in apps:
            app["name"] = SECTION_TITLES.get(app["app_label"], app["name"])
            if app["app_label"] in MOVED_INTO_CATALOGUE and catalogue is not None:
                catalogue["models"].extend(app["models"])
                catalogue["models"].sort(key=lambda m: m["name"])
            else:
                kept.append(app)
        return kept

    def index(self, request, extra_context=None):
        from .admin_home import work_lists

        return super().index(request, {**work_lists(), **(extra_context or {})})
