"""Diagnosis pages: the list, a diagnosis' result, the questionnaire, and each review step.

Contract:
- Reads go through ``diagnosis.selectors.diagnoses`` with ``request.user``: a diagnosis outside
  the user's scope answers 404 (drafts are the diagnosing organisation's; the enterprise and its
  commissioner see issued diagnoses only).
- Writes go through ``diagnosis.services.diagnoses``. A step the user may not take answers 403
  with the reason; a step from the wrong state, or refused input, comes back to the page with the
  message, and the questionnaire keeps everything the person typed (a save refused because
  someone else saved meanwhile included).
- Every step is a POST answered by a redirect (303-style 302) to the diagnosis' page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnosis.forms.diagnoses import CorrectForm, DetailsForm, DisputeForm, Questionnaire, ReturnForm
from diagnosis.models import Diagnosis, DiagnosisEvent
from diagnosis.permissions import (
    can_acknowledge_diagnosis,
    can_correct_diagnosis,
    can_fill_diagnosis,
    can_review_diagnosis,
    can_start_diagnosis,
    sees_review_history,
)
from diagnosis.selectors.assessment import model_spec
from diagnosis.selectors.benchmark import MIN_GROUP, peer_benchmark
from diagnosis.selectors.diagnoses import (
    diagnosis_get,
    diagnosis_in_progress,
    diagnosis_list,
    diagnosis_report,
)
from diagnosis.selectors.enterprises import enterprise_get
from diagnosis.services import diagnoses as services

PAGE_SIZE = 25


def _prefill_event(diagnosis: Diagnosis) -> DiagnosisEvent | None:
    """The note that the answers were prefilled (from the enterprise's self-assessment), if so."""
    return DiagnosisEvent.objects.filter(diagnosis=diagnosis, action=DiagnosisEvent.Action.PREFILL).first()


@login_required
def diagnosis_list_view(request):
    """The diagnoses the user may see, newest first, filtered by status."""
    status = request.GET.get("status") or ""
    status = status if status in Diagnosis.Status.values else ""  # the select shows what applies
    page = Paginator(diagnosis_list(actor=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "diagnosis/diagnosis_list.html",
        {"page": page, "status": status, "statuses": Diagnosis.Status.choices},
    )


@login_required
def diagnosis_detail_view(request, pk: int):
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    user = request.user
    report = diagnosis_report(actor=user, diagnosis=diagnosis)
    reviewable = can_review_diagnosis(user, diagnosis)
    superseded = Diagnosis.objects.filter(supersedes=diagnosis).first()
    open_for_enterprise = diagnosis.status == Diagnosis.Status.ISSUED and superseded is None
    benchmark = peer_benchmark(diagnosis) if diagnosis.issued else []
    context = {
        "diagnosis": diagnosis,
        **report,
        "benchmark": benchmark,
        "min_group": MIN_GROUP,
        "can_fill": can_fill_diagnosis(user, diagnosis),
        "can_return": reviewable and diagnosis.status in Diagnosis.IN_REVIEW,
        "can_approve": reviewable and diagnosis.status in Diagnosis.IN_REVIEW,
        "can_issue": reviewable and diagnosis.status == Diagnosis.Status.APPROVED,
        "can_acknowledge": can_acknowledge_diagnosis(user, diagnosis) and open_for_enterprise,
        "can_correct": can_correct_diagnosis(user, diagnosis) and superseded is None,
        "superseded_by": superseded
        if superseded and Diagnosis.objects.visible_to(user).filter(pk=superseded.pk).exists()
        else None,
        "return_form": ReturnForm(),
        "dispute_form": DisputeForm(),
        "correct_form": CorrectForm(),
        "show_review_history": sees_review_history(user),
        "prefill_event": _prefill_event(diagnosis) if sees_review_history(user) else None,
    }
    return render(request, "diagnosis/diagnosis_detail.html", context)


@login_required
@require_POST
def diagnosis_start_view(request, pk: int):
    """Start a diagnosis of enterprise ``pk`` (or continue the one in progress)."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    if not can_start_diagnosis(request.user, enterprise):
        raise PermissionDenied(_("只有与该企业建立了服务对接的诊所或服务商人员可以开展诊断。"))
    try:
        diagnosis = services.diagnosis_start(actor=request.user, enterprise=enterprise)
    except ValidationError as exc:
        current = diagnosis_in_progress(enterprise=enterprise, organisation_id=request.user.organisation_id)
        for text in exc.messages:
            messages.info(request, text)
        if current is not None:
            return redirect("diagnosis:diagnosis_detail", pk=current.pk)
        return redirect("diagnosis:enterprise_detail", pk=enterprise.pk)
    messages.success(request, _("已建立诊断 %(number)s，请填写诊断内容。") % {"number": diagnosis.number})
    return redirect("diagnosis:diagnosis_edit", pk=diagnosis.pk)


@login_required
def diagnosis_edit_view(request, pk: int):
    """The questionnaire: details, every question by dimension, the scenario levels.

    "保存" saves; "保存并提交" saves and submits. A refused save shows what was typed."""
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    if not can_fill_diagnosis(request.user, diagnosis):
        if diagnosis.editable:
            raise PermissionDenied(_("只有开展诊断的机构人员可以填写诊断。"))
        raise PermissionDenied(
            _("该诊断当前为“%(status)s”，不能修改。") % {"status": diagnosis.get_status_display()}
        )
    spec = model_spec(diagnosis.model)
    errors: dict = {}
    general: list[str] = []
    revision = diagnosis.revision
    if request.method == "POST":
        details = DetailsForm(request.POST, instance=diagnosis)
        questionnaire = Questionnaire.from_post(spec, request.POST)
        try:
            revision = int(request.POST.get("revision", "-1"))
        except ValueError:
            revision = -1
        if details.is_valid():
            try:
                saved = services.diagnosis_save(
                    actor=request.user,
                    diagnosis=diagnosis,
                    revision=revision,
                    answers=questionnaire.answers,
                    figures=questionnaire.figures,
                    scenarios=questionnaire.scenarios,
                    details={name: details.cleaned_data.get(name) for name in details.fields},
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for key, texts in exc.message_dict.items():
                        if key in details.fields:
                            details.add_error(key, texts)
                        else:
                            errors[key] = texts
                else:
                    general = list(exc.messages)
            else:
                if "submit" in request.POST:
                    try:
                        services.diagnosis_submit(actor=request.user, diagnosis=saved)
                    except ValidationError as exc:
                        messages.warning(request, _("已保存，但还不能提交："))
                        for text in exc.messages[:40]:
                            messages.warning(request, text)
                        return redirect("diagnosis:diagnosis_edit", pk=saved.pk)
                    messages.success(request, _("已提交审核。"))
                    return redirect("diagnosis:diagnosis_detail", pk=saved.pk)
                messages.success(request, _("已保存（修订号 %(n)d）。") % {"n": saved.revision})
                return redirect("diagnosis:diagnosis_edit", pk=saved.pk)
        else:  # say what is wrong with the answers too, not only with the details
            try:
                services.clean_answers(
                    spec, questionnaire.answers, questionnaire.figures, questionnaire.scenarios
                )
            except ValidationError as exc:
                errors = exc.message_dict
        diagnosis.refresh_from_db()  # the form wrote typed values onto the instance while validating
    else:
        details = DetailsForm(instance=diagnosis)
        questionnaire = Questionnaire.from_diagnosis(spec, diagnosis)
    last_return = (
        DiagnosisEvent.objects.filter(diagnosis=diagnosis, action=DiagnosisEvent.Action.RETURN)
        .order_by("-at", "-id")
        .first()
    )
    comments = last_return.question_comments if last_return else {}
    status = 200 if request.method == "GET" else 400
    return render(
        request,
        "diagnosis/diagnosis_form.html",
        {
            "diagnosis": diagnosis,
            "details": details,
            "sections": questionnaire.sections(errors, comments),
            "scenarios": questionnaire.scenario_rows(errors),
            "revision": revision,
            "general_errors": general,
            "has_errors": bool(errors or general or details.errors),
            "last_return": last_return,
            "prefill_event": _prefill_event(diagnosis),
            "missing": services.missing_for_submit(diagnosis) if request.method == "GET" else [],
        },
        status=status,
    )


def _step(request, pk: int, run, done: str):
    """Run one review step on diagnosis ``pk`` and go back to its page with the outcome."""
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    try:
        run(diagnosis)
    except ValidationError as exc:
        for text in exc.messages[:40]:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("diagnosis:diagnosis_detail", pk=diagnosis.pk)


@login_required
@require_POST
def diagnosis_submit_view(request, pk: int):
    return _step(
        request, pk, lambda d: services.diagnosis_submit(actor=request.user, diagnosis=d), _("已提交审核。")
    )


@login_required
@require_POST
def diagnosis_return_view(request, pk: int):
    form = ReturnForm(request.POST)
    comment = form.data.get("comment", "")[:2000]
    question_comments = {
        key[2:]: value[:1000] for key, value in request.POST.items() if key.startswith("c-") and value.strip()
    }
    return _step(
        request,
        pk,
        lambda d: services.diagnosis_return(
            actor=request.user, diagnosis=d, comment=comment, question_comments=question_comments
        ),
        _("已退回诊断机构修改。"),
    )


@login_required
@require_POST
def diagnosis_approve_view(request, pk: int):
    return _step(
        request,
        pk,
        lambda d: services.diagnosis_approve(
            actor=request.user, diagnosis=d, comment=request.POST.get("comment", "")[:2000]
        ),
        _("已审核通过，可以出具。"),
    )


@login_required
@require_POST
def diagnosis_issue_view(request, pk: int):
    return _step(
        request,
        pk,
        lambda d: services.diagnosis_issue(actor=request.user, diagnosis=d),
        _("已出具，企业可以查看并确认。"),
    )


@login_required
@require_POST
def diagnosis_confirm_view(request, pk: int):
    return _step(
        request,
        pk,
        lambda d: services.diagnosis_confirm(
            actor=request.user, diagnosis=d, comment=request.POST.get("comment", "")[:2000]
        ),
        _("已确认诊断结果。"),
    )


@login_required
@require_POST
def diagnosis_dispute_view(request, pk: int):
    return _step(
        request,
        pk,
        lambda d: services.diagnosis_dispute(
            actor=request.user, diagnosis=d, reasons=request.POST.get("reasons", "")[:2000]
        ),
        _("已提出异议，诊断机构将核实更正。"),
    )


@login_required
@require_POST
def diagnosis_correct_view(request, pk: int):
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    try:
        correction = services.diagnosis_correct(
            actor=request.user, diagnosis=diagnosis, reason=request.POST.get("reason", "")[:2000]
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("diagnosis:diagnosis_detail", pk=diagnosis.pk)
    messages.success(request, _("已建立更正版本 %(number)s，原诊断保留。") % {"number": correction.number})
    return redirect("diagnosis:diagnosis_edit", pk=correction.pk)
