"""Transfers between counties: request, accept, refuse, cancel, and the list of requests.

The receiving coordinator cannot open the case before accepting it: their pages show
the code, age group, sex, risk level and the county it comes from, never the name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import permissions
from cases.access import get_case_for_user
from cases.forms_workflow import (
    AcceptTransferForm,
    DecisionNoteForm,
    DirectTransferForm,
    TransferRequestForm,
    apply_errors,
)
from cases.models import Child, Transfer
from cases.services.transfer import (
    accept_transfer,
    cancel_transfer,
    refuse_transfer,
    request_transfer,
    transfer_case,
)

from .workflow_common import button_action, form_action, require


@login_required
@require_http_methods(["GET", "POST"])
def transfer_request(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    if permissions.can_transfer_directly(request.user, child):
        direct = DirectTransferForm(request.POST or None, child=child)
        return form_action(
            request,
            child,
            direct,
            lambda data: transfer_case(
                child,
                request.user,
                data["to_county"],
                data.get("assign_to"),
                reason=data["reason"],
                new_locality=data["new_locality"],
                new_address=data["new_address"],
                request=request,
            ),
            title=_("Transfer the case to another county"),
            intro=_(
                "As country coordinator you move the case at once, to a worker of the "
                "receiving county or unassigned."
            ),
            submit=_("Transfer"),
            success=_("The case was transferred."),
        )
    require(permissions.can_request_transfer(request.user, child))
    form = TransferRequestForm(request.POST or None, child=child)
    return form_action(
        request,
        child,
        form,
        lambda data: request_transfer(
            child,
            request.user,
            data["to_county"],
            reason=data["reason"],
            new_locality=data["new_locality"],
            new_address=data["new_address"],
            request=request,
        ),
        title=_("Ask another county to take the case"),
        intro=_(
            "The family moved. The coordinator of the receiving county accepts or refuses; "
            "until then the case stays here."
        ),
        submit=_("Send the request"),
        success=_("The transfer request was sent."),
    )


def transfer_facts(transfer: Transfer) -> dict:
    """What the receiving coordinator needs to decide, without the child's identity: the
    concerns (shown as labels), how much work was done, how many children move together."""
    child = transfer.child
    return {
        "concerns": list(child.protection_concerns.order_by("pk").values_list("pk", flat=True)),
        "follow_ups": child.follow_ups.count(),
        "household_size": Child.objects.cases().filter(household_id=child.household_id).count()
        if child.household_id
        else 1,
    }


def _pending_for_decision(user, code: str) -> Transfer:
    transfer = (
        Transfer.objects.incoming_for(user)
        .select_related("child", "from_county", "to_county")
        .filter(child__code=code)
        .first()
    )
    if transfer is not None:
        return transfer
    # Someone who may open the case but not decide gets 403; anyone else, 404.
    child = get_case_for_user(user, code, to_change=True)
    if child.transfers.pending().exists():
        raise PermissionDenied
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def accept(request, code: str):
    transfer = _pending_for_decision(request.user, code)
    form = AcceptTransferForm(request.POST or None, transfer=transfer)
    if request.method == "POST" and form.is_valid():
        try:
            accept_transfer(
                transfer,
                request.user,
                form.cleaned_data["assign_to"],
                new_locality=form.cleaned_data["new_locality"],
                new_address=form.cleaned_data["new_address"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The transfer was accepted: the case is now yours."))
            return redirect(transfer.child.get_absolute_url())
    return render(
        request,
        "cases/workflow/transfer_decide.html",
        {
            "transfer": transfer,
            "form": form,
            "refuse_form": DecisionNoteForm(),
            "facts": transfer_facts(transfer),
        },
    )


@login_required
@require_POST
def refuse(request, code: str):
    transfer = _pending_for_decision(request.user, code)
    form = DecisionNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        refuse_transfer(transfer, request.user, note, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The transfer was refused."))
    return redirect("cases:transfers")


@login_required
@require_POST
def cancel(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    transfer = child.transfers.pending().first()
    if transfer is None:
        messages.error(request, _("No transfer of this case is waiting."))
        return redirect(child.get_absolute_url() + "#workflow")
    require(permissions.can_cancel_transfer(request.user, transfer))
    return button_action(
        request,
        child,
        lambda: cancel_transfer(transfer, request.user, request=request),
        _("The transfer request was withdrawn."),
    )


@login_required
@require_GET
def transfers(request):
    """Incoming requests to decide, and the requests this user's side is waiting on."""
    user = request.user
    incoming = (
        Transfer.objects.incoming_for(user)
        .select_related("child", "from_county", "to_county")
        .order_by("requested_at")
    )
    outgoing = Transfer.objects.none()
    if not user.is_country_coordinator:
        outgoing = (
            Transfer.objects.pending()
            .filter(child__in=Child.objects.visible_to(user).values("pk"))
            .select_related("child", "from_county", "to_county")
            .order_by("requested_at")
        )
    return render(
        request, "cases/workflow/transfers.html", {"incoming": incoming, "outgoing": outgoing}
    )
