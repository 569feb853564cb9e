from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.log import record
from audit.models import Action
from cases.access import get_case_for_user


@login_required
@never_cache
@require_GET
def case_detail(request, code: str):
    child = get_case_for_user(request.user, code)
    record(request.user, Action.VIEW_CASE, obj=child, request=request)
    return render(request, "cases/case_detail.html", {"child": child})
