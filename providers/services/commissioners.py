"""Writes of the commissioner registry (入库) and training records.

Contract: keyword-only, ``@transaction.atomic``, ``full_clean()`` before saving. Only officers may
register commissioners, and only in regions inside their reach (province officers: anywhere).
The tier fixes the level of the region: province → the province, city → a city or the zone,
county → a county (``CommissionerProfile.clean``). Registering creates the sign-in account
(role commissioner) with a generated initial password the caller shows once.

Deactivation writes enterprises (the caseload is handed over), so it lives in
``diagnosis.services.assignment.commissioner_deactivate``.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import is_officer
from accounts.scope import region_in_scope
from accounts.services import generate_password
from providers.models import CommissionerProfile, TrainingRecord

from .clinics import check_officer_for


@transaction.atomic
def commissioner_register(
    *,
    actor,
    display_name: str,
    region,
    tier: str,
    phone: str = "",
    username: str = "",
    employer: str = "",
    registered_on: datetime.date | None = None,
) -> tuple[CommissionerProfile, str]:
    """File a commissioner: a user (role commissioner, region) and its ``CommissionerProfile``.

    ``username`` defaults to the phone number. Returns the profile and the initial password.
    """
    check_officer_for(actor, region)
    display_name = (display_name or "").strip()
    phone = (phone or "").strip()
    username = (username or "").strip() or phone
    if not display_name:
        raise ValidationError({"display_name": _("请填写数字专员的姓名。")})
    if not username:
        raise ValidationError({"username": _("请填写登录名或手机号（未填登录名时以手机号登录）。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该登录名已被使用，请换一个（可用手机号）。")})
    password = generate_password()
    user = User(
        username=username, display_name=display_name, phone=phone, role=Role.COMMISSIONER, region=region
    )
    user.set_password(password)
    if tier not in CommissionerProfile.Tier.values:
        raise ValidationError({"tier": _("请选择层级：省级、市级或县级。")})
    user.full_clean()
    user.save()  # rolled back with the transaction if the profile below is refused
    profile = CommissionerProfile(
        user=user,
        tier=tier,
        employer=(employer or "").strip(),
        registered_on=registered_on or timezone.localdate(),
    )
    profile.full_clean()  # tier ↔ region level (CommissionerProfile.clean)
    profile.save()
    return profile, password


def _check_manage(actor, profile: CommissionerProfile) -> None:
    if not is_officer(actor):
        raise PermissionDenied(_("只有省、市、县工信部门可以维护数字专员的培训记录。"))
    if not region_in_scope(actor, profile.user.region):
        raise PermissionDenied(_("该数字专员不在您的管辖范围内。"))


@transaction.atomic
def training_record_add(
    *,
    actor,
    profile: CommissionerProfile,
    title: str,
    held_on: datetime.date,
    hours: Decimal,
    organiser: str = "",
    certificate: str = "",
) -> TrainingRecord:
    """Record a training the commissioner attended (officers in scope; not in the future)."""
    _check_manage(actor, profile)
    if held_on and held_on > timezone.localdate():
        raise ValidationError({"held_on": _("培训日期不能晚于今天。")})
    record = TrainingRecord(
        commissioner=profile,
        title=(title or "").strip(),
        held_on=held_on,
        hours=hours,
        organiser=(organiser or "").strip(),
        certificate=(certificate or "").strip(),
    )
    record.full_clean()
    record.save()
    return record
