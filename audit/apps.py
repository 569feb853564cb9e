from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from .append_only import install_after_migrate

        # Once per migrate, by the owner role that runs it (docs/database-roles.md).
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="audit-append-only")
