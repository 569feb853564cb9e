from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Referral, ServiceProvider
from .resources import ServiceProviderResource


@admin.register(ServiceProvider)
class ServiceProviderAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [ServiceProviderResource]
    list_display = ("name", "county", "kind", "active")
    list_filter = ("active", "kind", "county")
    search_fields = ("name", "code")


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    # Read-only: referrals change through referrals.services (history, audit, workflow).
    list_display = ("code", "service_type", "status", "referred_on")
    list_filter = ("status", "service_type")
    search_fields = ("code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
