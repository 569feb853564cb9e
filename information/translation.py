from modeltranslation.translator import TranslationOptions, register

from .models import InformationSheet


@register(InformationSheet)
class InformationSheetTranslation(TranslationOptions):
    fields = ("title", "body")
