from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Choice, County, EntryPoint, ProtectionConcern


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(EntryPoint)
class EntryPointAdmin(TranslationAdmin):
    list_display = ("code", "name", "county")


@admin.register(ProtectionConcern)
class ProtectionConcernAdmin(TranslationAdmin):
    list_display = ("code", "label")


@admin.register(Choice)
class ChoiceAdmin(TranslationAdmin):
    list_display = ("list_name", "code", "label")
    list_filter = ("list_name",)
