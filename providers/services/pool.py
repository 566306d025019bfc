"""Writes to the provider pool: online application, the admission lifecycle, profile and qualifications.

Contract:
- ``provider_apply`` is the public application (no actor, no sign-in). Every well-formed
  submission is accepted and recorded as a ``ProviderApplication`` whose number the applicant
  gets. A credit code the pool does not know creates the provider in ``APPLIED`` at once
  (``FILED``). A code that already has a provider record, in any status, is held apart
  (``HELD``) and changes nothing: anyone can type any credit code, so unreviewed input must
  never overwrite a provider's name, contacts or qualifications. The answer is the same in both
  cases, so the public form reveals nothing about records an anonymous person may not see (the
  public directory shows admitted providers only); the officer sees the duplicate instead.
- ``provider_application_accept`` / ``provider_application_decline`` are the province's decision on
  a held submission. Accepting replaces the provider's data with the submission's and, for a
  rejected or removed provider, moves it back to ``APPLIED`` (the admission decision follows as
  usual); both steps are recorded in ``ProviderStatusChange``. Declining changes nothing but the
  submission's own status.
- ``provider_transition`` moves a provider along ``TRANSITIONS`` only. Who may make a move is
  stated per move (``PROVINCE`` or ``REGIONAL``); a move not in the table is a ``ValidationError``,
  a move the actor may not make a ``PermissionDenied``, a blank reason a ``ValidationError``.
- ``provider_update``, ``qualification_save`` and ``qualification_delete`` are for the provider's
  own staff. Callers fetch the provider through ``visible_to``/selectors first (404 there).
- ``provider_set_flag`` is the hook for the performance evaluation: it marks (or unmarks) a provider
  for a suspension review; a person then decides with ``provider_transition``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role
from accounts.services import staff_account_create
from regions.codes import credit_code_problem, normalise_credit_code
from regions.models import Region

from ..models import Provider, ProviderApplication, ProviderStatusChange, Qualification, ServiceCategory
from ..permissions import (  # noqa: F401 (TRANSITIONS, PROVINCE, REGIONAL: the table services and tests read)
    PROVINCE,
    REGIONAL,
    TRANSITIONS,
    is_provider_staff_of,
    is_province,
    may_create_staff,
    may_make_move,
)

S = Provider.Status

#: Statuses from which the same credit code may apply again.
REAPPLY_FROM = {S.REJECTED, S.REMOVED}

#: Profile fields provider staff may change themselves (never the status, name or credit code).
PROFILE_FIELDS = (
    "description", "website", "contact_person", "contact_phone", "contact_email", "regions_served", "categories",
)  # fmt: skip
HOME_REGION_LEVELS = {"city", "zone", "county"}
APPLICATION_REASON = "在线申请"
#: History reasons (stored data, like the two above): the number and the officer's own words.
ACCEPTED_REASON = "采纳在线申请 {number}：{reason}"
PROFILE_TEXT_FIELDS = ("description", "website", "contact_person", "contact_phone", "contact_email")
A = ProviderApplication.Status


def application_number(provider: Provider) -> str:
    """The number of the provider's latest filed or accepted submission (what its applicant quotes).

    Providers filed before submissions were recorded keep their old number: ``FWS`` + application
    date + the provider id.
    """
    latest = (
        provider.applications.filter(status__in=[A.FILED, A.ACCEPTED])
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if latest is not None:
        return latest.number
    return f"FWS{timezone.localtime(provider.applied_at):%Y%m%d}{provider.pk:05d}"


def _status_label(value: str) -> str:
    return str(S(value).label) if value in S.values else value


def _record(provider: Provider, *, actor, from_status: str, to_status: str, reason: str) -> None:
    ProviderStatusChange.objects.create(
        provider=provider, actor=actor, from_status=from_status, to_status=to_status, reason=reason
    )


def _check_application(data: dict[str, Any], qualifications: list[dict[str, Any]]) -> str:
    code = normalise_credit_code(data.get("credit_code", ""))
    problem = credit_code_problem(code)
    if problem:
        raise ValidationError({"credit_code": problem})
    home = data.get("home_region")
    if home is None or home.level not in HOME_REGION_LEVELS:
        raise ValidationError({"home_region": _("注册地请选择设区市、新区或县（市、区）。")})
    if not data.get("categories"):
        raise ValidationError({"categories": _("请至少选择一个服务类别。")})
    if not qualifications:
        raise ValidationError({"__all__": _("请至少填写一项资质。")})
    return code


def _save_qualifications(provider: Provider, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        qualification = Qualification(provider=provider, **row)
        qualification.full_clean()
        qualification.save()


def _snapshot(data: dict[str, Any], qualifications: list[dict[str, Any]]) -> dict[str, Any]:
    """The submission as JSON: texts, region and category codes, qualifications with ISO dates."""
    return {
        **{f: data.get(f, "") or "" for f in PROFILE_TEXT_FIELDS},
        "regions_served": [r.code for r in data.get("regions_served") or []],
        "categories": [c.code for c in data.get("categories") or []],
        "qualifications": [
            {
                key: (value.isoformat() if hasattr(value, "isoformat") else value or "")
                for key, value in row.items()
            }
            for row in qualifications
        ],
    }


def _check_held(data: dict[str, Any], qualifications: list[dict[str, Any]], provider: Provider) -> None:
    """Judge a held submission by the same model rules as a new one, writing nothing."""
    candidate = Provider(
        organisation=provider.organisation,
        home_region=data["home_region"],
        **{f: data.get(f, "") or "" for f in PROFILE_TEXT_FIELDS},
    )
    candidate.full_clean(exclude=["organisation"], validate_unique=False)
    for row in qualifications:
        Qualification(provider=provider, **row).full_clean(exclude=["provider"])


@transaction.atomic
def provider_apply(*, data: dict[str, Any], qualifications: list[dict[str, Any]]) -> ProviderApplication:
    """Record an online application; returns the submission (``number`` for the applicant).

    ``data``: name, credit_code, home_region (a city, zone or county), regions_served, categories,
    description, website, contact_person, contact_phone, contact_email. ``qualifications``: one
    dict per certificate (name, number, issuer, valid_from, valid_until), at least one.
    Raises ``ValidationError`` for invalid data only — never because the credit code is known.
    A new code: the provider is created in ``APPLIED`` and the submission is ``FILED``. A known
    code: the submission is ``HELD`` for the province and the provider is left untouched.
    """
    code = _check_application(data, qualifications)
    snapshot = _snapshot(data, qualifications)
    organisation = (
        Organisation.objects.select_for_update()
        .filter(kind=Organisation.Kind.PROVIDER, credit_code=code)
        .order_by("pk")
        .first()
    )
    existing = (
        Provider.objects.select_for_update().filter(organisation=organisation).first()
        if organisation
        else None
    )
    submission = ProviderApplication(
        name=data["name"], credit_code=code, home_region=data["home_region"], data=snapshot
    )
    if existing is not None:
        _check_held(data, qualifications, existing)
        submission.provider = existing
        submission.status = A.HELD
        submission.full_clean()
        submission.save()
        return submission

    if organisation is None:
        organisation = Organisation(kind=Organisation.Kind.PROVIDER, credit_code=code)
    organisation.name = data["name"]
    organisation.region = data["home_region"]
    organisation.full_clean()
    organisation.save()

    now = timezone.now()
    provider = Provider(organisation=organisation, home_region=data["home_region"])
    for field in PROFILE_TEXT_FIELDS:
        setattr(provider, field, data.get(field, "") or "")
    provider.status = S.APPLIED
    provider.status_changed_at = now
    provider.applied_at = now
    provider.full_clean()
    provider.save()
    provider.regions_served.set(data.get("regions_served") or [])
    provider.categories.set(data["categories"])
    _save_qualifications(provider, qualifications)
    _record(provider, actor=None, from_status="", to_status=S.APPLIED, reason=APPLICATION_REASON)
    submission.provider = provider
    submission.status = A.FILED
    submission.submitted_at = now
    submission.full_clean()
    submission.save()
    return submission


def _decide(actor, application: ProviderApplication, reason: str) -> tuple[ProviderApplication, str]:
    if not is_province(actor):
        raise PermissionDenied(_("只有省工信厅可以处理入库申请。"))
    locked = ProviderApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != A.HELD:
        raise ValidationError(_("该申请已处理，不能重复处理。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写处理意见。")})
    return locked, reason


@transaction.atomic
def provider_application_accept(*, actor, application: ProviderApplication, reason: str) -> Provider:
    """Apply a held submission to its provider (province only); returns the updated provider.

    Name, registered region, profile texts, regions served, categories and qualifications become
    the submission's. A rejected or removed provider goes back to ``APPLIED`` (awaiting the
    admission decision); any other status is kept. One ``ProviderStatusChange`` records it.
    """
    locked, reason = _decide(actor, application, reason)
    provider = Provider.objects.select_for_update().select_related("organisation").get(pk=locked.provider_id)
    data = locked.data
    organisation = provider.organisation
    organisation.name = locked.name
    organisation.region = locked.home_region
    organisation.full_clean()
    organisation.save()

    from_status = provider.status
    provider.home_region = locked.home_region
    for field in PROFILE_TEXT_FIELDS:
        setattr(provider, field, data.get(field, ""))
    if from_status in REAPPLY_FROM:
        provider.status = S.APPLIED
        provider.status_changed_at = provider.applied_at = timezone.now()
    provider.full_clean()
    provider.save()
    provider.regions_served.set(Region.objects.filter(code__in=data.get("regions_served", [])))
    provider.categories.set(ServiceCategory.objects.filter(code__in=data.get("categories", [])))
    provider.qualifications.all().delete()
    _save_qualifications(
        provider,
        [
            {k: v or None if k.startswith("valid_") else v for k, v in row.items()}
            for row in data.get("qualifications", [])
        ],
    )
    _record(
        provider,
        actor=actor,
        from_status=from_status,
        to_status=provider.status,
        reason=ACCEPTED_REASON.format(number=locked.number, reason=reason),
    )
    locked.status = A.ACCEPTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save()
    application.refresh_from_db()
    return provider


@transaction.atomic
def provider_application_decline(
    *, actor, application: ProviderApplication, reason: str
) -> ProviderApplication:
    """Decline a held submission (province only); the provider is not touched."""
    locked, reason = _decide(actor, application, reason)
    locked.status = A.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save()
    application.refresh_from_db()
    return locked


@transaction.atomic
def provider_transition(*, actor, provider: Provider, to_status: str, reason: str) -> Provider:
    """Move ``provider`` to ``to_status`` with a reason, as ``TRANSITIONS`` allows ``actor``.

    Locks the row, so two officers acting at once cannot both move it from the same status.
    Reinstating (suspended → admitted) and re-admitting (removed → admitted) clear
    ``flagged_for_review``. Returns the updated provider.
    """
    locked = Provider.objects.select_for_update().select_related("home_region").get(pk=provider.pk)
    from_status = locked.status
    if to_status not in S.values:
        raise ValidationError({"to_status": _("未知的入库状态：%(s)s") % {"s": to_status}})
    level = TRANSITIONS.get((from_status, to_status))
    if level is None:
        raise ValidationError(
            {
                "to_status": _("不能从“%(a)s”直接变为“%(b)s”。")
                % {"a": _status_label(from_status), "b": _status_label(to_status)}
            }
        )
    if level == PROVINCE and not is_province(actor):
        raise PermissionDenied(
            _("只有省工信厅可以将服务商从“%(a)s”变为“%(b)s”。")
            % {"a": _status_label(from_status), "b": _status_label(to_status)}
        )
    if level == REGIONAL and not may_make_move(actor, locked, REGIONAL):
        raise PermissionDenied(_("只有省工信厅或服务商注册地所在设区市的工信局可以暂停或恢复服务商。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写变更理由。")})

    locked.status = to_status
    locked.status_changed_at = timezone.now()
    if to_status == S.ADMITTED and from_status in (S.SUSPENDED, S.REMOVED):
        locked.flagged_for_review = False
    locked.full_clean()
    locked.save()
    _record(locked, actor=actor, from_status=from_status, to_status=to_status, reason=reason)
    provider.refresh_from_db()
    return locked


@transaction.atomic
def provider_set_flag(*, provider: Provider, flagged: bool = True) -> Provider:
    """Mark a provider for a suspension review (the evaluation's hook); the status is not changed."""
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    if locked.flagged_for_review != flagged:
        locked.flagged_for_review = flagged
        locked.save(update_fields=["flagged_for_review"])
    return locked


def _require_staff(actor, provider: Provider, message: str) -> None:
    if not is_provider_staff_of(actor, provider):
        raise PermissionDenied(message)


@transaction.atomic
def provider_update(*, actor, provider: Provider, data: dict[str, Any]) -> Provider:
    """Update the provider's own profile (``PROFILE_FIELDS`` only); its staff only."""
    _require_staff(actor, provider, _("只有该服务商的工作人员可以修改服务商资料。"))
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise PermissionDenied(_("服务商不能修改入库状态、名称、信用代码或注册地。"))
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    if "categories" in data and not data["categories"]:
        raise ValidationError({"categories": _("请至少选择一个服务类别。")})
    for field, value in data.items():
        if field not in ("regions_served", "categories"):
            setattr(locked, field, value or "")
    locked.full_clean()
    locked.save()
    if "regions_served" in data:
        locked.regions_served.set(data["regions_served"])
    if "categories" in data:
        locked.categories.set(data["categories"])
    provider.refresh_from_db()
    return locked


QUALIFICATION_FIELDS = ("name", "number", "issuer", "valid_from", "valid_until")


@transaction.atomic
def qualification_save(
    *, actor, provider: Provider, data: dict[str, Any], qualification: Qualification | None = None
) -> Qualification:
    """Add a qualification to the actor's own provider, or edit one of its qualifications."""
    _require_staff(actor, provider, _("只有该服务商的工作人员可以维护资质。"))
    if qualification is None:
        qualification = Qualification(provider=provider)
    elif qualification.provider_id != provider.pk:
        raise PermissionDenied(_("该资质不属于您的服务商。"))
    for field in QUALIFICATION_FIELDS:
        if field in data:
            value = data[field]
            setattr(qualification, field, value if field in ("valid_from", "valid_until") else value or "")
    qualification.full_clean()
    qualification.save()
    return qualification


@transaction.atomic
def qualification_delete(*, actor, qualification: Qualification) -> None:
    """Delete one of the actor's own provider's qualifications (a provider keeps at least one)."""
    provider = qualification.provider
    _require_staff(actor, provider, _("只有该服务商的工作人员可以删除资质。"))
    if provider.qualifications.count() <= 1:
        raise ValidationError(_("服务商至少应保留一项资质；请先添加新的资质再删除这一项。"))
    qualification.delete()


@transaction.atomic
def provider_staff_create(*, actor, provider: Provider, username: str, display_name: str, phone: str = ""):
    """A staff account of ``provider`` (role provider_staff) with a generated initial password.

    Returns ``(user, password)``; the caller shows the password once. ``PermissionDenied`` for
    anyone but the province and the provider's own staff; a taken login name is a ``ValidationError``.
    A provider that has been removed from the pool or rejected gets no new accounts.
    """
    if not may_create_staff(actor, provider):
        raise PermissionDenied(_("只有省工信厅或该服务商的工作人员可以为其开设账号。"))
    if provider.status in (S.REMOVED, S.REJECTED):
        raise ValidationError(_("该服务商已出库或未通过入库审核，不能开设新账号。"))
    return staff_account_create(
        organisation=provider.organisation,
        role=Role.PROVIDER_STAFF,
        username=username,
        display_name=display_name,
        phone=phone,
    )
