"""Writes of a transformation project: create, edit, start, complete, reopen, cancel, milestones.

Contract (see ``diagnosis.models.projects`` for the states and the money):
- Who may act is ``diagnosis.permissions.can_manage_project`` (the enterprise's users, the lead
  provider's staff, the region's officers): ``PermissionDenied`` with a reason otherwise.
- A step the state does not allow (``TransformationProject.TRANSITIONS``) is a ``ValidationError``
  (code ``state``) naming the current state; accepted and cancelled projects are read-only.
- Money is exact: totals must equal their three shares when all are given (``clean``); completing
  needs the actual investment. Cancelling needs a reason.
- Recommendations must come from the project's diagnosis, and the diagnosis must be the
  enterprise's; the lead provider must be admitted (入库) — partners too.
- Every step writes one ``ProjectEvent`` with its ``{field: [before, after]}`` changes; a step
  that is refused writes nothing (each service is one transaction).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import creation_changes, history_value, instance_diff
from diagnosis.models import (
    Diagnosis,
    Enterprise,
    ProjectAttachment,
    ProjectEvent,
    ProjectMilestone,
    TransformationProject,
)
from diagnosis.permissions import can_accept_project, can_manage_project
from diagnosis.services.diagnoses import _Hooks as Hooks

Status = TransformationProject.Status
Action = ProjectEvent.Action

#: Fields a person edits on a project (the rest move with its steps).
EDITABLE_FIELDS = (
    "title",
    "description",
    "diagnosis",
    "planned_investment",
    "planned_subsidy",
    "planned_discount",
    "planned_own",
    "actual_investment",
    "actual_subsidy",
    "actual_discount",
    "actual_own",
    "start_date",
    "planned_completion",
)
#: ``fn(project=…)`` after a project is created or edited, in the same transaction: a function
#: that raises refuses the write (the subsidy rules of ``diagnosis.services.funding`` register here).
on_money = Hooks()

#: Many-to-many fields a person edits; the history records them as sorted lists of labels.
RELATED_FIELDS = ("types", "solutions", "recommendations", "partners")


def project_locked(project: TransformationProject) -> TransformationProject:
    """The project reloaded under a row lock (``select_for_update``) with what the checks read."""
    return (
        TransformationProject.objects.select_for_update()
        .select_related("enterprise__county", "provider__organisation")
        .get(pk=project.pk)
    )


def wrong_state(project: TransformationProject, wanted: str) -> ValidationError:
    """The refusal of step ``wanted`` in the project's current state (code ``state``)."""
    return ValidationError(
        _("该项目当前为“%(status)s”，不能%(action)s。")
        % {"status": project.get_status_display(), "action": wanted},
        code="state",
    )


def _check_manager(actor, enterprise: Enterprise, provider) -> None:
    if not can_manage_project(actor, enterprise, provider):
        raise PermissionDenied(_("只有企业本身、项目的牵头服务商和企业所在地的工信部门可以管理改造项目。"))


def _check_providers(provider, partners: Iterable) -> None:
    from providers.models import Provider

    refused = [p for p in [provider, *partners] if p is not None and p.status != Provider.Status.ADMITTED]
    if refused:
        raise ValidationError(
            {
                "provider": _("服务商未入库，不能承担改造项目：%(names)s。")
                % {"names": "、".join(map(str, refused))}
            },
            code="provider",
        )


def _labels(values: Iterable) -> list[str]:
    return sorted(str(value) for value in values)


def _set_related(project: TransformationProject, related: Mapping[str, Any]) -> dict[str, list]:
    """Set the many-to-many fields given in ``related``; the history pairs of those that changed."""
    changes = {}
    diagnosis_id = project.diagnosis_id
    for name in RELATED_FIELDS:
        if name not in related:
            continue
        values = list(related[name] or [])
        if name == "recommendations":
            stray = [r for r in values if r.diagnosis_id != diagnosis_id or diagnosis_id is None]
            if stray:
                raise ValidationError(
                    {"recommendations": _("只能选择本项目所依据诊断的建议。")}, code="recommendation"
                )
        if name == "types":
            inactive = [t for t in values if not t.active]
            if inactive:
                raise ValidationError(
                    {"types": _("项目类型已停用：%(names)s。") % {"names": "、".join(map(str, inactive))}}
                )
        manager = getattr(project, name)
        before = _labels(manager.all())
        manager.set(values)
        after = _labels(values)
        if before != after:
            changes[name] = [before, after]
    return changes


def _check_diagnosis(enterprise: Enterprise, diagnosis: Diagnosis | None) -> None:
    if diagnosis is not None and diagnosis.enterprise_id != enterprise.pk:
        raise ValidationError({"diagnosis": _("所依据的诊断不属于该企业。")}, code="diagnosis")


def project_event(project, action, actor, comment: str = "", changes: dict | None = None) -> ProjectEvent:
    """One step of the project's history."""
    return ProjectEvent.objects.create(
        project=project, action=action, actor=actor, comment=comment, changes=changes or {}
    )


