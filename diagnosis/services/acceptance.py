"""Acceptance (验收) of a completed project: the enterprise's report and rating, the provider's
report, the officer's on-site check and decision, and the before/after assessment.

Contract:
- Every step needs the project to be completed (``ValidationError`` code ``state`` otherwise);
  an accepted project's acceptance is read-only.
- ``acceptance_enterprise_report``: the enterprise's own users; the report text and the
  satisfaction (an integer 1–5) are required. The rating is kept as one ``ProviderRating`` of the
  lead provider linked to the project (filed again, it is updated, never doubled), so it counts in
  the provider's monthly evaluation.
- ``acceptance_provider_report``: staff of the lead provider; the report text is required.
- ``project_accept``: officers whose region holds the enterprise (``can_accept_project``); needs
  both reports, the on-site check (date, not in the future and not before completion; inspectors;
  record) and an assessment after the project: the enterprise's first self-assessment submitted,
  or a diagnosis issued, on or after the completion date. It stores the before/after levels,
  totals and dimension scores, moves the project to accepted and writes a ``ProjectEvent``.
  A refused step writes nothing (each service is one transaction).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_enterprise_user
from core.history import history_value
from diagnosis.models import (
    Diagnosis,
    Enterprise,
    ProjectAcceptance,
    ProjectEvent,
    ProviderRating,
    SelfAssessment,
    TransformationProject,
)
from diagnosis.permissions import can_accept_project, is_lead_provider_staff
from diagnosis.services.projects import project_event, project_locked, wrong_state

Status = TransformationProject.Status


@dataclass(frozen=True)
class Assessment:
    """One assessment on the diagnosis model: where it comes from, its level, total and dimensions."""

    source: str
    level: int | None
    total: Decimal | None
    dimensions: dict[str, Decimal]
    at: datetime.datetime


def _from_diagnosis(diagnosis: Diagnosis) -> Assessment:
    dimensions = {s.code: s.score for s in diagnosis.scores.all() if s.kind == s.Kind.DIMENSION}
    return Assessment(
        _("诊断书 %(number)s") % {"number": diagnosis.number or diagnosis.pk},
        diagnosis.level,
        diagnosis.total_score,
        dimensions,
        diagnosis.issued_at,
    )


def _from_self(assessment: SelfAssessment) -> Assessment:
    return Assessment(
        _("企业自评测（%(day)s）") % {"day": timezone.localdate(assessment.submitted_at).isoformat()},
        assessment.level,
        assessment.total_score,
        assessment.dimension_scores(),
        assessment.submitted_at,
    )


def _start_moment(project: TransformationProject) -> datetime.datetime:
    day = project.started_on or project.start_date or timezone.localdate(project.created_at)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _nearest(enterprise_id: int, moment: datetime.datetime, *, before: bool) -> Assessment | None:
    """The enterprise's issued diagnosis or submitted self-assessment nearest to ``moment``: the
    last one strictly before it, or the first one on or after it."""
    side = "lt" if before else "gte"
    sign = "-" if before else ""
    diagnosis = (
        Diagnosis.objects.filter(
            enterprise_id=enterprise_id, status__in=Diagnosis.ISSUED_STATES, level__isnull=False,
            **{f"issued_at__{side}": moment},
        )
        .order_by(f"{sign}issued_at")
        .first()
    )  # fmt: skip
    own = (
        SelfAssessment.objects.filter(
            enterprise_id=enterprise_id, status=SelfAssessment.Status.SUBMITTED, level__isnull=False,
            **{f"submitted_at__{side}": moment},
        )
        .order_by(f"{sign}submitted_at")
        .first()
    )  # fmt: skip
    found = [_from_diagnosis(diagnosis)] if diagnosis else []
    mine = [_from_self(own)] if own else []
    # on an exact tie the diagnosis counts before the project, the self-assessment after it
    candidates = [*found, *mine] if before else [*mine, *found]
    if not candidates:
        return None
    return (max if before else min)(candidates, key=lambda a: a.at)


def assessment_before(project: TransformationProject) -> Assessment | None:
    """The project's diagnosis if it has a result, else the enterprise's last issued diagnosis or
    submitted self-assessment before the project started."""
    if project.diagnosis_id and project.diagnosis.level is not None:
        return _from_diagnosis(project.diagnosis)
    return _nearest(project.enterprise_id, _start_moment(project), before=True)


def assessment_after(project: TransformationProject) -> Assessment | None:
    """The first assessment on or after the completion date: a submitted self-assessment
    (改造后自评测) or an issued diagnosis, whichever came first."""
    if project.completed_on is None:
        return None
    since = timezone.make_aware(datetime.datetime.combine(project.completed_on, datetime.time.min))
    return _nearest(project.enterprise_id, since, before=False)


def _completed(project: TransformationProject, wanted: str) -> TransformationProject:
    project = project_locked(project)
    if project.status != Status.COMPLETED:
        raise wrong_state(project, wanted)
    return project


def _acceptance(project: TransformationProject) -> ProjectAcceptance:
    acceptance, _created = ProjectAcceptance.objects.select_for_update().get_or_create(project=project)
    return acceptance


def _required_text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def _satisfaction(value) -> int:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5 or str(value).strip() != str(score):
        raise ValidationError({"satisfaction": _("满意度请选择 1 到 5 分。")}, code="invalid")
    return score


@transaction.atomic
def acceptance_enterprise_report(
    *, actor, project: TransformationProject, report: str, satisfaction, comment: str = ""
) -> ProjectAcceptance:
    """The enterprise files its acceptance report and rates the lead provider (see the module)."""
    if not (
        is_enterprise_user(actor)
        and Enterprise.objects.visible_to(actor).filter(pk=project.enterprise_id).exists()
    ):
        raise PermissionDenied(_("企业验收报告由企业本身填报。"))
    project = _completed(project, _("提交企业验收报告"))
    report = _required_text(report, "report", _("请填写企业验收报告。"))
    score = _satisfaction(satisfaction)
    comment = (comment or "").strip()
    acceptance = _acceptance(project)
    rating = acceptance.rating
    if rating is None:
        rating = ProviderRating.objects.create(
            enterprise=project.enterprise, provider=project.provider, project=project,
            score=score, comment=comment, rated_by=actor,
        )  # fmt: skip
    else:
        rating.score, rating.comment, rating.rated_by = score, comment, actor
        rating.save(update_fields=["score", "comment", "rated_by"])
    changes = {
        "enterprise_report": [history_value(acceptance.enterprise_report) or None, report],
        "satisfaction": [acceptance.satisfaction, score],
    }
    acceptance.enterprise_report = report
    acceptance.satisfaction = score
    acceptance.satisfaction_comment = comment
    acceptance.rating = rating
    acceptance.enterprise_reported_at = timezone.now()
    acceptance.enterprise_reported_by = actor
    acceptance.save()
    project_event(project, ProjectEvent.Action.ACCEPTANCE, actor, _("企业验收报告"), changes)
    return acceptance


@transaction.atomic
def acceptance_provider_report(*, actor, project: TransformationProject, report: str) -> ProjectAcceptance:
    """Staff of the lead provider file the provider's acceptance report."""
    if not is_lead_provider_staff(actor, project):
        raise PermissionDenied(_("服务商验收报告由项目的牵头服务商填报。"))
    project = _completed(project, _("提交服务商验收报告"))
    report = _required_text(report, "report", _("请填写服务商验收报告。"))
    acceptance = _acceptance(project)
    changes = {"provider_report": [history_value(acceptance.provider_report) or None, report]}
    acceptance.provider_report = report
    acceptance.provider_reported_at = timezone.now()
    acceptance.provider_reported_by = actor
    acceptance.save()
    project_event(project, ProjectEvent.Action.ACCEPTANCE, actor, _("服务商验收报告"), changes)
    return acceptance


