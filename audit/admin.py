from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit events, superusers included."""

    list_display = (
        "at",
        "username",
        "action",
        "object_type",
        "object_code",
        "county",
        "ip_address",
    )
    list_filter = ("action", "county")
    search_fields = ("username", "object_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
