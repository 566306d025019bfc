"""Writes of service vouchers and the subsidy rules every grant of government money is checked against.

Contract:
- ``voucher_issue``: officers whose region holds the enterprise issue a voucher (amount > 0 万元,
  purpose, expiry not past); its ledger starts with an ISSUE entry.
- ``voucher_redeem``: the enterprise's users or its officers redeem part of a voucher against one
  of the enterprise's open projects whose lead provider is admitted. The balance is taken by one
  conditional ``UPDATE … SET redeemed = redeemed + x WHERE redeemed + x <= amount AND active AND
  not expired``: of two requests at the same moment the database lets through only what fits, and
  the check constraint ``voucher_redeemed_within_amount`` refuses anything else. A refusal names
  the balance and the amount asked; nothing is written.
- ``voucher_revoke``: officers close a voucher's balance with a reason.
- ``vouchers_expire_run(day)``: the daily job (``VoucherExpiryRun`` on ``core.jobs``) closes every
  active voucher whose ``expires_on`` is before ``day`` with an EXPIRE entry; run twice, it closes
  nothing twice.
- Subsidy rules (``SubsidyRule``, configuration): a project's government money — its subsidy
  (the actual one once given, else the planned one) plus the vouchers redeemed on it — is checked
  on every create, edit and redemption (``subsidy_breaches``); a breach refuses the request with
  the figures that break the rule.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import history_value
from core.jobs import JobLost
from diagnosis.models import (
    Enterprise,
    ServiceVoucher,
    SubsidyRule,
    TransformationProject,
    VoucherEntry,
    VoucherExpiryRun,
)
from diagnosis.permissions import can_accept_project, can_issue_voucher, can_manage_project
from diagnosis.services import projects as project_services

logger = logging.getLogger(__name__)
Kind = VoucherEntry.Kind
VStatus = ServiceVoucher.Status
PStatus = TransformationProject.Status
ZERO = Decimal("0")
HUNDRED = Decimal("100")
#: Projects vouchers may be redeemed against.
REDEEMABLE_STATES = (PStatus.PLANNED, PStatus.IN_PROGRESS, PStatus.COMPLETED)


def _n(value: Decimal) -> str:
    return history_value(value)


def _money(value, field: str) -> Decimal:
    """A positive amount of 万元 with at most 4 decimals, or a ValidationError naming ``field``."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请输入金额（万元），例如 12.5。")}, code="invalid") from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("金额须大于 0。")}, code="invalid")
    if amount.as_tuple().exponent < -4 or amount.adjusted() >= 11:
        raise ValidationError({field: _("金额最多 11 位整数、4 位小数（万元）。")}, code="invalid")
    return amount


# --- subsidy rules ------------------------------------------------------------------------------


def _vouchers_on(projects) -> Decimal:
    total = (
        VoucherEntry.objects.filter(project__in=projects, kind=Kind.REDEEM)
        .aggregate(s=Sum("amount"))["s"]
    )  # fmt: skip
    return total or ZERO


def _government_money(project: TransformationProject, extra_vouchers: Decimal = ZERO) -> Decimal:
    subsidy = project.actual_subsidy if project.actual_subsidy is not None else project.planned_subsidy
    return (subsidy or ZERO) + _vouchers_on([project.pk]) + extra_vouchers


def _year_of(project: TransformationProject) -> int:
    day = project.start_date or project.started_on or timezone.localdate()
    return day.year


def _others_money(projects) -> Decimal:
    rows = projects.aggregate(
        s=Sum(Coalesce("actual_subsidy", "planned_subsidy")),
    )
    return (rows["s"] or ZERO) + _vouchers_on(projects.values("pk"))


