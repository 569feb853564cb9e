"""Emergency access ("break the glass", roles.md): granting, telling the case's county
coordinators, and their review. Each step is atomic and written to the audit log.

The grant itself is a row (cases.models.EmergencyAccess) that Child.objects.visible_to
reads: nothing else opens the case, and nothing here decides who may change it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from cases.models import Child, EmergencyAccess, ReviewStatus
from cases.services import notifications

REASON_MIN_LENGTH = 20


def may_request(user) -> bool:
    """Field workers and county coordinators; the country coordinator opens every case."""
    return user.is_authenticated and (user.is_field_worker or user.is_county_coordinator)


def may_review(user, grant: EmergencyAccess) -> bool:
    return user.is_authenticated and user.coordinates_county(grant.county_id)


@transaction.atomic
def grant_emergency_access(user, child: Child, reason: str, *, request=None) -> EmergencyAccess:
    """Read access to one case for EMERGENCY_ACCESS_HOURS; the county's coordinators are
    e-mailed once the grant is committed (a link to review it, never personal data)."""
    if not may_request(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            _("Say why you must open this case (at least %(n)d characters).")
            % {"n": REASON_MIN_LENGTH},
            code="reason",
        )
    if child.anonymous:
        raise ValidationError(_("No case has this code."), code="unknown")
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        user=user,
        child=child,
        county_id=child.current_county_id,
        reason=reason,
        granted_at=now,
        expires_at=now + dt.timedelta(hours=settings.EMERGENCY_ACCESS_HOURS),
    )
    # Codes only in the audit log: the reason is free text and stays on the grant.
    record(
        user,
        Action.EMERGENCY_ACCESS,
        obj=child,
        request=request,
        event="granted",
        grant=grant.code,
        expires_at=grant.expires_at.isoformat(),
    )
    # The county's coordinators are told through the outbox of the cases app: the rows are
    # written in this transaction, the e-mails queued once it commits (a broker that is
    # down leaves them pending for the sweep, and the grant stands).
    told = notifications.emergency_access_granted(grant, user)
    grant.notified_at = now
    grant.save(update_fields=["notified_at"])
    record(
        None,
        Action.EMERGENCY_ACCESS,
        obj=child,
        county_code=grant.county_id,
        event="coordinators_notified",
        grant=grant.code,
        recipients=len(told),
    )
    return grant


@transaction.atomic
def review_emergency_access(
    grant: EmergencyAccess, user, decision: str, note: str = "", *, request=None
) -> EmergencyAccess:
    """The coordinator accepts the access, or reports it (which also ends it at once)."""
    if not may_review(user, grant):
        raise PermissionDenied
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if decision not in (ReviewStatus.ACCEPTED, ReviewStatus.REPORTED):
        raise ValidationError(_("Choose accepted or reported."), code="decision")
    if grant.review_status != ReviewStatus.PENDING:
        raise ValidationError(_("This emergency access was already reviewed."), code="done")
    now = timezone.now()
    grant.review_status = decision
    grant.reviewed_by = user
    grant.reviewed_at = now
    grant.review_note = (note or "").strip()
    if decision == ReviewStatus.REPORTED and grant.expires_at > now:
        grant.expires_at = now
    grant.save()
    record(
        user,
        Action.EMERGENCY_ACCESS,
        obj=grant.child,
        county_code=grant.county_id,
        request=request,
        event=decision,
        grant=grant.code,
        grantee=grant.user.username,
    )
    return grant
