"""The information sheet for the family (issue 15 item 1): what is recorded and why, who
sees it, for how long, their rights, whom to contact. One row, edited by the country
coordinator; English, Romanian and Ukrainian are modeltranslation fields (the UI
languages), Russian is a field of its own (many families read it; the UI is not in it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The sheet's languages, in the order families are offered them.
SHEET_LANGUAGES = [
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("ro", "Română"),
    ("en", "English"),
]


class InformationSheet(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Paragraphs separated by an empty line."))
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("information sheet")
        verbose_name_plural = _("information sheets")

    def __str__(self) -> str:
        return str(self.title_en or self.pk)

    @classmethod
    def current(cls) -> InformationSheet:
        """The one sheet, created with the default text the first time it is needed."""
        sheet = cls.objects.order_by("pk").first()
        if sheet is None:
            from .defaults import DEFAULT_TEXT

            fields = {}
            for lang, (title, body) in DEFAULT_TEXT.items():
                fields[f"title_{lang}"] = title
                fields[f"body_{lang}"] = body
            sheet = cls.objects.create(**fields)
        return sheet

    def text(self, lang: str) -> tuple[str, str]:
        """The title and text in one of SHEET_LANGUAGES (English where one is empty)."""
        title = getattr(self, f"title_{lang}", "") or self.title_en
        body = getattr(self, f"body_{lang}", "") or self.body_en
        return title, body
