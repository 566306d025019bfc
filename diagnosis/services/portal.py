"""Writes of the enterprise portal: self-assessments, contact corrections, requests, comments.

Contract (models: ``diagnosis.models.portal``):
- Who may do each step is ``diagnosis.permissions``: ``PermissionDenied`` with a reason otherwise;
  a step from the wrong state is a ``ValidationError`` (code ``state``) saying what state it is
  in; refused input is a ``ValidationError`` keyed by field, in the person's language. The caller
  has fetched the row through ``visible_to(actor)`` (out of scope is the selectors' 404).
- Free text is stripped and at most ``TEXT_MAX`` characters (longer is refused, not cut).
- ``self_assessment_save`` writes the enterprise's one draft (made when there is none), its
  answers checked with ``diagnosis.services.diagnoses.clean_answers`` against the model version
  and scored with ``diagnosis.scoring.score`` (exact decimals). ``self_assessment_submit`` needs
  every question answered and every scenario rated. A new draft starts from the last submitted one.
- ``self_assessment_prefill`` is registered with ``diagnoses.on_start``: a diagnosis
  started on the model version of the enterprise's latest submitted self-assessment starts from
  its answers, and its events say so.
- ``contact_correction_accept`` applies the proposed values through
  ``diagnosis.services.enterprises.enterprise_update`` (history source ``correction``, the
  officer as actor); ``contact_correction_reject`` needs a reason.
- ``enterprise_request_reply``: open → answered, or → closed (``close``); closed ones are final.
- ``diagnosis_comment_add``: the enterprise on an issued (confirmed, disputed) diagnosis, with an
  optional ``about`` from ``comment_about_choices``; ``diagnosis_comment_reply``: the diagnosing
  organisation's staff and officers in scope, to a comment of the enterprise.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from diagnosis.models import (
    CONTACT_FIELDS,
    ContactCorrection,
    Diagnosis,
    DiagnosisComment,
    Enterprise,
    EnterpriseChange,
    EnterpriseRequest,
    NeedTag,
    SelfAssessment,
)
from diagnosis.models.portal import TEXT_MAX
from diagnosis.permissions import (
    can_comment_diagnosis,
    can_decide_correction,
    can_fill_self_assessment,
    can_reply_comment,
    can_reply_request,
)
from diagnosis.scoring import decimal_text, score
from diagnosis.selectors.assessment import model_spec
from diagnosis.services import diagnoses
from diagnosis.services.enterprises import enterprise_update

SA = SelfAssessment.Status


def _text(value, field: str, *, required: str | None = None) -> str:
    """``value`` stripped; a ``ValidationError`` on ``field`` when too long (or empty and required)."""
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {field: _("最多 %(max)d 个字，您写了 %(n)d 个字。") % {"max": TEXT_MAX, "n": len(text)}}
        )
    if required and not text:
        raise ValidationError({field: required})
    return text


def _wrong_state(obj, wanted: str) -> ValidationError:
    return ValidationError(
        _("当前为“%(status)s”，不能%(action)s。") % {"status": obj.get_status_display(), "action": wanted},
        code="state",
    )


# --- self-assessment ----------------------------------------------------------------------------


def _scored(assessment: SelfAssessment, keys: dict, figures: dict, levels: dict) -> None:
    spec = model_spec(assessment.model)
    result = score(spec, keys, {code: level for code, level in levels.items() if level})
    assessment.answers = keys
    assessment.figures = {
        q: {k: str(v) for k, v in values.items()} for q, values in figures.items() if values
    }
    assessment.scenarios = levels
    assessment.total_score = result.total
    assessment.level = result.level
    assessment.dimensions = {code: decimal_text(v) for code, v in result.dimensions.items()}


@transaction.atomic
def self_assessment_save(
    *,
    actor,
    enterprise: Enterprise,
    answers: dict,
    figures: dict | None = None,
    scenarios: dict | None = None,
    stamp: str | None = None,
) -> SelfAssessment:
    """Save the questionnaire into the enterprise's draft self-assessment (made when there is
    none, on the default model); every problem at once, keyed by question or scenario code.

    ``stamp``: what the form was opened on — the draft's ``stamp``, or ``""`` for no draft. When
    given and the draft has changed since (another of the enterprise's users saved or submitted
    it, or started one), the save is refused (code ``stale``) and nothing is written, so nobody's
    answers are silently overwritten. ``None`` (API callers that send no stamp) skips the check."""
    if not can_fill_self_assessment(actor, enterprise):
        raise PermissionDenied(_("只有企业自己的用户可以填写企业自评。"))
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # one draft at a time
    assessment = SelfAssessment.objects.filter(enterprise=enterprise, status=SA.DRAFT).first()
    if stamp is not None and stamp != (assessment.stamp if assessment else ""):
        raise ValidationError(
            _(
                "这份自评在您打开之后已被本企业其他用户保存或提交。您填写的内容仍在页面上，请核对最新内容后再保存。"
            ),
            code="stale",
        )
    if assessment is None:
        assessment = SelfAssessment(enterprise=enterprise, created_by=actor)
        if assessment.model_id is None:
            raise ValidationError(
                _("尚未载入评测模型，暂时无法自评。请联系所在地工信部门。"), code="no_model"
            )
    keys, clean_figures, levels = diagnoses.clean_answers(
        model_spec(assessment.model), answers or {}, figures or {}, scenarios or {}
    )
    _scored(assessment, keys, clean_figures, levels)
    if assessment.pk:
        assessment.revision += 1
    assessment.full_clean()
    assessment.save()
    return assessment


def self_assessment_missing(assessment: SelfAssessment) -> list[str]:
    """What still has to be filled before ``assessment`` can be submitted (empty when complete)."""
    spec = model_spec(assessment.model)
    answered = {code for code, keys in (assessment.answers or {}).items() if keys}
    return diagnoses.unanswered(spec, answered, set(assessment.scenarios or {}))


@transaction.atomic
def self_assessment_submit(*, actor, assessment: SelfAssessment) -> SelfAssessment:
    """Submit a complete draft: its score is the enterprise's self-assessed result from now on."""
    assessment = SelfAssessment.objects.select_for_update().select_related("model").get(pk=assessment.pk)
    if not can_fill_self_assessment(actor, assessment.enterprise):
        raise PermissionDenied(_("只有企业自己的用户可以提交企业自评。"))
    if assessment.status != SA.DRAFT:
        raise _wrong_state(assessment, _("提交"))
    missing = self_assessment_missing(assessment)
    if missing:
        raise ValidationError(missing, code="incomplete")
    assessment.status = SA.SUBMITTED
    assessment.submitted_by = actor
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    return assessment