@transaction.atomic
def project_create(
    *, actor, enterprise: Enterprise, provider, title: str, related: Mapping[str, Any] | None = None, **fields
) -> TransformationProject:
    """A planned project of ``enterprise`` led by ``provider`` (``fields`` from ``EDITABLE_FIELDS``,
    ``related`` from ``RELATED_FIELDS``)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不能填写的字段：%(names)s") % {"names": ", ".join(sorted(unknown))})
    _check_manager(actor, enterprise, provider)
    related = dict(related or {})
    _check_providers(provider, related.get("partners") or [])
    _check_diagnosis(enterprise, fields.get("diagnosis"))
    project = TransformationProject(
        enterprise=enterprise,
        provider=provider,
        title=(title or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    project.full_clean()
    project.save()
    changes = creation_changes(project, ("title", "provider", *[name for name in fields if name != "title"]))
    changes.update(_set_related(project, related))
    on_money.run(project=project)
    project_event(project, Action.CREATE, actor, changes=changes)
    return project


@transaction.atomic
def project_update(
    *,
    actor,
    project: TransformationProject,
    data: Mapping[str, Any],
    related: Mapping[str, Any] | None = None,
) -> TransformationProject:
    """Edit an open project; one EDIT event with what changed (none when nothing did)."""
    project = project_locked(project)
    _check_manager(actor, project.enterprise, project.provider)
    if project.status not in TransformationProject.OPEN_STATES:
        raise wrong_state(project, _("修改"))
    related = dict(related or {})
    if "partners" in related:
        _check_providers(None, related["partners"] or [])
    changes = instance_diff(project, data, fields=EDITABLE_FIELDS)
    for name in changes:
        setattr(project, name, data[name])
    _check_diagnosis(project.enterprise, project.diagnosis)
    project.full_clean()
    project.save()
    if "diagnosis" in changes and "recommendations" not in related:
        related["recommendations"] = [
            r for r in project.recommendations.all() if r.diagnosis_id == project.diagnosis_id
        ]
    changes.update(_set_related(project, related))
    on_money.run(project=project)
    if changes:
        project_event(project, Action.EDIT, actor, changes=changes)
    return project


def _move(project, actor, to: str, wanted: str) -> TransformationProject:
    project = project_locked(project)
    _check_manager(actor, project.enterprise, project.provider)
    if to not in TransformationProject.TRANSITIONS[project.status]:
        raise wrong_state(project, wanted)
    return project


def _today(value: datetime.date | None) -> datetime.date:
    return value or timezone.localdate()


@transaction.atomic
def project_start(*, actor, project: TransformationProject, started_on: datetime.date | None = None):
    """Planned → in progress, on ``started_on`` (today by default; not in the future)."""
    project = _move(project, actor, Status.IN_PROGRESS, _("开始实施"))
    before = project.status
    project.status = Status.IN_PROGRESS
    project.started_on = _today(started_on)
    project.full_clean()
    project.save(update_fields=["status", "started_on", "updated_at"])
    project_event(
        project,
        Action.START,
        actor,
        changes={"status": [before, project.status], "started_on": [None, str(project.started_on)]},
    )
    return project


@transaction.atomic
def project_complete(
    *, actor, project: TransformationProject, completed_on: datetime.date | None = None, comment: str = ""
):
    """In progress → completed: needs the actual investment; ``completed_on`` is today by default."""
    project = _move(project, actor, Status.COMPLETED, _("完成"))
    if project.actual_investment is None:
        raise ValidationError(
            {"actual_investment": _("请先填写实际投资，再标记项目完成。")}, code="incomplete"
        )
    open_milestones = [m.title for m in project.milestones.all() if m.done_on is None]
    if open_milestones:
        raise ValidationError(
            _("还有未完成的里程碑：%(names)s。") % {"names": "、".join(open_milestones)}, code="incomplete"
        )
    project.status = Status.COMPLETED
    project.completed_on = _today(completed_on)
    if project.started_on and project.completed_on < project.started_on:
        raise ValidationError({"completed_on": _("完成日期不能早于开工日期。")})
    project.full_clean()
    project.save(update_fields=["status", "completed_on", "updated_at"])
    project_event(
        project, Action.COMPLETE, actor, (comment or "").strip(),
        changes={"status": [Status.IN_PROGRESS, Status.COMPLETED], "completed_on": [None, str(project.completed_on)]},
    )  # fmt: skip
    return project


@transaction.atomic
def project_reopen(*, actor, project: TransformationProject, reason: str):
    """Completed → in progress again (work found missing before acceptance), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明退回实施的原因。")}, code="required")
    project = _move(project, actor, Status.IN_PROGRESS, _("退回实施"))
    before = history_value(project.completed_on)
    project.status = Status.IN_PROGRESS
    project.completed_on = None
    project.save(update_fields=["status", "completed_on", "updated_at"])
    project_event(
        project,
        Action.REOPEN,
        actor,
        reason,
        {"status": [Status.COMPLETED, Status.IN_PROGRESS], "completed_on": [before, None]},
    )
    return project


