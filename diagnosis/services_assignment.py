"""Casework of the service system: assigning enterprises to commissioners, handover on deactivation,
engagements with clinics and providers, and visits — plus the reads their pages and API need.

Contract (writes): keyword-only, typed, ``@transaction.atomic``, ``full_clean()`` on every row
written. ``PermissionDenied`` (Chinese message) when the actor may not do this kind of thing at
all; ``ValidationError`` (Chinese message, keyed by field) when the request breaks a rule.

Assignment rules:
- Only officers assign (province anywhere; city/county officers within their region). Every
  enterprise must be visible to the actor; the commissioner must be one the actor may assign
  (``selectors.commissioner_choices``), an active commissioner whose region covers each
  enterprise's county (the rule of ``services._check_commissioner``).
- Exactly one open ``Assignment`` row per assigned enterprise: (re)assigning closes the open row
  and opens a new one; ``Enterprise.commissioner`` follows; each changed archive gets an
  ``EnterpriseChange`` like ``services.enterprise_update`` writes. Already-assigned enterprises are
  left alone (idempotent). Visits keep the commissioner who made them.
- Bulk writes run in a constant number of queries, whatever the number of enterprises.

The read helpers at the end (``caseload_summary``, ``visit_list``, …) are selectors; they live
here until they move into ``diagnosis/selectors.py``.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.scope import is_officer, region_in_scope
from providers.models import Clinic, CommissionerProfile, Provider

from .models import Assignment, Engagement, Enterprise, EnterpriseChange, Visit
from .selectors import commissioner_choices
from .services import history_value

# ---------------------------------------------------------------------------------------------
# Assignment and handover
# ---------------------------------------------------------------------------------------------


def _enterprise_ids(enterprises) -> list[int]:
    if isinstance(enterprises, QuerySet):
        return list(enterprises.values_list("pk", flat=True))
    if isinstance(enterprises, Enterprise):
        return [enterprises.pk]
    return [e.pk if isinstance(e, Enterprise) else int(e) for e in enterprises]


def _check_assigner(actor) -> None:
    if not is_officer(actor):
        raise PermissionDenied(_("只有省、市、县工信部门可以分配或调整企业的对接数字专员。"))


def _visible_locked(actor, ids: list[int]) -> list[Enterprise]:
    """The enterprises by id, locked, all visible to ``actor`` — else a ValidationError saying how many are not."""
    rows = list(
        Enterprise.objects.visible_to(actor)
        .filter(pk__in=ids)
        .select_related("county", "commissioner")
        .select_for_update(of=("self",))
    )
    missing = len(set(ids)) - len(rows)
    if missing:
        raise ValidationError(
            {"enterprises": _("有 %(n)d 家企业不存在或不在您的管辖范围内，未做任何修改。") % {"n": missing}}
        )
    return rows


def check_commissioner_covers(commissioner: User, enterprises: Iterable[Enterprise]) -> None:
    """The commissioner is an active commissioner whose region covers every county (else ValidationError)."""
    profile = CommissionerProfile.objects.filter(user=commissioner).only("active").first()
    if (
        commissioner.role != Role.COMMISSIONER
        or not commissioner.is_active
        or commissioner.region_id is None
        or (profile is not None and not profile.active)
    ):
        raise ValidationError({"commissioner": _("所选用户不是在岗的数字专员。")})
    uncovered = sum(1 for e in enterprises if not e.county.path.startswith(commissioner.region.path))
    if uncovered:
        raise ValidationError(
            {
                "commissioner": _(
                    "所选数字专员（%(name)s，%(region)s）不负责其中 %(n)d 家企业所在的县（市、区），"
                    "请选择覆盖这些企业所在地区的专员，或缩小范围后分配。"
                )
                % {"name": commissioner, "region": commissioner.region.name, "n": uncovered}
            }
        )


def _set_commissioner(
    *, actor, rows: list[Enterprise], commissioner: User | None, reason: str, source: str
) -> int:
    """Move ``rows`` (locked, checked) to ``commissioner`` (None = unassigned) with history, in bulk."""
    changed = [e for e in rows if e.commissioner_id != (commissioner.pk if commissioner else None)]
    if not changed:
        return 0
    now = timezone.now()
    ids = [e.pk for e in changed]
    Assignment.objects.filter(enterprise_id__in=ids, ended_at__isnull=True).update(ended_at=now)
    if commissioner is not None:
        new_rows = [
            Assignment(enterprise=e, commissioner=commissioner, assigned_by=actor, reason=reason)
            for e in changed
        ]
        for row in new_rows:
            # Related rows were loaded and checked above (no per-row FK queries); the open-row
            # constraint holds because the open rows were closed just before.
            row.full_clean(exclude=["enterprise", "commissioner", "assigned_by"], validate_constraints=False)
        Assignment.objects.bulk_create(new_rows)
    Enterprise.objects.filter(pk__in=ids).update(commissioner=commissioner, updated_at=now)
    EnterpriseChange.objects.bulk_create(
        [
            EnterpriseChange(
                enterprise=e,
                actor=actor,
                action=EnterpriseChange.Action.UPDATE,
                source=source,
                changes={"commissioner": [history_value(e.commissioner), history_value(commissioner)]},
            )
            for e in changed
        ]
    )
    return len(changed)


@transaction.atomic
def enterprise_assign(
    *,
    actor,
    enterprises,
    commissioner: User,
    reason: str = "",
    source: str = EnterpriseChange.Source.WEB,
) -> int:
    """Assign one or many enterprises (a queryset, instances or ids) to ``commissioner``.

    Returns how many changed; those already assigned to this commissioner are left as they are.
    All or nothing: one enterprise out of scope or not covered refuses the whole request.
    """
    _check_assigner(actor)
    if not commissioner_choices(actor=actor).filter(pk=commissioner.pk).exists():
        raise ValidationError({"commissioner": _("所选数字专员不在您的管辖范围内或已离岗。")})
    rows = _visible_locked(actor, _enterprise_ids(enterprises))
    commissioner = User.objects.select_related("region").get(pk=commissioner.pk)
    check_commissioner_covers(commissioner, rows)
    return _set_commissioner(actor=actor, rows=rows, commissioner=commissioner, reason=reason, source=source)


@transaction.atomic
def enterprise_unassign(
    *, actor, enterprises, reason: str = "", source: str = EnterpriseChange.Source.WEB
) -> int:
    """Remove the commissioner of one or many enterprises (closing their open assignment); returns the count."""
    _check_assigner(actor)
    rows = _visible_locked(actor, _enterprise_ids(enterprises))
    return _set_commissioner(actor=actor, rows=rows, commissioner=None, reason=reason, source=source)


@transaction.atomic
def commissioner_deactivate(
    *, actor, commissioner: User, handover_to: User | None = None, reason: str = ""
) -> int:
    """Take a commissioner off duty: hand the whole caseload to ``handover_to``, then deactivate.

    The profile becomes inactive with ``deactivated_on`` today and the account can no longer sign in
    (``is_active`` False). With assigned enterprises and no (valid) successor nothing changes and a
    ``ValidationError`` says how many enterprises need a new owner. Returns how many moved.
    The actor must be an officer whose region covers the commissioner (else ``PermissionDenied``).
    """
    _check_assigner(actor)
    commissioner = User.objects.select_related("region").get(pk=commissioner.pk)
    if commissioner.role != Role.COMMISSIONER or not region_in_scope(actor, commissioner.region):
        raise PermissionDenied(_("该数字专员不在您的管辖范围内。"))
    caseload = list(
        Enterprise.objects.filter(commissioner=commissioner)
        .select_related("county", "commissioner")
        .select_for_update(of=("self",))
    )
    moved = 0
    if caseload:
        if handover_to is None:
            raise ValidationError(
                {
                    "handover_to": _(
                        "该数字专员还负责 %(n)d 家企业，须先全部移交给另一位在岗数字专员才能离岗。"
                    )
                    % {"n": len(caseload)}
                }
            )
        if handover_to.pk == commissioner.pk:
            raise ValidationError({"handover_to": _("不能移交给本人，请选择另一位数字专员。")})
        invisible = (
            len(caseload)
            - Enterprise.objects.visible_to(actor).filter(pk__in=[e.pk for e in caseload]).count()
        )
        if invisible:
            raise PermissionDenied(
                _("该数字专员负责的 %(n)d 家企业不在您的管辖范围内，请由上级工信部门办理移交。")
                % {"n": invisible}
            )
        if not commissioner_choices(actor=actor).filter(pk=handover_to.pk).exists():
            raise ValidationError({"handover_to": _("接手的数字专员不在您的管辖范围内或已离岗。")})
        handover_to = User.objects.select_related("region").get(pk=handover_to.pk)
        try:
            check_commissioner_covers(handover_to, caseload)
        except ValidationError as exc:
            raise ValidationError({"handover_to": exc.message_dict["commissioner"]}) from exc
        moved = _set_commissioner(
            actor=actor,
            rows=caseload,
            commissioner=handover_to,
            reason=reason or _("原专员离岗移交"),
            source=EnterpriseChange.Source.WEB,
        )
    profile = CommissionerProfile.objects.filter(user=commissioner).first()
    if profile is not None:
        profile.active = False
        profile.deactivated_on = timezone.localdate()
        profile.full_clean()
        profile.save(update_fields=["active", "deactivated_on"])
    commissioner.is_active = False
    commissioner.save(update_fields=["is_active"])
    return moved


# ---------------------------------------------------------------------------------------------
# Engagements
# ---------------------------------------------------------------------------------------------


def can_engage(actor, enterprise: Enterprise) -> bool:
    """Officers who can see the enterprise, or its assigned commissioner."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return False
    return is_officer(actor) or (actor.role == Role.COMMISSIONER and enterprise.commissioner_id == actor.pk)