@transaction.atomic
def project_accept(
    *,
    actor,
    project: TransformationProject,
    site_check_on: datetime.date | None,
    site_inspectors: str,
    site_check_record: str,
    comment: str = "",
) -> ProjectAcceptance:
    """The officer's on-site check and acceptance: completed → accepted (see the module)."""
    if not can_accept_project(actor, project):
        raise PermissionDenied(_("项目验收由企业所在地的工信部门办理。"))
    project = _completed(project, _("验收"))
    acceptance = _acceptance(project)
    errors: dict[str, str] = {}
    if not acceptance.enterprise_report:
        errors["enterprise_report"] = _("企业尚未提交验收报告和满意度评价。")
    if not acceptance.provider_report:
        errors["provider_report"] = _("服务商尚未提交验收报告。")
    if site_check_on is None:
        errors["site_check_on"] = _("请填写现场核查日期。")
    elif site_check_on > timezone.localdate():
        errors["site_check_on"] = _("现场核查日期不能晚于今天。")
    elif project.completed_on and site_check_on < project.completed_on:
        errors["site_check_on"] = _("现场核查日期不能早于项目完成日期 %(day)s。") % {
            "day": project.completed_on.isoformat()
        }
    if not (site_inspectors or "").strip():
        errors["site_inspectors"] = _("请填写核查人员。")
    if not (site_check_record or "").strip():
        errors["site_check_record"] = _("请填写现场核查记录。")
    after = assessment_after(project)
    if after is None:
        errors["after"] = _(
            "验收需要改造后的评测：请企业在项目完成（%(day)s）后提交一次自评测，或由诊所出具一次诊断。"
        ) % {"day": history_value(project.completed_on)}
    if errors:
        raise ValidationError(errors, code="incomplete")
    before = assessment_before(project)
    acceptance.site_check_on = site_check_on
    acceptance.site_inspectors = site_inspectors.strip()
    acceptance.site_check_record = site_check_record.strip()
    acceptance.comment = (comment or "").strip()
    acceptance.after_source, acceptance.after_level, acceptance.after_total = (
        after.source,
        after.level,
        after.total,
    )
    if before is not None:
        acceptance.before_source = before.source
        acceptance.before_level, acceptance.before_total = before.level, before.total
    codes = sorted(set(after.dimensions) | set(before.dimensions if before else {}))
    acceptance.dimension_changes = {
        code: [
            history_value(before.dimensions.get(code)) if before else None,
            history_value(after.dimensions.get(code)),
        ]
        for code in codes
    }
    acceptance.accepted_by = actor
    acceptance.accepted_at = timezone.now()
    acceptance.save()
    project.status = Status.ACCEPTED
    project.accepted_at = acceptance.accepted_at
    project.save(update_fields=["status", "accepted_at", "updated_at"])
    project_event(
        project,
        ProjectEvent.Action.ACCEPT,
        actor,
        acceptance.comment,
        {
            "status": [Status.COMPLETED, Status.ACCEPTED],
            "level": [acceptance.before_level, acceptance.after_level],
            "total_score": [history_value(acceptance.before_total), history_value(acceptance.after_total)],
        },
    )
    return acceptance


__all__ = [
    "Assessment",
    "acceptance_enterprise_report",
    "acceptance_provider_report",
    "assessment_after",
    "assessment_before",
    "project_accept",
]
