"""Background jobs of cases, run by Celery beat."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def apply_retention() -> int:
    """Anonymise the closed cases past the retention period (safe to run twice)."""
    from cases.services.retention import apply_retention as run

    return run()
