"""Money that funds projects from outside the enterprise: service vouchers (服务券) and the subsidy
rules requests are checked against.

A voucher is issued to an enterprise by a department (amount, purpose, expiry) and redeemed
against the enterprise's projects with admitted providers. ``redeemed`` is the running total: the
database refuses it above ``amount`` or below zero (``voucher_redeemed_within_amount``), so no
pair of concurrent redemptions can overspend, whatever the code above does. Each movement is one
``VoucherEntry`` (the ledger), with the balance after it.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import EVERYTHING, ScopedQuerySet, ScopeRule, Through
from core.jobs import Job
from core.validators import check_dates
from diagnosis.models.enterprises import MONEY, Enterprise
from diagnosis.models.projects import TransformationProject

POSITIVE_MONEY = {**MONEY, "validators": [MinValueValidator(0.0001)]}


class ServiceVoucher(models.Model):
    """A service voucher of ``amount`` 万元 for ``enterprise``, usable until ``expires_on``."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("可使用")
        USED = "used", _("已用完")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已作废")

    number = models.CharField(_("券号"), max_length=24, unique=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="vouchers")
    issuer_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("发放部门所在地")
    )
    amount = models.DecimalField(_("面额（万元）"), **POSITIVE_MONEY)
    redeemed = models.DecimalField(_("已使用（万元）"), default=0, **MONEY)
    purpose = models.CharField(_("用途"), max_length=200)
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    #: Whoever sees the enterprise sees its vouchers (provider staff see the redemptions through
    #: the projects they lead, not the vouchers themselves).
    scope = ScopeRule.every_reach(Through("enterprise"), organisation=None)

    class Meta:
        verbose_name = _("服务券")
        verbose_name_plural = _("服务券")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(redeemed__gte=0) & Q(redeemed__lte=F("amount")),
                name="voucher_redeemed_within_amount",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="voucher_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        check_dates(self, planned=["expires_on"])

    @property
    def balance(self):
        return self.amount - self.redeemed


class VoucherEntry(models.Model):
    """One movement of a voucher: issued, redeemed against a project, expired (the balance closed), revoked."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("发放")
        REDEEM = "redeem", _("使用")
        EXPIRE = "expire", _("过期")
        REVOKE = "revoke", _("作废")

    voucher = models.ForeignKey(ServiceVoucher, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("金额（万元）"), **MONEY)
    balance_after = models.DecimalField(_("余额（万元）"), **MONEY)
    project = models.ForeignKey(
        TransformationProject, on_delete=models.PROTECT, null=True, blank=True, related_name="voucher_entries"
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="voucher_entries"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("voucher"), organisation=None)

    class Meta:
        verbose_name = _("服务券流水")
        verbose_name_plural = _("服务券流水")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.voucher_id} {self.kind} {self.amount}"


class SubsidyRule(models.Model):
    """A limit on government money, as configuration (the province edits them in the admin).

    ``share_of_cost``: subsidy plus vouchers of a project at most ``limit`` % of its investment.
    ``per_provider_year``: at most ``limit`` 万元 a year across the projects one provider leads.
    ``per_enterprise_year``: at most ``limit`` 万元 a year for one enterprise.
    """

    class Kind(models.TextChoices):
        SHARE_OF_COST = "share_of_cost", _("不超过改造投入的比例（%）")
        PER_PROVIDER_YEAR = "per_provider_year", _("每个服务商（平台）每年上限（万元）")
        PER_ENTERPRISE_YEAR = "per_enterprise_year", _("每家企业每年上限（万元）")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    limit = models.DecimalField(_("限额"), **POSITIVE_MONEY)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("补助规则")
        verbose_name_plural = _("补助规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class VoucherExpiryRun(Job):
    """The status row of one day's voucher closing (``core.jobs``): created by the sweep's catch-up
    each day, it closes vouchers whose ``expires_on`` has passed with an EXPIRE ledger entry."""

    day = models.DateField(_("日期"), unique=True)
    closed_count = models.PositiveIntegerField(_("关闭数量"), default=0)

    objects = ScopedQuerySet.as_manager()
    #: Operations data: the province and administrators only.
    scope = ScopeRule(all=EVERYTHING)

    class Meta:
        verbose_name = _("服务券过期处理")
        verbose_name_plural = _("服务券过期处理")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} ({self.status})"
