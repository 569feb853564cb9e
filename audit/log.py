"""Writing to the audit log. Every look at a case, change, export, import, transfer and
report download goes through record()."""

from __future__ import annotations

from .models import Action, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is the proxy in docker-compose; gunicorn is told to trust it
    # (--forwarded-allow-ips), so the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record(
    user,
    action: str | Action,
    *,
    obj=None,
    county_code: str | None = None,
    request=None,
    **details,
) -> AuditEvent:
    object_type = obj._meta.model_name if obj is not None else ""
    object_code = getattr(obj, "code", "") or (str(obj.pk) if obj is not None else "")
    if county_code is None and obj is not None:
        county_code = getattr(obj, "current_county_id", None) or getattr(obj, "county_id", None)
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_code=object_code,
        county_id=county_code,
        ip_address=client_ip(request),
        details=details,
    )
