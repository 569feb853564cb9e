"""URLs of follow-ups, workflow, closure, assignment, transfer and sharing (all under /cases/)."""

from django.urls import path

from .views import (
    data_rights,
    workflow_assignment,
    workflow_caseload,
    workflow_closure,
    workflow_followups,
    workflow_sharing,
    workflow_transfer,
)

urlpatterns: list = [
    path("caseload/", workflow_caseload.caseload_review, name="caseload"),
    path("overdue/", workflow_followups.overdue, name="overdue"),
    path("transfers/", workflow_transfer.transfers, name="transfers"),
    path("<str:code>/follow-up/", workflow_followups.follow_up, name="follow_up"),
    path("<str:code>/assessment/", workflow_followups.assessment, name="assessment"),
    path("<str:code>/close/", workflow_closure.close, name="close"),
    path("<str:code>/closure/approve/", workflow_closure.approve, name="approve_closure"),
    path("<str:code>/closure/reject/", workflow_closure.reject, name="reject_closure"),
    path("<str:code>/closure/withdraw/", workflow_closure.withdraw, name="withdraw_closure"),
    path("<str:code>/reopen/", workflow_closure.reopen, name="reopen"),
    path("<str:code>/assign/", workflow_assignment.assign, name="assign"),
    path("<str:code>/transfer/", workflow_transfer.transfer_request, name="transfer"),
    path("<str:code>/transfer/accept/", workflow_transfer.accept, name="accept_transfer"),
    path("<str:code>/transfer/refuse/", workflow_transfer.refuse, name="refuse_transfer"),
    path("<str:code>/transfer/cancel/", workflow_transfer.cancel, name="cancel_transfer"),
    path("<str:code>/share/", workflow_sharing.share, name="share"),
    path("<str:code>/share/revoke/", workflow_sharing.unshare, name="unshare"),
    path("anonymisation/", data_rights.requests, name="anonymisation_requests"),
    path("<str:code>/anonymise/", data_rights.anonymise, name="anonymise"),
    path("<str:code>/anonymise/approve/", data_rights.approve, name="approve_anonymisation"),
    path("<str:code>/anonymise/refuse/", data_rights.refuse, name="refuse_anonymisation"),
    path(
        "<str:code>/subject-access.<str:fmt>",
        data_rights.subject_access_export,
        name="subject_access",
    ),
]
