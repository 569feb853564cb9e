from modeltranslation.translator import TranslationOptions, register

from .models import Choice, EntryPoint, ProtectionConcern


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)


@register(ProtectionConcern)
class ProtectionConcernTranslation(TranslationOptions):
    fields = ("label",)


@register(EntryPoint)
class EntryPointTranslation(TranslationOptions):
    fields = ("name",)