def _check_engage(actor, enterprise: Enterprise) -> None:
    if not can_engage(actor, enterprise):
        raise PermissionDenied(_("只有所在地工信部门或该企业的对接数字专员可以为企业对接服务机构。"))


@transaction.atomic
def engagement_open(*, actor, enterprise: Enterprise, organisation: Organisation, purpose: str) -> Engagement:
    """Engage the enterprise with a clinic/centre (purpose diagnosis) or a provider (purpose project).

    A closed clinic, or a provider that is not admitted (applied, suspended, removed…), takes no new
    engagement; an organisation of the wrong kind for the purpose is refused; an active engagement
    of the same organisation with the enterprise is not duplicated.
    """
    _check_engage(actor, enterprise)
    if purpose == Engagement.Purpose.DIAGNOSIS:
        clinic = Clinic.objects.filter(organisation=organisation).first()
        if clinic is None:
            raise ValidationError({"organisation": _("诊断须对接数字化诊所或促进中心。")})
        if clinic.status != Clinic.Status.OPEN:
            raise ValidationError({"organisation": _("该诊所已关闭，不能承接新的诊断。请选择运营中的诊所。")})
    elif purpose == Engagement.Purpose.PROJECT:
        provider = Provider.objects.filter(organisation=organisation).first()
        if provider is None:
            raise ValidationError({"organisation": _("改造项目须对接资源池中的服务商。")})
        if provider.status != Provider.Status.ADMITTED:
            raise ValidationError(
                {
                    "organisation": _("该服务商当前状态为“%(s)s”，不能承接新的服务。请选择已入库的服务商。")
                    % {"s": provider.get_status_display()}
                }
            )
    else:
        raise ValidationError({"purpose": _("请选择对接事项：诊断或改造项目。")})
    if Engagement.objects.filter(enterprise=enterprise, organisation=organisation, active=True).exists():
        raise ValidationError({"organisation": _("该企业已与该机构建立有效的对接，无需重复对接。")})
    engagement = Engagement(enterprise=enterprise, organisation=organisation, purpose=purpose, active=True)
    engagement.full_clean()
    engagement.save()
    return engagement


