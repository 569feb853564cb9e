from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LookupsConfig(AppConfig):
    name = "lookups"
    verbose_name = _("Lookup lists")

    def ready(self) -> None:
        from celery.signals import task_prerun
        from django.core.signals import request_started

        from . import registry, signals  # noqa: F401

        # Each request and each task sees the lookups as they are now (registry.py).
        request_started.connect(registry.check_at_next_use, dispatch_uid="lookups-request")
        task_prerun.connect(registry.check_at_next_use, dispatch_uid="lookups-task")
