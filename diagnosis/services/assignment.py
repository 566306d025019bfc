"""Assigning enterprises to commissioners, handing caseloads over, deactivating commissioners."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import is_officer
from accounts.scope import region_in_scope
from core.history import history_value
from diagnosis.models import Assignment, Enterprise, EnterpriseChange
from diagnosis.selectors.enterprises import commissioner_choices
from providers.models import CommissionerProfile


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
