"""Quarterly reports in the browser: request, watch the job, download, retry.

Statistics scope (roles.md): county coordinators their county, the country coordinator
national and every county; field workers have no reporting page (403). A report outside
the user's scope does not exist for them (404).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scope import county_scope
from audit.log import record
from audit.models import Action
from lookups import registry

from . import labels, services
from .models import JobStatus, ReportSnapshot, Variant
from .periods import Period, current_quarter, last_completed_quarter

FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
FIRST_QUARTER = Period.of(2022, 1)
STUCK_AFTER = dt.timedelta(minutes=15)  # registrations began with the war, February 2022


def statistics_role_required(view):
    """Coordinators only: a field worker gets 403 on every reporting page."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_coordinator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def reports_visible_to(user):
    """The snapshots in the user's statistics scope."""
    return county_scope(user).filter(
        ReportSnapshot.objects.select_related("county", "requested_by")
    )


def get_report_for_user(user, code: str) -> ReportSnapshot:
    return get_object_or_404(reports_visible_to(user), code=code)


def quarter_choices() -> list[tuple[str, str]]:
    quarters = []
    period = current_quarter()
    while period >= FIRST_QUARTER:
        quarters.append((period.code, period.code))
        period = period.previous()
    return quarters


class ReportRequestForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Quarter"))
    county = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)
    variant = forms.ChoiceField(
        label=gettext_lazy("Variant"),
        choices=Variant.choices,
        initial=Variant.FULL,
        help_text=gettext_lazy(
            "The public variant withholds small counts so that it can be published."
        ),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the PDF and CSV"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["period"].choices = quarter_choices()
        self.fields["period"].initial = last_completed_quarter().code
        if user.is_country_coordinator:
            self.fields["county"].choices = [("", labels.scope_label("national"))] + [
                (code, name) for code, name in registry.choices("county")
            ]
        else:
            self.fields["county"].choices = [
                (user.county_id, registry.label("county", user.county_id))
            ]
            self.fields["county"].initial = user.county_id
        self.fields["language"].choices = [
            ("ro", _("Romanian")),
            ("uk", _("Ukrainian")),
            ("en", _("English")),
        ]
        current = (get_language() or "ro")[:2]
        self.fields["language"].initial = current if current in services.LANGUAGES else "ro"

    def clean(self):
        cleaned = super().clean()
        county = cleaned.get("county") or None
        if "county" in cleaned and not services.may_request(
            self.user, county, cleaned.get("variant")
        ):
            self.add_error("county", _("You may not request a report for this scope."))
        cleaned["county"] = county
        return cleaned


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _list_context(request, form):
    reports = list(reports_visible_to(request.user)[:50])
    for report in reports:
        report.language_name = language_name(report.language)
    return {"form": form, "reports": reports}


@statistics_role_required
@never_cache
@require_GET
def report_list(request):
    form = ReportRequestForm(user=request.user)
    return render(request, "reporting/report_list.html", _list_context(request, form))


@statistics_role_required
@require_POST
def request_report_view(request):
    form = ReportRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request, "reporting/report_list.html", _list_context(request, form), status=400
        )
    data = form.cleaned_data
    try:
        snapshot = services.request_report(
            request.user, data["period"], data["county"], data["variant"], data["language"]
        )
    except ValueError as exc:
        form.add_error(None, str(exc))
        return render(
            request, "reporting/report_list.html", _list_context(request, form), status=400
        )
    snapshot.refresh_from_db(fields=["status"])
    if snapshot.status == JobStatus.DONE:  # built at once (tasks run eagerly)
        messages.success(request, _("The report has been built."))
    else:
        messages.success(request, _("The report has been requested: it is being built."))
    return redirect(snapshot)


def is_stuck(snapshot: ReportSnapshot) -> bool:
    """Queued or running for far longer than any build takes (the worker died, the broker
    lost the message): the user may queue it again."""
    if snapshot.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return False
    since = snapshot.started_at or snapshot.requested_at
    return since is not None and timezone.now() - since > STUCK_AFTER


def _status_context(snapshot):
    finished = snapshot.status in (JobStatus.DONE, JobStatus.FAILED)
    return {
        "report": snapshot,
        "finished": finished,
        "stuck": is_stuck(snapshot),
        "formats": list(FORMATS) if snapshot.status == JobStatus.DONE else [],
        "scope_label": labels.scope_label(snapshot.scope),
        "language_name": language_name(snapshot.language),
    }


@statistics_role_required
@never_cache
@require_GET
def report_detail(request, code):
    snapshot = get_report_for_user(request.user, code)
    return render(request, "reporting/report_detail.html", _status_context(snapshot))


@statistics_role_required
@never_cache
@require_GET
def report_progress(request, code):
    """The status fragment the detail page polls (htmx) while the job runs."""
    snapshot = get_report_for_user(request.user, code)
    return render(request, "reporting/_status.html", _status_context(snapshot))


def download_name(snapshot: ReportSnapshot, fmt: str) -> str:
    return (
        f"quarterly-{snapshot.period}-{snapshot.scope}-{snapshot.variant}-"
        f"{snapshot.language}-{snapshot.code}.{fmt}"
    )


@statistics_role_required
@never_cache
@require_GET
def report_download(request, code, fmt):
    snapshot = get_report_for_user(request.user, code)
    if fmt not in FORMATS or snapshot.status != JobStatus.DONE:
        raise Http404
    name = download_name(snapshot, fmt)
    if fmt == "json":
        if snapshot.document is None:
            raise Http404
        body = json.dumps(snapshot.document, ensure_ascii=False, indent=2) + "\n"
        response = HttpResponse(body.encode("utf-8"), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        stored = getattr(snapshot, fmt)
        if not stored:
            raise Http404
        try:
            handle = stored.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=True, filename=name, content_type=FORMATS[fmt]
        )
    record(
        request.user,
        Action.REPORT_DOWNLOAD,
        obj=snapshot,
        request=request,
        format=fmt,
        period=snapshot.period,
        scope=snapshot.scope,
        variant=snapshot.variant,
    )
    return response


@statistics_role_required
@require_http_methods(["POST"])
def report_retry(request, code):
    snapshot = get_report_for_user(request.user, code)
    if snapshot.status != JobStatus.FAILED and not is_stuck(snapshot):
        messages.warning(request, _("Only a failed or stuck report can be built again."))
        return redirect(snapshot)
    services.retry_report(snapshot)
    messages.success(request, _("The report is being built again."))
    return redirect(snapshot)
