"""Pages of the enterprise portal, and the officers' and commissioners' side of it.

Contract:
- ``portal/…`` pages are the enterprise user's own (anyone else: 404, no hint they exist): the
  overview, the self-assessment questionnaire, proposing a contact correction, a new request.
- ``self-assessments/<id>/``: a self-assessment the user may see (the enterprise, officers in
  scope and engaged staff: submitted ones); out of scope is 404.
- ``corrections/`` lists contact corrections for officers (others: 404); accept and reject are
  POSTs (403 with the reason for a user who sees the proposal but may not decide it).
- ``requests/`` lists the requests the user sees; ``requests/<id>/`` shows one with its reply
  form; ``requests/<id>/reply/`` answers it.
- ``diagnoses/<id>/comments/`` shows the comments on a diagnosis the user sees and takes the
  enterprise's new ones; ``…/comments/<cid>/reply/`` the diagnosing staff's and officers' replies.
- Reads go through ``diagnosis.selectors.portal``, writes through ``diagnosis.services.portal``.
  Refused input comes back on the page (status 400) with everything typed still in the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_enterprise_user, is_officer
from diagnosis.forms.diagnoses import Questionnaire
from diagnosis.forms.portal import (
    CommentForm,
    CommentReplyForm,
    CorrectionForm,
    RejectForm,
    ReplyForm,
    RequestForm,
    questionnaire_of,
)
from diagnosis.models import ContactCorrection, EnterpriseRequest
from diagnosis.permissions import (
    can_comment_diagnosis,
    can_decide_correction,
    can_reply_comment,
    can_reply_request,
)
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.selectors.diagnoses import diagnosis_get
from diagnosis.selectors.enterprises import own_enterprise
from diagnosis.selectors.portal import (
    comment_get,
    comment_threads,
    correction_get,
    correction_list,
    correction_rows,
    portal_overview,
    request_get,
    request_list,
    self_assessment_draft,
    self_assessment_get,
    self_assessment_latest,
)
from diagnosis.services import portal as services

PAGE_SIZE = 25


def _own(request):
    """The enterprise of the signed-in enterprise user; 404 for anyone else."""
    if not is_enterprise_user(request.user):
        raise Http404
    enterprise = own_enterprise(actor=request.user)
    if enterprise is None:
        raise Http404
    return enterprise


@login_required
def portal_view(request):
    """The enterprise's portal: archive, commissioner, requests, self-assessment, diagnoses."""
    enterprise = _own(request)
    overview = portal_overview(actor=request.user, enterprise=enterprise)
    corrections = [(c, correction_rows(c)) for c in overview.pop("corrections")]
    from diagnosis.models import ServiceVoucher
    from diagnosis.selectors.projects import project_list

    return render(
        request,
        "diagnosis/portal.html",
        {
            "enterprise": enterprise,
            "corrections": corrections,
            **overview,
            "projects": list(project_list(actor=request.user).filter(enterprise=enterprise)[:20]),
            "vouchers": list(
                ServiceVoucher.objects.visible_to(request.user).filter(enterprise=enterprise)[:20]
            ),
        },
    )


def _assessment_page(request, enterprise, *, questionnaire, errors, general, assessment, status=200):
    spec = questionnaire.spec
    return render(
        request,
        "diagnosis/self_assessment_form.html",
        {
            "enterprise": enterprise,
            "assessment": assessment,
            "spec": spec,
            "sections": questionnaire.sections(errors),
            "scenarios": questionnaire.scenario_rows(errors),
            "general_errors": general,
            "has_errors": bool(errors or general),
            "missing": services.self_assessment_missing(assessment) if assessment and status == 200 else [],
            "stamp": assessment.stamp if assessment else "",
        },
        status=status,
    )


