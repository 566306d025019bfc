"""The register import flow in the browser (upload → preview → confirm → progress).

Only users who may import the register (``can_import_enterprises``: officers and administrators)
reach these pages; everyone else gets 404, like anything out of scope. Jobs are looked up through
``import_job_get(actor=…)``, so another person's job is 404 too. Uploaded files and rejects files
live in the private storage (``core.files``, outside MEDIA_ROOT, no URL) and are only ever served
by ``import_rejects_view`` after that lookup.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can_import_enterprises
from core.files import attachment_response, serve_private
from core.tabular import CONTENT_TYPES
from diagnosis.forms.imports import ImportUploadForm
from diagnosis.models import ImportJob
from diagnosis.selectors.imports import import_job_get
from diagnosis.services.imports import (
    ACTIVE,
    CANCELLABLE,
    import_job_cancel,
    import_job_confirm,
    import_job_create,
)
from diagnosis.services.register import COLUMNS, rejects_filename, template_bytes


def importer_required(view):
    """Signed in, and allowed to import; otherwise 404 (no hint that the page exists)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_import_enterprises(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@importer_required
@require_http_methods(["GET", "POST"])
def import_upload_view(request):
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_bound and form.is_valid():
        try:
            job = import_job_create(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("diagnosis:import_job", pk=job.pk)
    status = 400 if form.is_bound else 200
    return render(request, "diagnosis/import_upload.html", {"form": form, "columns": COLUMNS}, status=status)


@importer_required
@require_GET
def import_help_view(request):
    return render(request, "diagnosis/import_help.html", {"columns": COLUMNS})


@importer_required
@require_GET
def import_template_view(request):
    file_format = request.GET.get("format", "xlsx")
    if file_format not in CONTENT_TYPES:
        raise Http404
    return attachment_response(
        template_bytes(file_format), f"企业名录导入模板.{file_format}", CONTENT_TYPES[file_format]
    )


@importer_required
@require_GET
def import_jobs_view(request):
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "diagnosis/import_jobs.html", {"page": page})


def _status_payload(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.state,
        "status_display": job.get_state_display(),
        "active": job.state in ACTIVE,
        "processed_rows": job.processed_rows,
        "total_rows": job.total_rows,
        "percent": job.progress_percent,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
        "message": job.message,
        "url": reverse("diagnosis:import_job", args=[job.pk]),
    }


@importer_required
@require_GET
def import_job_view(request, pk: int):
    job = import_job_get(actor=request.user, pk=pk)
    context = {
        "job": job,
        "active": job.state in ACTIVE,
        "can_confirm": job.state == ImportJob.State.PREVIEWED and (job.created_count or job.updated_count),
        "can_cancel": job.state in CANCELLABLE,
        "is_preview": job.state in (ImportJob.State.PREVIEWED, ImportJob.State.PENDING_IMPORT),
    }
    return render(request, "diagnosis/import_job.html", context)


@importer_required
@require_GET
def import_job_status_view(request, pk: int):
    job = import_job_get(actor=request.user, pk=pk)
    return JsonResponse(_status_payload(job))


@importer_required
@require_POST
def import_confirm_view(request, pk: int):
    job = import_job_get(actor=request.user, pk=pk)
    try:
        import_job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已确认，正在导入。"))
    return redirect("diagnosis:import_job", pk=job.pk)


@importer_required
@require_POST
def import_cancel_view(request, pk: int):
    job = import_job_get(actor=request.user, pk=pk)
    try:
        import_job_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("导入任务已取消，数据未做任何修改。"))
    return redirect("diagnosis:import_job", pk=job.pk)


@importer_required
@require_GET
def import_rejects_view(request, pk: int):
    job = import_job_get(actor=request.user, pk=pk)
    return serve_private(
        request, job.rejects_file, rejects_filename(job.original_name, job.file_format or "csv")
    )
