"""Report pages: download a version (scope-checked), request one, its live state, and the public
verification page (no sign-in; says which enterprise, report number and date, and whether a newer
version exists — nothing else)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from accounts.permissions import is_officer
from accounts.scope import region_in_scope
from core.files import serve_private
from core.zipstream import zip_stream
from diagnosis.models import DiagnosisReport
from diagnosis.selectors.diagnoses import diagnosis_get
from diagnosis.selectors.reports import (
    batch_files,
    batch_progress,
    newer_version_exists,
    report_batch_get,
    report_batches,
    report_by_code,
    report_list,
    report_state,
)
from diagnosis.services.reports import (
    report_batch_cancel,
    report_batch_start,
    report_filename,
    report_request,
)
from regions.models import Region

Status = DiagnosisReport.Status


def _reader_language(request) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang") or get_language() or ""
    return DiagnosisReport.Language.ENGLISH if wanted.startswith("en") else DiagnosisReport.Language.CHINESE


@login_required
def report_download_view(request, pk: int):
    """The newest finished version of the diagnosis' report in the reader's language (``?lang=en``
    for English); none yet → back to the diagnosis, where the state shows."""
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    language = _reader_language(request)
    report = (
        report_list(actor=request.user, diagnosis=diagnosis)
        .filter(language=language, status=Status.DONE)
        .first()
    )
    if report is None:
        if diagnosis.issued:
            try:
                report_request(diagnosis=diagnosis, language=language, actor=request.user)
            except ValidationError:
                pass
            messages.info(request, _("诊断书正在生成，请稍候刷新本页下载。"))
        else:
            messages.error(request, _("诊断出具后才有诊断书。"))
        return redirect("diagnosis:diagnosis_detail", pk=diagnosis.pk)
    return serve_private(request, report.file, report_filename(report))


@login_required
def report_version_view(request, pk: int, report_id: int):
    """One version of the report (any finished one the reader may see)."""
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    report = (
        report_list(actor=request.user, diagnosis=diagnosis).filter(pk=report_id, status=Status.DONE).first()
    )
    if report is None:
        raise Http404
    return serve_private(request, report.file, report_filename(report))


@login_required
@require_POST
def report_generate_view(request, pk: int):
    """Ask for the report in a language (reuses the version with the same data, else makes one)."""
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    try:
        report = report_request(diagnosis=diagnosis, language=_reader_language(request), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if report.status == Status.DONE:
            messages.success(request, _("诊断书内容没有变化，沿用第 %(v)d 版。") % {"v": report.version})
        else:
            messages.success(request, _("已开始生成诊断书第 %(v)d 版。") % {"v": report.version})
    return redirect("diagnosis:diagnosis_detail", pk=diagnosis.pk)


@login_required
def report_status_view(request, pk: int):
    """The report's state as JSON, for the diagnosis page's live status."""
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    state = report_state(diagnosis, report_list(actor=request.user, diagnosis=diagnosis))
    return JsonResponse(
        {
            "busy": state["busy"],
            "versions": [
                {
                    "id": r.pk,
                    "language": r.language,
                    "version": r.version,
                    "status": r.status,
                    "status_label": str(r.get_status_display()),
                    "pages": r.pages,
                }
                for r in state["versions"]
            ],
        }  # fmt: skip
    )


def report_verify_view(request):
    """Public: check a verification code. Shows the enterprise, report number, date and whether a
    newer version exists; an unknown code says so. No sign-in, nothing else disclosed."""
    code = (request.GET.get("code") or "").strip()[:40]
    report = report_by_code(code) if code else None
    context = {"code": code, "checked": bool(code), "report": report}
    if report is not None:
        context["newer"] = newer_version_exists(report)
    return render(request, "diagnosis/report_verify.html", context, status=200 if report or not code else 404)


# --- batches (officers) -------------------------------------------------------------------------


def _officer_only(request):
    if not is_officer(request.user):
        raise Http404


class BatchForm(forms.Form):
    region = forms.ModelChoiceField(label=_l("地区"), queryset=Region.objects.none())
    language = forms.ChoiceField(label=_l("语言"), choices=DiagnosisReport.Language.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            pk__in=[r.pk for r in Region.objects.all() if region_in_scope(user, r)]
        ).in_customary_order()


@login_required
def report_batch_list_view(request):
    """Officers: their batches and a form to start one for their region or a region below."""
    _officer_only(request)
    form = BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = report_batch_start(
                actor=request.user, region=form.cleaned_data["region"], language=form.cleaned_data["language"]
            )
        except PermissionDenied as exc:
            form.add_error("region", str(exc))
        else:
            messages.success(request, _("已开始批量生成，共 %(n)d 份诊断书。") % {"n": batch.total})
            return redirect("diagnosis:report_batch", pk=batch.pk)
    batches = list(report_batches(actor=request.user)[:50])
    rows = [(b, batch_progress(b)) for b in batches]
    return render(
        request,
        "diagnosis/report_batches.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@login_required
def report_batch_view(request, pk: int):
    _officer_only(request)
    batch = report_batch_get(actor=request.user, pk=pk)
    failures = DiagnosisReport.objects.filter(batch_items__batch=batch, status=Status.FAILED).select_related(
        "diagnosis__enterprise"
    )[:50]
    return render(
        request,
        "diagnosis/report_batch.html",
        {"batch": batch, "progress": batch_progress(batch), "failures": failures},
    )


@login_required
def report_batch_status_view(request, pk: int):
    _officer_only(request)
    batch = report_batch_get(actor=request.user, pk=pk)
    progress = batch_progress(batch)
    return JsonResponse({"status": batch.status, "busy": not progress["finished"], **progress})


@login_required
@require_POST
def report_batch_cancel_view(request, pk: int):
    _officer_only(request)
    batch = report_batch_get(actor=request.user, pk=pk)
    cancelled = report_batch_cancel(actor=request.user, batch=batch)
    messages.success(request, _("已取消，%(n)d 份未生成的诊断书不再生成。") % {"n": cancelled})
    return redirect("diagnosis:report_batch", pk=batch.pk)


@login_required
def report_batch_zip_view(request, pk: int):
    """The batch's finished reports as one zip, streamed as it is written."""
    _officer_only(request)
    batch = report_batch_get(actor=request.user, pk=pk)
    entries = ((report_filename(r), (lambda r=r: r.file.open("rb"))) for r in batch_files(batch).iterator())
    response = StreamingHttpResponse(zip_stream(entries), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"诊断书-{batch.region.name}-{timezone.localdate(batch.created_at):%Y%m%d}.zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
