from django.apps import AppConfig


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
            ],
            [models.Programme.audiences.through, models.Programme.contacts.through],
        )
