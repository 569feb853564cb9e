from .anonymisation import AnonymisationReason, AnonymisationRequest, AnonymisationStatus
from .assessment import Assessment
from .child import CaseStatus, Child, ChildQuerySet, WorkflowStage
from .closure import ClosureRequest, ClosureStatus, Reopening
from .emergency import EmergencyAccess, ReviewStatus
from .family import Caregiver, Household
from .followup import FollowUp
from .name_key import NameKey
from .notification import EmailState, Notification
from .sharing import ChildUserObjectPermission
from .transfer import Transfer, TransferStatus

__all__ = [
    "AnonymisationReason",
    "AnonymisationRequest",
    "AnonymisationStatus",
    "Assessment",
    "ClosureRequest",
    "ClosureStatus",
    "EmergencyAccess",
    "Reopening",
    "ReviewStatus",
    "Transfer",
    "TransferStatus",
    "CaseStatus",
    "Caregiver",
    "Child",
    "ChildQuerySet",
    "ChildUserObjectPermission",
    "EmailState",
    "FollowUp",
    "NameKey",
    "Notification",
    "Household",
    "WorkflowStage",
]
