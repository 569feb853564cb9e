from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth import signals

        from audit.details import add_value_display

        from .models import Role

        def role_label(code) -> str:
            try:
                return str(Role(code).label)
            except ValueError:
                return str(code)

        add_value_display("role", role_label)

        from . import login_audit

        signals.user_logged_in.connect(login_audit.on_logged_in, dispatch_uid="audit_login")
        signals.user_logged_out.connect(login_audit.on_logged_out, dispatch_uid="audit_logout")
        signals.user_login_failed.connect(
            login_audit.on_login_failed, dispatch_uid="audit_login_failed"
        )