@transaction.atomic
def project_cancel(*, actor, project: TransformationProject, reason: str):
    """Any state before accepted → cancelled, with the reason (kept on the project)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("取消项目须说明原因。")}, code="required")
    project = _move(project, actor, Status.CANCELLED, _("取消"))
    before = project.status
    project.status = Status.CANCELLED
    project.cancel_reason = reason
    project.save(update_fields=["status", "cancel_reason", "updated_at"])
    project_event(project, Action.CANCEL, actor, reason, {"status": [before, Status.CANCELLED]})
    return project


def _open_for_milestones(project, actor) -> TransformationProject:
    project = project_locked(project)
    _check_manager(actor, project.enterprise, project.provider)
    if project.status not in (Status.PLANNED, Status.IN_PROGRESS):
        raise wrong_state(project, _("修改里程碑"))
    return project


@transaction.atomic
def milestone_add(
    *, actor, project: TransformationProject, title: str, due_on: datetime.date | None = None, note: str = ""
) -> ProjectMilestone:
    """A milestone of a planned or running project."""
    project = _open_for_milestones(project, actor)
    milestone = ProjectMilestone(
        project=project,
        title=(title or "").strip(),
        due_on=due_on,
        note=(note or "").strip(),
        position=project.milestones.count(),
    )
    milestone.full_clean()
    milestone.save()
    project_event(
        project,
        Action.MILESTONE,
        actor,
        milestone.title,
        {"milestone": [None, milestone.title], "due_on": [None, history_value(due_on)]},
    )
    return milestone


@transaction.atomic
def milestone_done(
    *, actor, milestone: ProjectMilestone, done_on: datetime.date | None = None, note: str = ""
) -> ProjectMilestone:
    """Mark a milestone done (today by default, not in the future) on a running project."""
    project = _open_for_milestones(milestone.project, actor)
    milestone = ProjectMilestone.objects.select_for_update().get(pk=milestone.pk, project=project)
    if project.status != Status.IN_PROGRESS:
        raise wrong_state(project, _("完成里程碑"))
    if milestone.done_on is not None:
        raise ValidationError(_("该里程碑已于 %(day)s 完成。") % {"day": milestone.done_on}, code="state")
    milestone.done_on = _today(done_on)
    if note:
        milestone.note = note.strip()
    milestone.full_clean()
    milestone.save()
    project_event(
        project, Action.MILESTONE, actor, milestone.title, {"done_on": [None, str(milestone.done_on)]}
    )
    return milestone


#: The most files one project keeps, and the largest (the visit attachments' limit applies).
PROJECT_FILES_MAX = 40


def project_file_store(
    *, actor, project: TransformationProject, upload, purpose: str = ProjectAttachment.Purpose.EVIDENCE,
    milestone: ProjectMilestone | None = None,
) -> ProjectAttachment:  # fmt: skip
    """Store one file of an open project (not accepted or cancelled), checked by content and size.

    Evidence and the enterprise's and provider's reports: whoever runs the project
    (``can_manage_project``); the on-site check's files: the officers who accept it. The milestone
    must be the project's. Raises ``ValidationError`` naming the file; nothing is stored then."""
    from core.uploads import inspect_upload, safe_name
    from diagnosis.services.visits import attachment_limits

    allowed = (
        can_accept_project(actor, project)
        if purpose == ProjectAttachment.Purpose.SITE_CHECK
        else can_manage_project(actor, project.enterprise, project.provider)
    )
    if not allowed:
        raise PermissionDenied(_("您不能为该项目上传此类附件。"))
    if purpose not in ProjectAttachment.Purpose.values:
        raise ValidationError({"purpose": _("附件用途无效。")})
    project = project_locked(project)
    if project.status not in TransformationProject.OPEN_STATES:
        raise wrong_state(project, _("上传附件"))
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationError({"milestone": _("该里程碑不属于此项目。")})
    if project.attachments.count() >= PROJECT_FILES_MAX:
        raise ValidationError(
            _("每个项目最多 %(n)d 个附件，“%(name)s”未上传。") % {"n": PROJECT_FILES_MAX, "name": upload.name}
        )
    _most, max_bytes = attachment_limits()
    kind = inspect_upload(upload, max_bytes=max_bytes)
    attachment = ProjectAttachment(
        project=project, milestone=milestone, purpose=purpose, uploaded_by=actor,
        name=safe_name(upload.name or "", kind), content_type=kind.content_type, size=upload.size,
        image=kind.image,
    )  # fmt: skip
    upload.seek(0)
    attachment.file.save(f"{uuid.uuid4().hex}{kind.extension}", upload, save=False)
    attachment.save()
    project_event(
        project, Action.MILESTONE if milestone else Action.EDIT, actor, attachment.name,
        {"attachment": [None, f"{attachment.get_purpose_display()}: {attachment.name}"]},
    )  # fmt: skip
    return attachment


__all__ = [
    "EDITABLE_FIELDS",
    "PROJECT_FILES_MAX",
    "project_file_store",
    "RELATED_FIELDS",
    "milestone_add",
    "milestone_done",
    "project_cancel",
    "project_complete",
    "project_create",
    "project_reopen",
    "project_start",
    "project_update",
]
