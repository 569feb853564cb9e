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

        # Every change of a case writes a history row: the dashboards' figures follow it.
        from simple_history.signals import post_create_historical_record

        from cases import figure_versions
        from cases.models import Child

        post_create_historical_record.connect(
            figure_versions.child_history_written,
            sender=Child.history.model,
            dispatch_uid="case_figures_follow_history",
        )
        add_value_display("contact_type", lambda code: _label_of(ContactType, code))

        # Who carries an unregistered case depends on its registrar's role, county and
        # activity: the coordinators' kept to-do lists follow those changes too.
        from django.conf import settings
        from django.db.models.signals import pre_save

        from cases import todo

        pre_save.connect(
            todo.worker_changed,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="todo_lists_follow_workers",
        )
        # The case list keeps its filters rendered with the assigned workers offered.
        from django.db.models.signals import post_delete, post_save

        from cases import filters

        post_save.connect(
            filters.users_changed,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="case_filters_follow_saved_users",
        )
        post_delete.connect(
            filters.users_changed,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="case_filters_follow_deleted_users",
        )

        # The planner's price of pg_trgm's operators, after every migrate.
        from django.db.models.signals import post_migrate

        from cases import trigram_cost

        post_migrate.connect(
            trigram_cost.price_operators, sender=self, dispatch_uid="trigram_operator_cost"
        )


def _label_of(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)