def latest_submitted(enterprise: Enterprise, model_id: int | None = None) -> SelfAssessment | None:
    """The enterprise's latest submitted self-assessment (on ``model_id`` when given)."""
    qs = SelfAssessment.objects.filter(enterprise=enterprise, status=SA.SUBMITTED)
    if model_id is not None:
        qs = qs.filter(model_id=model_id)
    return qs.order_by("-submitted_at", "-id").first()


@diagnoses.on_start
def self_assessment_prefill(*, actor, diagnosis: Diagnosis) -> bool:
    """Start a new diagnosis from the enterprise's latest submitted self-assessment on the same
    model version, if there is one (see the module's contract)."""
    source = latest_submitted(diagnosis.enterprise, diagnosis.model_id)
    if source is None:
        return False
    note = _("答题已按企业 %(date)s 提交的自评预填（自评总分 %(score)s），请逐项核实。") % {
        "date": date_format(timezone.localtime(source.submitted_at), "Y-m-d"),
        "score": decimal_text(source.total_score) if source.total_score is not None else "—",
    }
    return diagnoses.diagnosis_prefill(
        actor=actor,
        diagnosis=diagnosis,
        answers=source.answers or {},
        figures=source.figures or {},
        scenarios=source.scenarios or {},
        note=note,
    )


# --- contact corrections ------------------------------------------------------------------------


def contact_values(enterprise: Enterprise) -> dict[str, str]:
    """The archive's current contact values (``CONTACT_FIELDS``)."""
    return {name: getattr(enterprise, name) or "" for name in CONTACT_FIELDS}


