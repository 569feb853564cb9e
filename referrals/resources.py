"""The provider directory as a spreadsheet, for the admin's import and export
(django-import-export): the national authority receives directories from counties as
spreadsheets. Codes are checked against the lookups, like everywhere else."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from lookups import registry
from lookups.models import County

from .models import ServiceProvider


class CodeListWidget(widgets.Widget):
    """service_types as codes separated by ";", as in the import format."""

    def clean(self, value, row=None, **kwargs):
        codes = [c.strip() for c in str(value or "").split(";") if c.strip()]
        unknown = [c for c in codes if not registry.is_valid("service_type", c)]
        if unknown:
            raise ValueError(_("Unknown service types: %(codes)s.") % {"codes": ", ".join(unknown)})
        if not codes:
            raise ValueError(_("Choose at least one service offered."))
        return codes

    def render(self, value, obj=None, **kwargs):
        return ";".join(value or [])


class ServiceProviderResource(resources.ModelResource):
    county = fields.Field(
        attribute="county",
        column_name="county",
        widget=widgets.ForeignKeyWidget(County, field="code"),
    )
    service_types = fields.Field(
        attribute="service_types", column_name="service_types", widget=CodeListWidget()
    )

    class Meta:
        model = ServiceProvider
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "kind",
            "county",
            "service_types",
            "address",
            "phone",
            "email",
            "contact_person",
            "active",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = False

    def before_save_instance(self, instance, row, **kwargs):
        if not registry.is_valid("provider_kind", instance.kind):
            raise ValidationError({"kind": _("Unknown kind of provider.")})
