"""Emergency access ("break the glass", roles.md): granting, telling the case's county
coordinators, and their review. Each step is atomic and written to the audit log.

The grant itself is a row (cases.models.EmergencyAccess) that Child.objects.visible_to
reads: nothing else opens the case, and nothing here decides who may change it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.log import record
from audit.models import Action
from cases.models import Child, EmergencyAccess, ReviewStatus

log = logging.getLogger(__name__)

REASON_MIN_LENGTH = 20


def may_request(user) -> bool:
    """Field workers and county coordinators; the country coordinator opens every case."""
    return user.is_authenticated and (user.is_field_worker or user.is_county_coordinator)


def may_review(user, grant: EmergencyAccess) -> bool:
    return user.is_authenticated and user.coordinates_county(grant.county_id)


@transaction.atomic
def grant_emergency_access(
    user, child: Child, reason: str, *, review_url: str = "", request=None
) -> EmergencyAccess:
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
    transaction.on_commit(lambda: _queue_notice(grant.pk, review_url))
    return grant


def _queue_notice(grant_id: int, review_url: str) -> None:
    from emergency.tasks import notify_emergency_access

    try:
        notify_emergency_access.delay(grant_id, review_url)
    except Exception:  # a broker or mail server that is down must not undo the grant
        log.warning("emergency access %s: coordinators not notified", grant_id, exc_info=True)


def coordinators_of(county_code: str):
    return User.objects.filter(
        is_active=True, role=Role.COUNTY_COORDINATOR, county_id=county_code
    ).exclude(email="")


@transaction.atomic
def notify_coordinators(grant_id: int, review_url: str) -> int:
    """E-mail the county's coordinators once (safe to run twice); returns how many."""
    grant = (
        EmergencyAccess.objects.select_for_update()
        .select_related("child")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None or grant.notified_at is not None:
        return 0
    recipients = list(coordinators_of(grant.county_id).values_list("email", flat=True))
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            context = {"code": grant.child.code, "link": review_url, "grant": grant.code}
            subject = render_to_string("emergency/email_subject.txt", context)
            body = render_to_string("emergency/email.txt", context)
        EmailMessage(" ".join(subject.split()), body.strip() + "\n", bcc=recipients).send(
            fail_silently=False
        )
    grant.notified_at = timezone.now()
    grant.save(update_fields=["notified_at"])
    record(
        None,
        Action.EMERGENCY_ACCESS,
        obj=grant.child,
        county_code=grant.county_id,
        event="coordinators_notified",
        grant=grant.code,
        recipients=len(recipients),
    )
    return len(recipients)


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