@transaction.atomic
def contact_correction_propose(
    *, actor, enterprise: Enterprise, values: dict, note: str = ""
) -> ContactCorrection:
    """Propose new values for some of ``CONTACT_FIELDS`` (only those that differ from the archive
    count; at least one must), checked like the archive's own fields."""
    if not can_fill_self_assessment(actor, enterprise):
        raise PermissionDenied(_("只有企业自己的用户可以申请更正联系信息。"))
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(
            _("只能更正这些联系信息：%(fields)s。")
            % {"fields": "、".join(str(Enterprise._meta.get_field(f).verbose_name) for f in CONTACT_FIELDS)}
        )
    current = contact_values(enterprise)
    errors: dict[str, list[str]] = {}
    changes: dict[str, list[str]] = {}
    for name, raw in values.items():
        value = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw).strip())
        try:
            value = Enterprise._meta.get_field(name).clean(value, enterprise)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
            continue
        if value != current[name]:
            changes[name] = [current[name], value]
    note = _text(note, "note")
    if errors:
        raise ValidationError(errors)
    if not changes:
        raise ValidationError(_("您填写的与档案中现有的联系信息相同，没有需要更正的内容。"), code="unchanged")
    correction = ContactCorrection(enterprise=enterprise, changes=changes, note=note, proposed_by=actor)
    correction.full_clean()
    correction.save()
    return correction


def _decidable(actor, correction: ContactCorrection, wanted: str) -> ContactCorrection:
    correction = (
        ContactCorrection.objects.select_for_update(of=("self",))
        .select_related("enterprise__county")
        .get(pk=correction.pk)
    )
    if not can_decide_correction(actor, correction):
        raise PermissionDenied(_("只有企业所在地的工信部门可以处理联系信息更正申请。"))
    if correction.status != ContactCorrection.Status.PENDING:
        raise _wrong_state(correction, wanted)
    return correction


@transaction.atomic
def contact_correction_accept(*, actor, correction: ContactCorrection) -> ContactCorrection:
    """Apply the proposed values to the archive (recorded in its history with the officer as
    actor) and mark the proposal accepted. Values changed on the archive since the proposal are
    still replaced: the officer saw the current value next to the proposed one."""
    correction = _decidable(actor, correction, _("采纳"))
    enterprise_update(
        actor=actor,
        enterprise=correction.enterprise,
        data={name: pair[1] for name, pair in correction.changes.items()},
        source=EnterpriseChange.Source.CORRECTION,
    )
    correction.status = ContactCorrection.Status.ACCEPTED
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "decided_by", "decided_at"])
    return correction


@transaction.atomic
def contact_correction_reject(*, actor, correction: ContactCorrection, reason: str) -> ContactCorrection:
    """Decline the proposal, telling the enterprise why (required)."""
    correction = _decidable(actor, correction, _("不予采纳"))
    correction.reason = _text(reason, "reason", required=_("请写明不予采纳的原因，企业将看到这条说明。"))
    correction.status = ContactCorrection.Status.REJECTED
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return correction


# --- requests -----------------------------------------------------------------------------------


@transaction.atomic
def enterprise_request_create(
    *, actor, enterprise: Enterprise, kind: str, text: str = "", need_tag_ids=()
) -> EnterpriseRequest:
    """State a need (need tags and/or text: at least one) or request a diagnosis (text optional)."""
    if not can_fill_self_assessment(actor, enterprise):
        raise PermissionDenied(_("只有企业自己的用户可以提出需求或申请诊断。"))
    if kind not in EnterpriseRequest.Kind.values:
        raise ValidationError({"kind": _("请选择“提出需求”或“申请诊断”。")})
    text = _text(text, "text")
    try:
        ids = {int(i) for i in need_tag_ids or ()}
    except (TypeError, ValueError) as exc:
        raise ValidationError({"need_tags": _("需求类型无效，请从列表中选择。")}) from exc
    tags = list(NeedTag.objects.filter(pk__in=ids, active=True))
    if len(tags) != len(ids):
        raise ValidationError({"need_tags": _("所选需求类型不存在或已停用，请重新选择。")})
    if kind == EnterpriseRequest.Kind.NEED and not (tags or text):
        raise ValidationError({"text": _("请选择需求类型或写明需求内容。")})
    request = EnterpriseRequest(enterprise=enterprise, kind=kind, text=text, created_by=actor)
    request.full_clean()
    request.save()
    request.need_tags.set(tags)
    return request


