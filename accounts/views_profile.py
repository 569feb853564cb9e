"""The user's own profile page: who they are, and which e-mails they want (issue 12)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .preferences import EmailKind, EmailPreferences, kinds_for, set_preferences


class EmailPreferencesForm(forms.Form):
    enabled = forms.MultipleChoiceField(
        label=gettext_lazy("Send me an e-mail when"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(EmailKind.choices)
        self.fields["enabled"].choices = [(k, labels[k]) for k in kinds_for(user)]
        prefs = EmailPreferences.objects.filter(user=user).first() or EmailPreferences(user=user)
        self.fields["enabled"].initial = [k for k in kinds_for(user) if prefs.wants(k)]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = EmailPreferencesForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        set_preferences(user, set(form.cleaned_data["enabled"]))
        messages.success(request, _("Your e-mail choices were saved."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})
