from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "county", "is_active")
    list_filter = ("role", "county", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and county"), {"fields": ("role", "county", "organisation")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and county"), {"fields": ("role", "county", "organisation")}),
    )
