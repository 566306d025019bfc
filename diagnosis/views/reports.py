"""Report pages: download a version (scope-checked), request one, its live state, and the public
verification page (no sign-in; says which enterprise, report number and date, and whether a newer
version exists — nothing else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import serve_private
from diagnosis.models import DiagnosisReport
from diagnosis.selectors.diagnoses import diagnosis_get
from diagnosis.selectors.reports import newer_version_exists, report_by_code, report_list, report_state
from diagnosis.services.reports import report_filename, report_request

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
