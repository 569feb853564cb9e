"""The form of a request to anonymise a case (a coded reason: no free text to erase)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import AnonymisationReason

REQUESTABLE = [c for c in AnonymisationReason.choices if c[0] != AnonymisationReason.RETENTION]


class AnonymisationRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=REQUESTABLE, widget=forms.RadioSelect)
