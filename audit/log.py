"""Writing to the audit log. Every look at a case, change, export, import, transfer and
report download goes through record()."""

from __future__ import annotations

from django.conf import settings
from ipware import get_client_ip

from .models import Action, AuditEvent


def client_ip(request) -> str | None:
    """The client's address, for the audit log and the login lockout (django-axes calls
    this too: AXES_CLIENT_IP_CALLABLE), so that both always name the same address.

    Without a trusted proxy (TRUSTED_PROXY_COUNT=0) it is the socket's REMOTE_ADDR and no
    header is read: X-Forwarded-For is whatever the client chose to send. Behind N proxies
    that each append the address they received from to X-Forwarded-For, the last N-1
    entries were written by our own proxies (the Nth is REMOTE_ADDR), so the client is the
    entry just before them; anything further left was written by the client and is ignored.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote
    # django-ipware counts the proxies listed in the header (the nearest one is REMOTE_ADDR,
    # not in the header); non-strict: the client may have put more entries in front.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote


def record(
    user,
    action: str | Action,
    *,
    obj=None,
    county_code: str | None = None,
    request=None,
    actor_label: str = "system",
    **details,
) -> AuditEvent:
    """actor_label: the name written when there is no user (a job, the command line, a
    failed login with an unknown username)."""
    object_type = obj._meta.model_name if obj is not None else ""
    object_code = getattr(obj, "code", "") or (str(obj.pk) if obj is not None else "")
    if county_code is None and obj is not None:
        county_code = getattr(obj, "current_county_id", None) or getattr(obj, "county_id", None)
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or actor_label,
        action=action,
        object_type=object_type,
        object_code=object_code,
        county_id=county_code,
        ip_address=client_ip(request),
        details=details,
    )
