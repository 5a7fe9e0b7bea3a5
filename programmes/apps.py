from django.apps import AppConfig, apps


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Catalogue"

    def ready(self):
        from taggit.models import Tag

        from . import (
            backups,  # noqa: F401 - connects its signal receiver
            models,
        )
        from .cache import connect_signals

        # Tags are "topics" to editors. Set on the running model only, not in its
        # migrations' state (django-taggit's own), so no migration of taggit follows.
        Tag._meta.verbose_name = "topic"
        Tag._meta.verbose_name_plural = "topics"
        apps.get_app_config("taggit").verbose_name = "Catalogue"

        # Any change to what public pages show makes every cached page stale, and
        # the finder's index with them: every catalogue record (models.CatalogueRecord).
        connect_signals(*models.catalogue_models())
