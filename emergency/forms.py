from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import ReviewStatus

from .services import REASON_MIN_LENGTH


class RequestForm(forms.Form):
    code = forms.CharField(
        label=_("Case code"),
        max_length=12,
        required=False,
        help_text=_("The code the other county gave you, e.g. C-7KQ2M9X."),
    )
    match = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why must you open this case now?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=REASON_MIN_LENGTH,
        max_length=2000,
        help_text=_(
            "Your access is read only and ends after a few hours. The county's coordinator "
            "is told and reviews it; everything is in the audit log."
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()

    def clean(self):
        data = super().clean()
        if not data.get("code") and not data.get("match"):
            self.add_error("code", _("Enter the case code."))
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your review"),
        choices=[
            (ReviewStatus.ACCEPTED, _("Accepted: the access was justified")),
            (ReviewStatus.REPORTED, _("Reported: the access was not justified (it ends now)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
