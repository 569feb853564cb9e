from __future__ import annotations

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from .messages import MESSAGES


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an uploaded file as soon as it passes the limit (placed first, it
    sees each chunk before the handlers that keep the file)."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.size = 0
        self.too_big: set[str] = set()

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.size = 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_big.add(self.field_name)
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadForm(forms.Form):
    children = forms.FileField(
        label=_("Children (children.csv or a workbook)"),
        help_text=_("CSV (UTF-8) or Excel .xlsx; required."),
    )
    caregivers = forms.FileField(label=_("Caregivers (caregivers.csv)"), required=False)
    referrals = forms.FileField(label=_("Referrals (referrals.csv)"), required=False)

    def __init__(self, *args, limit: int, too_big: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.too_big = set(too_big)
        for field in self.fields.values():
            field.widget.attrs["accept"] = ".csv,.xlsx,text/csv"

    def clean(self):
        data = super().clean()
        for name in self.fields:
            upload = data.get(name)
            if name in self.too_big or (upload is not None and upload.size > self.limit):
                self.errors.pop(name, None)
                self.add_error(name, MESSAGES["too_big"] % {"limit": self.limit})
        return data
