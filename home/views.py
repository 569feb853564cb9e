"""The home page (each role's start: a field worker's cases, a coordinator's dashboard)
and the health check. It composes cases and reporting, so it lives above both."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.idle import background_request
from cases import todo
from reporting import dashboard


@background_request
@require_GET
def health(request):
    """For the load balancer and docker-compose: up, and able to reach the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def home(request):
    user = request.user
    today = timezone.localdate()
    # What waits for the user comes first (issue 12; the lists are in cases/todo.py).
    if user.is_field_worker:
        # The cases the worker carries (cases.services.caseload.carried_by), read once
        # for the figures and the follow-up schedule.
        summary = todo.worker_summary(user, today)
        context = {
            "today": today,
            "todo": todo.home_blocks(user, today, summary=summary),
            "counts": summary.counts,
        }
    else:
        context = {"today": today, "todo": todo.home_blocks(user, today)}
        # Coordinators: statistics scope (their county / the country), not visible_to().
        board = dashboard.build(user, today)
        context["dashboard"] = board
        context["counts"] = board.counts
    return render(request, "home/home.html", context)