@transaction.atomic
def enterprise_request_reply(
    *, actor, request: EnterpriseRequest, reply: str, close: bool = False
) -> EnterpriseRequest:
    """Answer an open (or answered) request; ``close`` marks it done. Closed requests are final."""
    request = (
        EnterpriseRequest.objects.select_for_update(of=("self",))  # the commissioner join is outer
        .select_related("enterprise__county", "enterprise__commissioner")
        .get(pk=request.pk)
    )
    if not can_reply_request(actor, request):
        raise PermissionDenied(_("只有企业的对接数字专员或所在地工信部门可以答复。"))
    if request.status == EnterpriseRequest.Status.CLOSED:
        raise _wrong_state(request, _("答复"))
    request.reply = _text(reply, "reply", required=_("请填写答复内容，企业将看到这条答复。"))
    request.status = EnterpriseRequest.Status.CLOSED if close else EnterpriseRequest.Status.ANSWERED
    request.replied_by = actor
    request.replied_at = timezone.now()
    request.save(update_fields=["reply", "status", "replied_by", "replied_at"])
    return request


# --- comments on the findings -------------------------------------------------------------------


def comment_about_choices(diagnosis: Diagnosis) -> list[tuple[str, str]]:
    """What a comment on ``diagnosis`` may be about: ``""`` (the whole), each of its
    recommendations (``rec:<id>``), each dimension and each scenario of its model version, as
    ``(code, label)``. The one list the form and the checks use (one query for the
    recommendations)."""
    from diagnosis.models import Recommendation

    spec = model_spec(diagnosis.model)
    recommendations = Recommendation.objects.filter(diagnosis=diagnosis).order_by("position", "pk")
    return [
        ("", _("整体诊断结论")),
        *(
            (f"rec:{r.pk}", _("建议 %(n)d：%(title)s") % {"n": n, "title": r.title})
            for n, r in enumerate(recommendations.only("pk", "title"), start=1)
        ),
        *((d.code, _("维度：%(name)s") % {"name": d.name}) for d in spec.dimensions),
        *((s.code, _("场景：%(name)s") % {"name": s.name}) for s in spec.scenarios),
    ]


@transaction.atomic
def diagnosis_comment_add(*, actor, diagnosis: Diagnosis, text: str, about: str = "") -> DiagnosisComment:
    """The enterprise comments on its issued diagnosis (optionally about one dimension or scenario)."""
    if not can_comment_diagnosis(actor, diagnosis):
        raise PermissionDenied(_("只有被诊断企业的用户可以对诊断结论发表意见。"))
    if not diagnosis.issued:
        raise ValidationError(
            _("该诊断当前为“%(status)s”，出具后才能发表意见。") % {"status": diagnosis.get_status_display()},
            code="state",
        )
    about = (about or "").strip()
    if about not in dict(comment_about_choices(diagnosis)):
        raise ValidationError({"about": _("所选内容不属于该诊断的评测模型，请重新选择。")})
    comment = DiagnosisComment(
        diagnosis=diagnosis,
        about=about,
        text=_text(text, "text", required=_("请填写意见内容。")),
        author=actor,
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def diagnosis_comment_reply(*, actor, comment: DiagnosisComment, text: str) -> DiagnosisComment:
    """The diagnosing organisation's staff or an officer in scope answers an enterprise's comment."""
    comment = DiagnosisComment.objects.select_related("diagnosis__enterprise__county").get(pk=comment.pk)
    if not can_reply_comment(actor, comment.diagnosis):
        raise PermissionDenied(_("只有开展诊断的机构人员或所在地工信部门可以答复企业意见。"))
    if comment.reply_to_id is not None:
        raise ValidationError(_("请答复企业的原始意见，而不是答复。"), code="state")
    reply = DiagnosisComment(
        diagnosis=comment.diagnosis,
        about=comment.about,
        reply_to=comment,
        text=_text(text, "text", required=_("请填写答复内容。")),
        author=actor,
    )
    reply.full_clean()
    reply.save()
    return reply