@login_required
def self_assessment_edit_view(request):
    """The enterprise fills its self-assessment: "保存" saves the draft, "保存并提交" submits it.

    A new draft starts from the last submitted one."""
    enterprise = _own(request)
    draft = self_assessment_draft(actor=request.user, enterprise=enterprise)
    latest = self_assessment_latest(actor=request.user, enterprise=enterprise)
    model = draft.model if draft else (latest.model if latest else default_model())
    if model is None:
        messages.error(request, _("尚未载入评测模型，暂时无法自评。请联系所在地工信部门。"))
        return redirect("diagnosis:portal")
    spec = model_spec(model)
    if request.method != "POST":
        return _assessment_page(
            request,
            enterprise,
            questionnaire=questionnaire_of(spec, draft or latest),
            errors={},
            general=[],
            assessment=draft,
        )
    questionnaire = Questionnaire.from_post(spec, request.POST)
    try:
        saved = services.self_assessment_save(
            actor=request.user,
            enterprise=enterprise,
            answers=questionnaire.answers,
            figures=questionnaire.figures,
            scenarios=questionnaire.scenarios,
            stamp=request.POST.get("stamp", ""),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        general = [] if errors else list(exc.messages)
        return _assessment_page(
            request,
            enterprise,
            questionnaire=questionnaire,
            errors=errors,
            general=general,
            assessment=draft,
            status=400,
        )
    if "submit" in request.POST:
        try:
            services.self_assessment_submit(actor=request.user, assessment=saved)
        except ValidationError as exc:
            messages.warning(request, _("已保存，但还不能提交："))
            for text in exc.messages[:40]:
                messages.warning(request, text)
            return redirect("diagnosis:portal_self_assessment")
        messages.success(request, _("自评已提交。诊断机构开展诊断时将以此为起点。"))
        return redirect("diagnosis:self_assessment_detail", pk=saved.pk)
    messages.success(request, _("自评已保存。"))
    return redirect("diagnosis:portal_self_assessment")


@login_required
def self_assessment_detail_view(request, pk: int):
    """A self-assessment's result (marked as self-assessed, not an official result) and answers."""
    assessment = self_assessment_get(actor=request.user, pk=pk)
    spec = model_spec(assessment.model)
    scores = assessment.dimension_scores()
    dimensions = [(d, scores.get(d.code)) for d in spec.dimensions]
    answers = []
    for question in spec.questions.values():
        keys = (assessment.answers or {}).get(question.code, [])
        answers.append((question, [question.option(k).text for k in keys if question.option(k)]))
    scenarios = [(s, (assessment.scenarios or {}).get(s.code)) for s in spec.scenarios]
    return render(
        request,
        "diagnosis/self_assessment_detail.html",
        {
            "assessment": assessment,
            "spec": spec,
            "level_name": spec.level_name(assessment.level) if assessment.level else "",
            "dimensions": dimensions,
            "answers": answers,
            "scenarios": scenarios,
            "is_own": is_enterprise_user(request.user),
        },
    )


@login_required
def correction_propose_view(request):
    """The enterprise proposes new contact data for its archive, with a note."""
    enterprise = _own(request)
    form = CorrectionForm(request.POST or None, enterprise=enterprise)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.contact_correction_propose(
                    actor=request.user,
                    enterprise=enterprise,
                    values=form.values(),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("更正申请已提交，所在地工信部门核实后更新档案。"))
                return redirect("diagnosis:portal")
        status = 400
    return render(
        request, "diagnosis/correction_form.html", {"enterprise": enterprise, "form": form}, status=status
    )


@login_required
def correction_list_view(request):
    """Officers: the contact corrections of their region, pending first by default."""
    if not is_officer(request.user):
        raise Http404
    status = request.GET.get("status", ContactCorrection.Status.PENDING)
    status = status if status in ContactCorrection.Status.values or status == "all" else ""
    rows = correction_list(actor=request.user, status=None if status == "all" else status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnosis/correction_list.html",
        {
            "page": page,
            "items": [(c, correction_rows(c), can_decide_correction(request.user, c)) for c in page],
            "status": status,
            "statuses": ContactCorrection.Status.choices,
            "reject_form": RejectForm(),
        },
    )


def _decide(request, pk: int, run, done: str):
    correction = correction_get(actor=request.user, pk=pk)
    try:
        run(correction)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("diagnosis:correction_list")


@login_required
@require_POST
def correction_accept_view(request, pk: int):
    return _decide(
        request,
        pk,
        lambda c: services.contact_correction_accept(actor=request.user, correction=c),
        _("已采纳，档案已更新（变更记录中可查）。"),
    )


@login_required
@require_POST
def correction_reject_view(request, pk: int):
    reason = request.POST.get("reason", "")
    return _decide(
        request,
        pk,
        lambda c: services.contact_correction_reject(actor=request.user, correction=c, reason=reason),
        _("已答复企业：不予采纳。"),
    )


@login_required
def request_create_view(request):
    """The enterprise states a need or requests a diagnosis."""
    enterprise = _own(request)
    form = RequestForm(request.POST or None, initial={"kind": request.GET.get("kind", "need")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enterprise_request_create(
                    actor=request.user,
                    enterprise=enterprise,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    need_tag_ids=[t.pk for t in form.cleaned_data["need_tags"]],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("已提交，对接数字专员或工信部门答复后会显示在这里。"))
                return redirect("diagnosis:portal")
        status = 400
    return render(
        request, "diagnosis/request_form.html", {"enterprise": enterprise, "form": form}, status=status
    )


@login_required
def request_list_view(request):
    """The requests the user sees (officers: their region's; commissioners: their enterprises')."""
    status = request.GET.get("status") or ""
    status = status if status in EnterpriseRequest.Status.values else ""
    page = Paginator(request_list(actor=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "diagnosis/request_list.html",
        {"page": page, "status": status, "statuses": EnterpriseRequest.Status.choices},
    )


@login_required
def request_detail_view(request, pk: int):
    item = request_get(actor=request.user, pk=pk)
    return _request_page(request, item, ReplyForm())


def _request_page(request, item, form, status=200):
    return render(
        request,
        "diagnosis/request_detail.html",
        {
            "item": item,
            "form": form,
            "can_reply": can_reply_request(request.user, item)
            and item.status != EnterpriseRequest.Status.CLOSED,
        },
        status=status,
    )


@login_required
@require_POST
def request_reply_view(request, pk: int):
    item = request_get(actor=request.user, pk=pk)
    if not can_reply_request(request.user, item):
        raise PermissionDenied(_("只有企业的对接数字专员或所在地工信部门可以答复。"))
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_request_reply(
                actor=request.user,
                request=item,
                reply=form.cleaned_data["reply"],
                close=form.cleaned_data["close"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已答复。"))
            return redirect("diagnosis:request_detail", pk=item.pk)
    return _request_page(request, item, form, status=400)


def _comments_page(request, diagnosis, form=None, reply_form=None, status=200):
    choices = services.comment_about_choices(diagnosis)
    can_comment = can_comment_diagnosis(request.user, diagnosis) and diagnosis.issued
    return render(
        request,
        "diagnosis/diagnosis_comments.html",
        {
            "diagnosis": diagnosis,
            "threads": comment_threads(actor=request.user, diagnosis=diagnosis),
            "labels": dict(choices),
            "form": form or (CommentForm(choices=choices) if can_comment else None),
            "reply_form": reply_form or CommentReplyForm(),
            "can_comment": can_comment,
            "can_reply": can_reply_comment(request.user, diagnosis),
        },
        status=status,
    )


@login_required
def diagnosis_comments_view(request, pk: int):
    """The comments on a diagnosis' findings, and (POST) the enterprise's new comment."""
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    if request.method != "POST":
        return _comments_page(request, diagnosis)
    if not can_comment_diagnosis(request.user, diagnosis):
        raise PermissionDenied(_("只有被诊断企业的用户可以对诊断结论发表意见。"))
    form = CommentForm(request.POST, choices=services.comment_about_choices(diagnosis))
    if form.is_valid():
        try:
            services.diagnosis_comment_add(
                actor=request.user,
                diagnosis=diagnosis,
                text=form.cleaned_data["text"],
                about=form.cleaned_data["about"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("意见已提交，诊断机构将答复。"))
            return redirect("diagnosis:diagnosis_comments", pk=diagnosis.pk)
    return _comments_page(request, diagnosis, form=form, status=400)


@login_required
@require_POST
def diagnosis_comment_reply_view(request, pk: int, comment_id: int):
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    comment = comment_get(actor=request.user, pk=comment_id)
    if comment.diagnosis_id != diagnosis.pk:
        raise Http404
    if not can_reply_comment(request.user, diagnosis):
        raise PermissionDenied(_("只有开展诊断的机构人员或所在地工信部门可以答复企业意见。"))
    form = CommentReplyForm(request.POST)
    if form.is_valid():
        try:
            services.diagnosis_comment_reply(
                actor=request.user, comment=comment, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已答复。"))
            return redirect("diagnosis:diagnosis_comments", pk=diagnosis.pk)
    return _comments_page(request, diagnosis, reply_form=form, status=400)
