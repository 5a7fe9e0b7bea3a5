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

        # Any change to what public pages show makes every cached page stale.
        connect_signals(
            [
                models.Programme,
                models.Partner,
                models.Contact,
                models.Audience,
                models.ProgrammePartner,
                models.ProgrammeLink,
                models.KeyDate,
                models.ProgrammeSlug,
                Tag,
                models.TaggedProgramme,
                # The vocabulary changes what searches find: the finder's index
                # reads it, and cached result pages show it.
                models.VocabularyGroup,
                # The review interval changes each page's "Next review due".
                models.CatalogueSettings,
            ],
            [models.Programme.audiences.through, models.Programme.contacts.through],
        )
