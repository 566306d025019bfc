"""Writes to the enterprise archive. Every change is recorded in ``EnterpriseChange``.

Callers (views, API, import, seed) validate their input format and call these; the rules live here.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_create_enterprise, can_edit_enterprise_fields
from accounts.scope import region_in_scope
from core.history import creation_changes, instance_diff
from diagnosis.models import ENTERPRISE_FIELDS, Assignment, Enterprise, EnterpriseChange
from diagnosis.models.enterprises import DIAGNOSIS_FACTS

#: Fields a commissioner may update on the enterprises assigned to them (what a visit finds).
COMMISSIONER_FIELDS = frozenset(
    {
        "address", "contact_person", "contact_phone", "employees", "cloud_adopted", "cloud_depth",
        "integration_certified", "integration_level", "iip_platform_used", "identifier_resolution", "uses_5g",
    }
)  # fmt: skip


def diff_fields(enterprise: Enterprise, data: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each field in ``data`` whose value would change (``core.history``).

    A field outside ``ENTERPRISE_FIELDS`` raises ``ValidationError``.
    """
    return instance_diff(enterprise, data, fields=ENTERPRISE_FIELDS)


def _check_commissioner(enterprise: Enterprise) -> None:
    """An assigned commissioner must be an active commissioner filed at a region covering the county."""
    commissioner = enterprise.commissioner
    if commissioner is None:
        return
    if commissioner.role != "commissioner" or not commissioner.is_active or commissioner.region_id is None:
        raise ValidationError({"commissioner": _("所选用户不是在册的数字专员。")})
    if enterprise.county_id and not enterprise.county.path.startswith(commissioner.region.path):
        raise ValidationError({"commissioner": _("所选数字专员不负责该企业所在的县（市、区）。")})


def _record_assignment(*, actor, enterprise: Enterprise) -> None:
    """Keep the Assignment history in step with ``enterprise.commissioner`` (close the open row, open one)."""
    Assignment.objects.filter(enterprise=enterprise, ended_at__isnull=True).update(ended_at=timezone.now())
    if enterprise.commissioner_id:
        Assignment.objects.create(
            enterprise=enterprise, commissioner_id=enterprise.commissioner_id, assigned_by=actor
        )


def _check_county_scope(actor, county) -> None:
    if actor is not None and not region_in_scope(actor, county):
        raise ValidationError({"county": _("该县（市、区）不在您的管辖范围内。")})


@transaction.atomic
def enterprise_create(
    *, actor, data: dict[str, Any], source: str = EnterpriseChange.Source.WEB
) -> Enterprise:
    """Create an archive and its first history entry.

    ``actor`` None means the system (seed, CLI import without a user). Raises ``PermissionDenied``
    if the actor may not create archives and ``ValidationError`` for invalid data or a county
    outside the actor's region.
    """
    if actor is not None and not can_create_enterprise(actor):
        raise PermissionDenied(_("您没有建立企业档案的权限。"))
    enterprise = Enterprise(**data)
    _check_county_scope(actor, enterprise.county if enterprise.county_id else None)
    _check_commissioner(enterprise)
    enterprise.full_clean()
    enterprise.save()
    if enterprise.commissioner_id:
        _record_assignment(actor=actor, enterprise=enterprise)
    EnterpriseChange.objects.create(
        enterprise=enterprise,
        actor=actor,
        action=EnterpriseChange.Action.CREATE,
        source=source,
        changes=creation_changes(enterprise, data),
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor, enterprise: Enterprise, data: dict[str, Any], source: str = EnterpriseChange.Source.WEB
) -> dict[str, list[Any]]:
    """Apply ``data`` to ``enterprise`` and record what changed; returns {field: [before, after]}.

    A call that changes nothing writes nothing. Commissioners may only touch
    ``COMMISSIONER_FIELDS``; officers may not move an archive out of their region.
    The caller must already have fetched ``enterprise`` through ``visible_to(actor)``.
    """
    if actor is not None:
        if not can_edit_enterprise_fields(actor):
            raise PermissionDenied(_("您没有修改企业档案的权限。"))
        if actor.role == "commissioner":
            forbidden = set(data) - COMMISSIONER_FIELDS
            if forbidden:
                raise PermissionDenied(_("数字专员只能更新走访了解到的联系方式和数字化情况。"))
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changes = diff_fields(locked, data)
    if not changes:
        return {}
    for field in changes:
        setattr(locked, field, data[field])
    if "county" in changes and actor is not None and actor.role != "commissioner":
        _check_county_scope(actor, locked.county)
    if {"county", "commissioner"} & set(changes):
        _check_commissioner(locked)
    locked.full_clean()
    locked.save()
    if "commissioner" in changes:
        _record_assignment(actor=actor, enterprise=locked)
    EnterpriseChange.objects.create(
        enterprise=locked, actor=actor, action=EnterpriseChange.Action.UPDATE, source=source, changes=changes
    )
    enterprise.refresh_from_db()
    return changes


@transaction.atomic
def enterprise_record_diagnosis(*, enterprise: Enterprise, facts: dict[str, Any]) -> dict[str, list[Any]]:
    """Copy what an issued diagnosis found (``DIAGNOSIS_FACTS``) onto the archive, with a history
    entry of source ``diagnosis`` (no actor: the diagnosis' own events say who issued it).
    Returns {field: [before, after]}; nothing is written when nothing changes."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changes = instance_diff(locked, facts, fields=DIAGNOSIS_FACTS)
    if not changes:
        return {}
    for field in changes:
        setattr(locked, field, facts[field])
    locked.save(update_fields=[*changes, "updated_at"])
    EnterpriseChange.objects.create(
        enterprise=locked,
        actor=None,
        action=EnterpriseChange.Action.UPDATE,
        source=EnterpriseChange.Source.DIAGNOSIS,
        changes=changes,
    )
    return changes
