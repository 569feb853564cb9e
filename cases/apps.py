from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from audit.details import add_value_display
        from cases.labels import field_label
        from cases.models.followup import ContactType

        add_value_display("fields", field_label)
        add_value_display("contact_type", lambda code: _label_of(ContactType, code))


def _label_of(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)
