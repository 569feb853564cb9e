"""Import (upload, preview, confirm), export of the case list, and the templates."""

from __future__ import annotations

import csv
import io
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.log import record
from audit.models import Action
from cases.models import Child

from . import export, jobs, secure_export, tasks
from .columns import CAREGIVERS, CHILDREN, FILES, REFERRALS
from .forms import SizeLimitHandler, UploadForm
from .models import ExportFile, ImportJob, JobStatus
from .reading import Source

# Files up to this size (all together) are checked and imported during the request;
# larger ones by a Celery task while the page shows the progress.
INLINE_MAX_BYTES = 512 * 1024
PREVIEW_ISSUES = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def coordinator_required(view):
    """Coordinators only: field workers get 403 (roles.md: import and export are theirs)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_coordinator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _inline_max() -> int:
    return getattr(settings, "IMPORT_INLINE_MAX_BYTES", INLINE_MAX_BYTES)


def _limit() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES


def _index_context(request, form):
    return {
        "form": form,
        "jobs": ImportJob.objects.visible_to(request.user).select_related("created_by")[:10],
        "limit": _limit(),
    }


@csrf_exempt  # the size checks come before the body is parsed; CSRF is checked in _upload
@coordinator_required
@require_http_methods(["GET", "POST"])
def index(request):
    if request.method == "GET":
        return render(
            request, "imports/index.html", _index_context(request, UploadForm(limit=_limit()))
        )
    # Refuse an oversized request before reading its body at all.
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > len(FILES) * _limit() + 1024 * 1024:
        form = UploadForm({}, {}, limit=_limit(), too_big={CHILDREN})
        form.is_valid()
        response = render(request, "imports/index.html", _index_context(request, form), status=413)
        response["Connection"] = "close"
        return response
    handler = SizeLimitHandler(request, _limit())
    request.upload_handlers.insert(0, handler)
    return _upload(request, handler)


@csrf_protect
def _upload(request, handler):
    form = UploadForm(request.POST, request.FILES, limit=_limit(), too_big=handler.too_big)
    if not form.is_valid():
        return render(request, "imports/index.html", _index_context(request, form), status=400)
    sources = {
        file: Source(file, form.cleaned_data[file].name, form.cleaned_data[file].read())
        for file in FILES
        if form.cleaned_data.get(file)
    }
    job = jobs.create_job(request.user, sources)
    if job.total_bytes() <= _inline_max():
        jobs.preview_job(job.pk)
    else:
        jobs.start(job, JobStatus.VALIDATING)
        jobs.queue(tasks.preview_import, job.pk)
    return redirect(job)


def case_list_filter_data(request):
    """The case list's filters as the list itself reads them (cases.views.case_list:
    the typed name may be kept in the session behind ?s=), and whether it was found."""
    import cases.views.case_list as case_list_module

    read = getattr(case_list_module, "_filter_data", None)
    if read is None:
        return request.GET, True
    return read(request)


def _job_for(request, code: str) -> ImportJob:
    return get_object_or_404(ImportJob.objects.visible_to(request.user), code=code)


@never_cache
@coordinator_required
@require_GET
def job_detail(request, code):
    job = _job_for(request, code)
    issues = jobs.issues_of(job)
    context = {
        "job": job,
        "issues": issues[:PREVIEW_ISSUES],
        "issue_count": len(issues),
        # Counts mean something only for files that were read without errors.
        "counts": [
            (file, job.counts[file])
            for file in FILES
            if file in job.counts
            and file in job.rows
            and job.status not in (JobStatus.INVALID, JobStatus.EXPIRED)
        ],
        "rows": job.rows,
        "upload_lifetime_hours": settings.IMPORT_UPLOAD_LIFETIME_HOURS,
    }
    if request.htmx and request.GET.get("fragment"):
        return render(request, "imports/_job_status.html", context)
    return render(request, "imports/job.html", context)


@coordinator_required
@require_POST
def job_confirm(request, code):
    job = _job_for(request, code)
    if job.status != JobStatus.READY:
        return redirect(job)
    if job.total_bytes() <= _inline_max():
        jobs.start(job, JobStatus.IMPORTING)
        jobs.apply_job(job.pk, request.user.pk, request=request)
    else:
        jobs.start(job, JobStatus.IMPORTING)
        jobs.queue(tasks.apply_import, job.pk, request.user.pk)
    return redirect(job)


@never_cache
@coordinator_required
@require_GET
def job_issues_csv(request, code):
    """Every error of the job, in the reader's language, as CSV."""
    job = _job_for(request, code)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([_("File"), _("Line"), _("Column"), _("Value"), _("Problem")])
    for issue in jobs.issues_of(job):
        writer.writerow(
            [
                issue.file,
                issue.line or "",
                issue.column,
                export.neutralise(issue.value),
                issue.message,
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.code}-errors.csv"'
    return response


@coordinator_required
@require_GET
def template_csv(request, file):
    if file not in FILES:
        raise Http404
    response = HttpResponse(export.template_csv(file), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file}.csv"'
    return response


@coordinator_required
@require_GET
def template_xlsx(request):
    response = HttpResponse(export.template_xlsx(), content_type=XLSX)
    lang = (request.LANGUAGE_CODE or "en")[:2]
    response["Content-Disposition"] = f'attachment; filename="import-template-{lang}.xlsx"'
    return response


def _exported_cases(request):
    """The case list as filtered (cases.filters.CaseFilter), and the filters for the audit
    log; None when the name search behind ?s= has left the session."""
    from cases.filters import CaseFilter

    data, search_found = case_list_filter_data(request)
    if not search_found:
        return None, {}
    # An emergency grant gives reading, not exporting (docs/data-protection.md); a case
    # shared one by one is opened, not exported: the export holds the county (roles.md).
    visible = Child.objects.visible_to(request.user, emergency=False, shared=False)
    bound = any(v for k, v in data.items() if k not in ("page", "per_page", "sort"))
    case_filter = CaseFilter(data if bound else None, queryset=visible, user=request.user)
    qs = case_filter.qs if case_filter.is_bound else visible
    filters = case_filter.active_filters() if case_filter.is_bound else {}
    if (data.get("q") or "").strip():
        filters["q"] = "used"  # never the typed name (audit details are codes only)
    return qs, filters


@never_cache
@coordinator_required
@require_http_methods(["GET", "POST"])
def export_cases(request, fmt):
    """GET: how many cases the export will hold; POST: an encrypted archive kept for
    EXPORT_LIFETIME_HOURS, and its password, shown on this page only."""
    qs, filters = _exported_cases(request)
    if qs is None:
        # Exporting without the name search would give more cases than the list showed.
        return redirect(f"{reverse('cases:list')}?{request.GET.urlencode()}")
    if request.method == "GET":
        return render(
            request,
            "imports/export_confirm.html",
            {"fmt": fmt, "count": qs.count(), "query": request.GET.urlencode()},
        )
    rows = export.export_rows(qs)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        members = {f"cases-{stamp}.xlsx": export.to_xlsx(rows)}
    else:
        members = {f"{file}.csv": export.csv_bytes(file, rows.get(file, [])) for file in FILES}
    exported, password = secure_export.store_export(
        request.user,
        members,
        fmt=fmt,
        filename=f"cases-{stamp}-{fmt}.zip",
        children=len(rows[CHILDREN]),
    )
    record(
        request.user,
        Action.EXPORT,
        county_code=request.user.county_id,
        request=request,
        format=fmt,
        export=exported.code,
        children=len(rows[CHILDREN]),
        caregivers=len(rows[CAREGIVERS]),
        referrals=len(rows[REFERRALS]),
        filters=filters,
    )
    return render(
        request,
        "imports/export_ready.html",
        {"export": exported, "password": password, "hours": settings.EXPORT_LIFETIME_HOURS},
    )


@never_cache
@coordinator_required
@require_GET
def export_download(request, code):
    """The encrypted archive, for whoever made it; after its lifetime, a page that says so."""
    exported = get_object_or_404(ExportFile.objects.filter(created_by=request.user), code=code)
    if (
        exported.deleted_at is not None
        or exported.expires_at <= timezone.now()
        or not exported.file
    ):
        return render(request, "imports/export_expired.html", {"export": exported}, status=410)
    record(
        request.user,
        Action.EXPORT,
        county_code=request.user.county_id,
        request=request,
        event="download",
        export=exported.code,
    )
    return FileResponse(
        exported.file.open("rb"),
        as_attachment=True,
        filename=exported.filename,
        content_type="application/zip",
    )
