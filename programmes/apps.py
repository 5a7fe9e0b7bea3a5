from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Catalogue"

    def ready(self):
        from . import backups  # noqa: F401 - connects its signal receiver
