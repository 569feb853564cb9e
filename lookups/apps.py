from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LookupsConfig(AppConfig):
    name = "lookups"
    verbose_name = _("Lookup lists")

    def ready(self) -> None:
        from . import signals  # noqa: F401
