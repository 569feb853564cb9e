"""Forms of the workflow actions. They check the shape of the input; the services in
cases/services/ check the rules (dates against the case, roles) and say what is wrong."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases.models import Child
from cases.models.followup import ContactType
from cases.services.assignment import assignable_workers
from cases.services.sharing import share_candidates
from cases.services.transfer import workers_of
from lookups import registry
from lookups.models import County


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _text(label, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _LookupChoiceField(forms.ChoiceField):
    """Choices read from the lookups when the form is built (labels in the active language)."""

    def __init__(self, list_name: str, **kwargs):
        super().__init__(choices=lambda: registry.choices(list_name), **kwargs)


def _person_label(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.county.name})" if user.county_id else name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _person_label(obj)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the field it names when there is one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class FollowUpForm(forms.Form):
    done_on = _date(_("Date of the follow-up"))
    contact_type = forms.ChoiceField(label=_("Contact type"), choices=ContactType.choices)
    risk_level = _LookupChoiceField(
        "risk_level",
        label=_("Risk level after review"),
        help_text=_("The next follow-up is scheduled by this risk level."),
    )
    notes = _text(_("Notes"))


class AssessmentForm(forms.Form):
    assessed_on = _date(_("Date of the assessment"))
    needs = forms.MultipleChoiceField(
        label=_("Needs identified"),
        required=False,
        choices=lambda: registry.choices("need"),
        widget=forms.CheckboxSelectMultiple,
    )
    needs_details = _text(_("Description of the needs"))
    strengths = _text(_("Strengths and resources of the child and the family"))
    risk_level = _LookupChoiceField("risk_level", label=_("Risk level confirmed"))
    notes = _text(_("Notes"), help_text=_("Required when the risk level changes: say why."))


class CloseForm(forms.Form):
    closure_reason = _LookupChoiceField("closure_reason", label=_("Closure reason"))
    closed_on = _date(_("Date of closure"))
    note = _text(_("Note"))


class ReopenForm(forms.Form):
    reason = _text(_("Why is the case reopened?"), required=True)


class DecisionNoteForm(forms.Form):
    note = _text(_("Reason (optional)"))


class AssignForm(forms.Form):
    worker = PersonChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— not assigned —"),
    )

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = assignable_workers(child).select_related("county")


def _locality_fields() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(
            label=_("New town or commune"),
            max_length=100,
            required=False,
            help_text=_("Where the family lives now, if you know it."),
        ),
        _text(_("New address")),
    )


class TransferRequestForm(forms.Form):
    to_county = forms.ModelChoiceField(
        label=_("Receiving county"), queryset=County.objects.none(), to_field_name="code"
    )
    reason = _text(
        _("Why does the case move?"),
        required=True,
        help_text=_(
            "What the receiving county needs to decide: why the family moved, what the child "
            "needs there. No need to repeat the case file: they see it once they accept."
        ),
    )
    new_locality, new_address = _locality_fields()

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_county"].queryset = County.objects.exclude(
            pk=child.current_county_id
        ).order_by("name")


class DirectTransferForm(TransferRequestForm):
    """The country coordinator's transfer: the receiving county and, if known, its worker."""

    assign_to = PersonChoiceField(
        label=_("Assign to a worker of the receiving county"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— not assigned —"),
        help_text=_("Leave empty to let the receiving coordinator assign the case."),
    )

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, child=child, **kwargs)
        self.fields["assign_to"].queryset = (
            User.objects.filter(is_active=True, role=Role.FIELD_WORKER)
            .exclude(county_id=child.current_county_id)
            .exclude(county_id=None)
            .select_related("county")
            .order_by("county__name", "last_name", "first_name", "username")
        )

    def clean(self):
        data = super().clean()
        county, worker = data.get("to_county"), data.get("assign_to")
        if county and worker and worker.county_id != county.pk:
            self.add_error("assign_to", _("Choose a worker of the receiving county."))
        return data


class AcceptTransferForm(forms.Form):
    assign_to = PersonChoiceField(
        label=_("Assign to a worker of your county"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— not assigned —"),
    )
    new_locality, new_address = _locality_fields()

    def __init__(self, *args, transfer, **kwargs):
        kwargs.setdefault(
            "initial",
            {"new_locality": transfer.new_locality, "new_address": transfer.new_address},
        )
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].queryset = workers_of(transfer.to_county_id).select_related(
            "county"
        )
        self.fields["new_locality"].help_text = _(
            "The case's town or commune after you accept: what the request said, which you "
            "may correct."
        )


class ShareForm(forms.Form):
    user = PersonChoiceField(label=_("Share with"), queryset=User.objects.none())

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = share_candidates(child)


class UserIdForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