def subsidy_breaches(project: TransformationProject, *, extra_vouchers: Decimal = ZERO) -> list[str]:
    """What the active rules say is wrong with ``project``'s government money (plus
    ``extra_vouchers`` about to be redeemed on it), each with its figures; empty when it is within them."""
    money = _government_money(project, extra_vouchers)
    if money <= 0:
        return []
    problems = []
    year = _year_of(project)
    for rule in SubsidyRule.objects.filter(active=True):
        if rule.kind == SubsidyRule.Kind.SHARE_OF_COST:
            cost = (
                project.actual_investment
                if project.actual_investment is not None
                else project.planned_investment
            )
            if not cost:
                problems.append(
                    _("%(rule)s：项目未填写投资，不能安排补助 %(money)s 万元。")
                    % {"rule": rule, "money": _n(money)}
                )
            elif money * HUNDRED > cost * rule.limit:
                problems.append(
                    _("%(rule)s：补助 %(money)s 万元超过投资 %(cost)s 万元的 %(limit)s%%（%(cap)s 万元）。")
                    % {"rule": rule, "money": _n(money), "cost": _n(cost), "limit": _n(rule.limit),
                       "cap": _n(cost * rule.limit / HUNDRED)}
                )  # fmt: skip
            continue
        others = TransformationProject.objects.exclude(pk=project.pk).exclude(status=PStatus.CANCELLED)
        if rule.kind == SubsidyRule.Kind.PER_PROVIDER_YEAR:
            others, whose = others.filter(provider_id=project.provider_id), str(project.provider)
        else:
            others, whose = others.filter(enterprise_id=project.enterprise_id), str(project.enterprise)
        others = others.filter(_in_year_q(year))
        total = _others_money(others) + money
        if total > rule.limit:
            problems.append(
                _("%(rule)s：%(whose)s %(year)s 年补助合计将达 %(total)s 万元，超过上限 %(limit)s 万元。")
                % {"rule": rule, "whose": whose, "year": year, "total": _n(total), "limit": _n(rule.limit)}
            )
    return problems


def _in_year_q(year: int) -> Q:
    """Projects of ``year``: by their start date, else by when they were entered."""
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    dated = Q(start_date__gte=start, start_date__lt=end)
    undated = Q(start_date__isnull=True, created_at__year=year)
    return dated | undated


@project_services.on_money
def subsidy_check(*, project: TransformationProject) -> None:
    """Refuse a project create or edit whose government money breaks a rule (``subsidy_breaches``)."""
    problems = subsidy_breaches(project)
    if problems:
        raise ValidationError(problems, code="subsidy_rule")


# --- vouchers -----------------------------------------------------------------------------------


