from __future__ import annotations

from django import forms

from .models import InformationSheet

FIELDS = [f"{part}_{lang}" for lang in ("uk", "ru", "ro", "en") for part in ("title", "body")]


class SheetForm(forms.ModelForm):
    class Meta:
        model = InformationSheet
        fields = FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 16}) for name in FIELDS if "body" in name}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # English is what an empty language falls back to: it must be there.
        self.fields["title_en"].required = True
        self.fields["body_en"].required = True
