from .child import CaseStatus, Child, ChildQuerySet, WorkflowStage
from .family import Caregiver, Household
from .followup import FollowUp
from .sharing import ChildUserObjectPermission

__all__ = [
    "CaseStatus",
    "Caregiver",
    "Child",
    "ChildQuerySet",
    "ChildUserObjectPermission",
    "FollowUp",
    "Household",
    "WorkflowStage",
]