def _entry(voucher, kind, amount, actor, *, project=None, note="") -> VoucherEntry:
    voucher.refresh_from_db(fields=["redeemed", "status"])
    return VoucherEntry.objects.create(
        voucher=voucher,
        kind=kind,
        amount=amount,
        balance_after=ZERO if kind in (Kind.EXPIRE, Kind.REVOKE) else voucher.amount - voucher.redeemed,
        project=project,
        provider=project.provider if project is not None else None,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _issuer_region(actor):
    from regions.models import Region

    return (
        actor.region
        if getattr(actor, "region_id", None)
        else Region.objects.filter(parent__isnull=True).first()
    )


@transaction.atomic
def voucher_issue(
    *, actor, enterprise: Enterprise, amount, purpose: str, expires_on: datetime.date
) -> ServiceVoucher:
    """Issue a voucher to ``enterprise`` (see the module)."""
    if not can_issue_voucher(actor, enterprise):
        raise PermissionDenied(_("只有企业所在地的工信部门可以发放服务券。"))
    amount = _money(amount, "amount")
    if expires_on is None or expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("有效期不能早于今天。")}, code="invalid")
    voucher = ServiceVoucher(
        number="pending",
        enterprise=enterprise,
        issuer_region=_issuer_region(actor),
        amount=amount,
        purpose=(purpose or "").strip(),
        expires_on=expires_on,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    voucher.full_clean(exclude=["number"])
    voucher.save()
    voucher.number = f"FWQ{timezone.localdate().year}{voucher.pk:07d}"
    voucher.save(update_fields=["number"])
    _entry(voucher, Kind.ISSUE, amount, actor, note=voucher.purpose[:200])
    return voucher


def _refusal(voucher: ServiceVoucher, amount: Decimal) -> ValidationError:
    voucher.refresh_from_db()
    today = timezone.localdate()
    if voucher.status != VStatus.ACTIVE:
        return ValidationError(
            _("服务券 %(n)s 当前为“%(s)s”，不能使用。") % {"n": voucher, "s": voucher.get_status_display()},
            code="state",
        )
    if voucher.expires_on < today:
        return ValidationError(
            _("服务券 %(n)s 已于 %(d)s 过期。") % {"n": voucher, "d": voucher.expires_on}, code="expired"
        )
    return ValidationError(
        {
            "amount": _("服务券 %(n)s 余额 %(b)s 万元，不足本次使用的 %(a)s 万元。")
            % {"n": voucher, "b": _n(voucher.balance), "a": _n(amount)}
        },
        code="balance",
    )


@transaction.atomic
def voucher_redeem(
    *, actor, voucher: ServiceVoucher, project: TransformationProject, amount, note: str = ""
) -> VoucherEntry:
    """Redeem ``amount`` 万元 of ``voucher`` against ``project`` (see the module)."""
    from providers.models import Provider

    amount = _money(amount, "amount")
    # The project as it is now, locked: redemptions on one project queue here, so its subsidy
    # rules are checked against what the others wrote (the voucher's balance is the database's).
    project = (
        TransformationProject.objects.select_for_update(of=("self",))
        .select_related("enterprise__county", "provider__organisation")
        .get(pk=project.pk)
    )
    if not (can_manage_project(actor, voucher.enterprise) or can_accept_project(actor, project)):
        raise PermissionDenied(_("只有企业本身和企业所在地的工信部门可以使用服务券。"))
    if project.enterprise_id != voucher.enterprise_id:
        raise ValidationError({"project": _("服务券只能用于本企业的项目。")}, code="project")
    if project.status not in REDEEMABLE_STATES:
        raise ValidationError(
            {"project": _("项目当前为“%(s)s”，不能使用服务券。") % {"s": project.get_status_display()}},
            code="state",
        )
    if project.provider.status != Provider.Status.ADMITTED:
        raise ValidationError(
            {"project": _("项目的服务商“%(p)s”未入库，不能使用服务券。") % {"p": project.provider}},
            code="provider",
        )
    problems = subsidy_breaches(project, extra_vouchers=amount)
    if problems:
        raise ValidationError(problems, code="subsidy_rule")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            taken = ServiceVoucher.objects.filter(
                pk=voucher.pk,
                status=VStatus.ACTIVE,
                expires_on__gte=today,
                redeemed__lte=F("amount") - amount,
            ).update(redeemed=F("redeemed") + amount)
    except IntegrityError:
        taken = 0
    if not taken:
        raise _refusal(voucher, amount)
    ServiceVoucher.objects.filter(pk=voucher.pk, redeemed=F("amount")).update(status=VStatus.USED)
    return _entry(voucher, Kind.REDEEM, amount, actor, project=project, note=(note or "").strip()[:200])


@transaction.atomic
def voucher_revoke(*, actor, voucher: ServiceVoucher, reason: str) -> VoucherEntry:
    """Close an active voucher's balance (officers of its enterprise's region), with the reason."""
    if not can_issue_voucher(actor, voucher.enterprise):
        raise PermissionDenied(_("只有企业所在地的工信部门可以作废服务券。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("作废服务券须说明原因。")}, code="required")
    voucher = ServiceVoucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.status != VStatus.ACTIVE:
        raise _refusal(voucher, ZERO)
    balance = voucher.balance
    ServiceVoucher.objects.filter(pk=voucher.pk).update(status=VStatus.REVOKED)
    return _entry(voucher, Kind.REVOKE, balance, actor, note=reason[:200])


# --- the daily expiry job ---------------------------------------------------------------------


def voucher_expiry_catch_up(now: datetime.datetime) -> list[VoucherExpiryRun]:
    """Create today's run if it has none (the sweep rings it)."""
    run, created = VoucherExpiryRun.objects.get_or_create(day=timezone.localtime(now).date())
    return [run] if created else []


def voucher_expiry_enqueue(run: VoucherExpiryRun, *, countdown: float | None = None) -> None:
    """Send the day's task (the doorbell ``core.jobs`` rings for VoucherExpiryRun)."""
    from diagnosis.tasks import funding as tasks

    tasks.expire_vouchers.apply_async(kwargs={"day": run.day.isoformat()}, countdown=countdown)


def vouchers_expire_run(*, day: datetime.date) -> VoucherExpiryRun:
    """Close the vouchers expired before ``day`` (see the module); returns the run row."""
    run, _created = VoucherExpiryRun.objects.get_or_create(day=day)
    claimed = VoucherExpiryRun.claim(run.pk)
    if claimed is None:
        return VoucherExpiryRun.objects.get(pk=run.pk)
    run = claimed
    closed = 0
    try:
        due = ServiceVoucher.objects.filter(status=VStatus.ACTIVE, expires_on__lt=day).order_by("pk")
        for index, pk in enumerate(due.values_list("pk", flat=True).iterator()):
            if index % 200 == 0:
                run.heartbeat()
            with transaction.atomic():
                voucher = ServiceVoucher.objects.select_for_update().get(pk=pk)
                if voucher.status != VStatus.ACTIVE:
                    continue
                ServiceVoucher.objects.filter(pk=pk).update(status=VStatus.EXPIRED)
                _entry(
                    voucher,
                    Kind.EXPIRE,
                    voucher.balance,
                    None,
                    note=_("有效期至 %(d)s") % {"d": voucher.expires_on},
                )
                closed += 1
        run.finish(closed_count=closed + run.closed_count)
    except JobLost:
        return VoucherExpiryRun.objects.get(pk=run.pk)
    except Exception as exc:
        logger.exception("voucher expiry %s failed", day)
        run.fail(_("处理失败：%(reason)s") % {"reason": exc})
    return run
