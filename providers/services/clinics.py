"""Writes of clinics and promotion centres: create, edit, open/close/reopen, staff accounts.

Contract: keyword-only, ``@transaction.atomic``, ``full_clean()`` before saving. Only officers
(province anywhere, city/county officers inside their region) manage clinics: anyone else gets
``PermissionDenied``; a region outside the officer's reach or invalid data gives ``ValidationError``
with a message in Chinese. Every status change is recorded in ``ClinicStatusChange``.
The caller must already have fetched ``clinic`` through ``Clinic.objects.visible_to(actor)``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.permissions import is_officer
from accounts.scope import region_in_scope
from accounts.services import staff_account_create
from providers.industries import validate_divisions
from providers.models import Clinic, ClinicStatusChange, Provider

#: Kinds of organisation that may operate a clinic or centre.
OPERATOR_KINDS = (Organisation.Kind.PROVIDER, Organisation.Kind.PARK, Organisation.Kind.CENTRE)
#: Kinds of operator that may be created inline by name on the clinic form.
INLINE_OPERATOR_KINDS = (Organisation.Kind.PARK, Organisation.Kind.CENTRE)


def check_officer_for(actor, region, *, field: str = "region") -> None:
    """``PermissionDenied`` unless ``actor`` is an officer; ``ValidationError`` if ``region`` is not theirs."""
    if not is_officer(actor):
        raise PermissionDenied(_("只有省、市、县工信部门可以管理数字化诊所、促进中心和数字专员。"))
    if region is None or not region_in_scope(actor, region):
        raise ValidationError({field: _("所选地区不在您的管辖范围内。")})


def _check_operator(operator: Organisation) -> None:
    if operator.kind not in OPERATOR_KINDS:
        raise ValidationError({"operator": _("运营主体须为服务商、产业园区或促进中心。")})
    provider = Provider.objects.filter(organisation=operator).only("status").first()
    if provider is not None and provider.status != Provider.Status.ADMITTED:
        raise ValidationError({"operator": _("该服务商当前不是已入库状态，不能运营诊所。")})


@transaction.atomic
def clinic_create(
    *,
    actor,
    name: str,
    kind: str,
    region,
    operator: Organisation | None = None,
    new_operator_name: str = "",
    new_operator_kind: str = Organisation.Kind.PARK,
    address: str = "",
    industries: list[str] | None = None,
    monthly_capacity: int = 0,
    credit_code: str = "",
) -> Clinic:
    """Create a clinic or centre (its ``Organisation`` too) and its first status entry.

    The operator is an existing organisation (provider, park or centre) or, with
    ``new_operator_name``, a park or centre created here in the same region. Exactly one of the two.
    """
    check_officer_for(actor, region)
    name = (name or "").strip()
    new_operator_name = (new_operator_name or "").strip()
    if bool(operator) == bool(new_operator_name):
        raise ValidationError({"operator": _("请选择一个运营主体，或填写新运营主体的名称（二选一）。")})
    if new_operator_name:
        if new_operator_kind not in INLINE_OPERATOR_KINDS:
            raise ValidationError({"new_operator_kind": _("新建运营主体只能是产业园区或促进中心。")})
        operator = Organisation(name=new_operator_name, kind=new_operator_kind, region=region)
        operator.full_clean()
        operator.save()
    _check_operator(operator)
    if kind not in Clinic.Kind.values:
        raise ValidationError({"kind": _("请选择数字化诊所或促进中心。")})
    organisation = Organisation(name=name, kind=kind, region=region, credit_code=credit_code)
    organisation.full_clean()
    organisation.save()
    clinic = Clinic(
        organisation=organisation,
        kind=kind,
        operator=operator,
        region=region,
        address=address,
        industries=validate_divisions(industries or []),
        monthly_capacity=monthly_capacity,
        status=Clinic.Status.OPEN,
        status_changed_at=timezone.now(),
    )
    clinic.full_clean()
    clinic.save()
    ClinicStatusChange.objects.create(
        clinic=clinic, from_status="", to_status=Clinic.Status.OPEN, actor=actor, reason=_("新建")
    )
    return clinic


@transaction.atomic
def clinic_set_status(*, actor, clinic: Clinic, to_status: str, reason: str = "") -> ClinicStatusChange:
    """Open, close or reopen a clinic; closing needs a reason. Records who, when, from → to, why.

    Setting the status it already has is refused (``ValidationError``), so history has no no-op rows.
    """
    check_officer_for(actor, clinic.region)
    if to_status not in Clinic.Status.values:
        raise ValidationError({"to_status": _("未知的状态。")})
    reason = (reason or "").strip()
    locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
    if locked.status == to_status:
        raise ValidationError(
            {"to_status": _("该机构已经是“%(s)s”状态。") % {"s": locked.get_status_display()}}
        )
    if to_status == Clinic.Status.CLOSED and not reason:
        raise ValidationError({"reason": _("关闭诊所须填写理由。")})
    change = ClinicStatusChange(
        clinic=locked, from_status=locked.status, to_status=to_status, actor=actor, reason=reason
    )
    change.full_clean()
    locked.status = to_status
    locked.status_changed_at = change.at
    locked.full_clean()
    locked.save(update_fields=["status", "status_changed_at"])
    change.save()
    clinic.refresh_from_db()
    return change


@transaction.atomic
def clinic_staff_create(
    *, actor, clinic: Clinic, username: str, display_name: str, phone: str = ""
) -> tuple[User, str]:
    """A clinic staff account (role clinic_staff, organisation = the clinic's) with a generated password.

    Returns the user and the initial password, which the caller shows once and never stores.
    """
    check_officer_for(actor, clinic.region)
    return staff_account_create(
        organisation=clinic.organisation,
        role=Role.CLINIC_STAFF,
        username=username,
        display_name=display_name,
        phone=phone,
    )


#: What an officer may change on a clinic after creating it (region and operator stay; a move is a
#: new clinic, so that the open/closed history of each place stays true).
CLINIC_EDITABLE = ("name", "address", "industries", "monthly_capacity")


@transaction.atomic
def clinic_update(*, actor, clinic: Clinic, data: dict) -> Clinic:
    """Change a clinic's name, address, industries of focus or monthly capacity.

    Officers in whose region the clinic lies only (``PermissionDenied``/``ValidationError`` as for
    creating one). The caller fetched ``clinic`` through ``visible_to(actor)``.
    """
    check_officer_for(actor, clinic.region)
    unknown = set(data) - set(CLINIC_EDITABLE)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    locked = Clinic.objects.select_for_update().select_related("organisation").get(pk=clinic.pk)
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise ValidationError({"name": _("请填写名称。")})
        locked.organisation.name = name
        locked.organisation.full_clean()
        locked.organisation.save(update_fields=["name"])
    if "address" in data:
        locked.address = (data["address"] or "").strip()
    if "industries" in data:
        locked.industries = validate_divisions(list(data["industries"] or []))
    if "monthly_capacity" in data:
        locked.monthly_capacity = data["monthly_capacity"]
    locked.full_clean()
    locked.save()
    return locked