@transaction.atomic
def engagement_close(*, actor, engagement: Engagement) -> Engagement:
    """End an engagement (the organisation's staff lose sight of the enterprise). Idempotent."""
    _check_engage(actor, engagement.enterprise)
    if engagement.active:
        engagement.active = False
        engagement.full_clean()
        engagement.save(update_fields=["active"])
    return engagement


# ---------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------


def can_log_visit(actor, enterprise: Enterprise) -> bool:
    """The enterprise's assigned commissioner, or an officer who can see it."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return False
    if actor.role == Role.COMMISSIONER:
        return enterprise.commissioner_id == actor.pk
    return is_officer(actor)


def _check_visit(actor, enterprise: Enterprise) -> None:
    if not can_log_visit(actor, enterprise):
        raise PermissionDenied(_("只有该企业的对接数字专员或所在地工信部门可以记录走访。"))


@transaction.atomic
def visit_log(
    *,
    actor,
    enterprise: Enterprise,
    visited_on: datetime.date,
    summary: str,
    needs: str = "",
    follow_up_due: datetime.date | None = None,
) -> Visit:
    """Record a visit. A commissioner records their own; an officer records on behalf of the
    enterprise's commissioner (or in their own name if none is assigned). ``visited_on`` may not
    be in the future, and a follow-up date may not come before the visit."""
    _check_visit(actor, enterprise)
    today = timezone.localdate()
    if visited_on and visited_on > today:
        raise ValidationError({"visited_on": _("走访日期不能晚于今天。")})
    if follow_up_due and visited_on and follow_up_due < visited_on:
        raise ValidationError({"follow_up_due": _("跟进期限不能早于走访日期。")})
    if actor.role == Role.COMMISSIONER:
        commissioner = actor
    else:
        commissioner = enterprise.commissioner or actor
    visit = Visit(
        enterprise=enterprise,
        commissioner=commissioner,
        visited_on=visited_on,
        summary=(summary or "").strip(),
        needs=(needs or "").strip(),
        follow_up_due=follow_up_due,
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def visit_follow_up_done(*, actor, visit: Visit, on: datetime.date | None = None) -> Visit:
    """Mark a visit's follow-up as done (today by default). Idempotent once done."""
    _check_visit(actor, visit.enterprise)
    if visit.followed_up_on:
        return visit
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"followed_up_on": _("跟进日期不能晚于今天。")})
    if on < visit.visited_on:
        raise ValidationError({"followed_up_on": _("跟进日期不能早于走访日期。")})
    visit.followed_up_on = on
    visit.full_clean()
    visit.save(update_fields=["followed_up_on"])
    return visit


# ---------------------------------------------------------------------------------------------
# Reads (selectors) for the caseload, visit and assignment pages and the API
# ---------------------------------------------------------------------------------------------
