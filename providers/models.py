"""The service system: the provider pool, clinics and centres, commissioners, and solutions.

Identity of a provider, clinic or centre is an ``accounts.Organisation`` (its staff users point at
it); the models here add the programme's records on top. Every scoped model has a queryset
``visible_to(user)`` built from ``accounts.scope``; the public directory uses its own selectors
(``providers.selectors.public_*``) that expose admitted providers and published solutions only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role
from accounts.scope import (
    EVERYTHING,
    Distinct,
    InRegion,
    OfOrganisation,
    OfUser,
    ScopedQuerySet,
    ScopeRule,
    ServesRegion,
    Through,
    Where,
)
from core.validators import check_dates, web_url_problem

MONEY = {"max_digits": 15, "decimal_places": 4, "validators": [MinValueValidator(0)]}


class ServiceCategory(models.Model):
    """A kind of service in the pool (consulting, industrial software, …): editable data."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class BusinessScenario(models.Model):
    """A business scenario of the diagnosis model (产品设计, 计划排程, …), as solutions address them.

    Loaded from ``providers/data/business_scenarios.csv`` (the 16 scenarios of the national SME
    digital-level model, 2024 edition); codes are shared with the diagnosis model's versions.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    group = models.CharField(_("分组"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("业务场景")
        verbose_name_plural = _("业务场景")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ProviderQuerySet(ScopedQuerySet):
    def admitted(self) -> "ProviderQuerySet":
        return self.filter(status=Provider.Status.ADMITTED)


class Provider(models.Model):
    """A service provider in (or applying to) the provincial pool (数字化转型服务商生态资源池)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        ADMITTED = "admitted", _("已入库")
        SUSPENDED = "suspended", _("已暂停")
        REMOVED = "removed", _("已出库")
        REJECTED = "rejected", _("未通过")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="provider", verbose_name=_("机构")
    )
    home_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="home_providers", verbose_name=_("注册地")
    )
    regions_served = models.ManyToManyField(
        "regions.Region", related_name="serving_providers", blank=True, verbose_name=_("服务地区")
    )
    categories = models.ManyToManyField(ServiceCategory, related_name="providers", verbose_name=_("服务类别"))
    description = models.TextField(_("简介"), blank=True)
    website = models.CharField(_("网站"), max_length=200, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    status = models.CharField(_("入库状态"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    #: Set by the evaluation when a provider is graded D twice in a row; a person decides.
    flagged_for_review = models.BooleanField(_("待暂停审查"), default=False)

    objects = ProviderQuerySet.as_manager()

    #: Province and administrators: all. City/county officers: providers based in their region, or
    #: admitted and serving it (a region served inside theirs, or one above it: a provider serving
    #: 南昌市 or the whole province serves 东湖区). Provider staff: their own provider. Everyone
    #: else: none (the public directory is a separate, published-only view).
    scope = ScopeRule(
        all=EVERYTHING,
        region=Distinct(
            InRegion("home_region") | (Where(status=Status.ADMITTED) & ServesRegion("regions_served"))
        ),
        organisation={Role.PROVIDER_STAFF: OfOrganisation("organisation")},
    )

    class Meta:
        verbose_name = _("服务商")
        verbose_name_plural = _("服务商")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def credit_code(self) -> str:
        return self.organisation.credit_code

    def clean(self) -> None:
        problem = web_url_problem(self.website)
        if problem:
            raise ValidationError({"website": problem})


class ProviderStatusChange(models.Model):
    """One step of a provider's pool lifecycle: who, when, from → to, and why."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=20, choices=Provider.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Provider.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    reason = models.TextField(_("理由"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    #: A provider's status history is seen by whoever sees the provider.
    scope = ScopeRule.every_reach(Through("provider"))

    class Meta:
        verbose_name = _("入库状态变更")
        verbose_name_plural = _("入库状态变更")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.from_status} → {self.to_status}"


class ProviderApplication(models.Model):
    """One submission of the public application form (/directory/apply/), kept as submitted.

    A submission for a credit code the pool does not know creates the provider in ``APPLIED``
    at once (``FILED``): nothing exists that it could overwrite. A submission for a code that
    already has a provider record — whatever its status — is held apart (``HELD``) and changes
    nothing until a province officer accepts it (``ACCEPTED``: its data replace the provider's,
    recorded in ``ProviderStatusChange``) or declines it (``DECLINED``). Anyone may type any
    credit code into the public form, so an unreviewed submission must not touch a record.
    The applicant gets the same answer and an application number either way.
    """

    class Status(models.TextChoices):
        FILED = "filed", _("已转入入库申请")
        HELD = "held", _("待核实")
        ACCEPTED = "accepted", _("已采纳")
        DECLINED = "declined", _("不予采纳")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="applications", verbose_name=_("服务商")
    )
    status = models.CharField(_("处理状态"), max_length=10, choices=Status.choices)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    home_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("注册地")
    )
    #: The rest as submitted: description, website, contacts, ``regions_served`` and ``categories``
    #: (codes), ``qualifications`` (dicts with ISO dates).
    data = models.JSONField(_("申请内容"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Submissions are the province's to decide: province officers and administrators only.
    scope = ScopeRule(all=EVERYTHING)

    class Meta:
        verbose_name = _("入库申请提交记录")
        verbose_name_plural = _("入库申请提交记录")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """What the applicant quotes: ``FWS`` + submission date + id (``FWS2025031400042``)."""
        return f"FWS{timezone.localtime(self.submitted_at):%Y%m%d}{self.pk:05d}"


class QualificationQuerySet(ScopedQuerySet):
    def expired(self, on=None) -> "QualificationQuerySet":
        return self.filter(valid_until__lt=on or timezone.localdate())


class Qualification(models.Model):
    """A certificate or licence a provider holds, with its expiry date (expired ones are flagged)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(_("资质名称"), max_length=100)
    number = models.CharField(_("证书编号"), max_length=100, blank=True)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    objects = QualificationQuerySet.as_manager()

    #: Whoever sees the provider sees its qualifications.
    scope = ScopeRule.every_reach(Through("provider"))

    class Meta:
        verbose_name = _("资质")
        verbose_name_plural = _("资质")
        ordering = ["valid_until", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    def clean(self) -> None:
        check_dates(self, planned=["valid_from"], validity=["valid_until"])
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("有效期至不能早于生效日期。")})


class ClinicQuerySet(ScopedQuerySet):
    def open(self) -> "ClinicQuerySet":
        return self.filter(status=Clinic.Status.OPEN)


class Clinic(models.Model):
    """A digital clinic (数字化诊所) or promotion centre (数字化转型促进中心) that examines enterprises."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("数字化诊所")
        CENTRE = "centre", _("数字化转型促进中心")

    class Status(models.TextChoices):
        OPEN = "open", _("运营中")
        CLOSED = "closed", _("已关闭")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="clinic", verbose_name=_("机构")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.CLINIC)
    operator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="operated_clinics",
        verbose_name=_("运营主体"),
        help_text=_("服务商、产业园区或促进中心"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="clinics", verbose_name=_("所在地区")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    #: GB/T 4754 manufacturing divisions of focus, e.g. ["39", "38"].
    industries = models.JSONField(_("重点行业"), default=list, blank=True)
    monthly_capacity = models.PositiveIntegerField(_("月诊断能力（家）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)

    objects = ClinicQuerySet.as_manager()

    #: Province: all. Officers and commissioners: those in their region. Clinic staff: their own.
    #: Provider staff: the clinics their provider operates. Enterprise users: none.
    scope = ScopeRule(
        all=EVERYTHING,
        region=InRegion("region"),
        assigned=InRegion("region"),
        organisation={
            Role.CLINIC_STAFF: OfOrganisation("organisation"),
            Role.PROVIDER_STAFF: OfOrganisation("operator"),
        },
    )

    class Meta:
        verbose_name = _("诊所与促进中心")
        verbose_name_plural = _("诊所与促进中心")
        ordering = ["region__path", "organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class ClinicStatusChange(models.Model):
    """Open/closed history of a clinic (the plan keeps about 100 active: the list is dynamic)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=10, choices=Clinic.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=Clinic.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    #: A clinic's open/closed history is seen by whoever sees the clinic.
    scope = ScopeRule.every_reach(Through("clinic"))

    class Meta:
        verbose_name = _("诊所状态变更")
        verbose_name_plural = _("诊所状态变更")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.clinic_id}: {self.from_status} → {self.to_status}"


class CommissionerProfile(models.Model):
    """The registry entry (入库) of a digital commissioner; the user account carries role and region.

    ``tier`` limits the region the commissioner can be given: province → the province, city → a
    city or the zone, county → a county.
    """

    class Tier(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    TIER_LEVELS = {Tier.PROVINCE: {"province"}, Tier.CITY: {"city", "zone"}, Tier.COUNTY: {"county"}}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commissioner_profile",
        verbose_name=_("账号"),
    )
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    registered_on = models.DateField(_("入库日期"), default=timezone.localdate)
    active = models.BooleanField(_("在岗"), default=True)
    deactivated_on = models.DateField(_("离岗日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Province: all. City/county officers: commissioners filed in their region. A commissioner:
    #: their own record. Everyone else: none.
    scope = ScopeRule(all=EVERYTHING, region=InRegion("user__region"), assigned=OfUser("user"))

    class Meta:
        verbose_name = _("数字专员")
        verbose_name_plural = _("数字专员")
        ordering = ["user__region__path", "user__username"]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        check_dates(self, past=["registered_on", "deactivated_on"])
        region = self.user.region if self.user_id else None
        if region is None or region.level not in self.TIER_LEVELS[self.tier]:
            raise ValidationError(
                {
                    "tier": _(
                        "数字专员的层级与其所在地区不符：省级专员对应全省，市级对应设区市，县级对应县（市、区）。"
                    )
                }
            )


class TrainingRecord(models.Model):
    """A training a commissioner attended."""

    commissioner = models.ForeignKey(CommissionerProfile, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("培训名称"), max_length=200)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    certificate = models.CharField(_("结业证书编号"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the commissioner's record sees their trainings.
    scope = ScopeRule.every_reach(Through("commissioner"))

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_dates(self, past=["held_on"])


class SolutionQuerySet(ScopedQuerySet):
    def published(self) -> "SolutionQuerySet":
        return self.filter(Solution.PUBLISHED)


class Solution(models.Model):
    """A "small, fast, light, precise" (小快轻准) solution in the catalogue; officers review before publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        PUBLISHED = "published", _("已发布")
        RETURNED = "returned", _("已退回")
        WITHDRAWN = "withdrawn", _("已下架")

    class Deployment(models.TextChoices):
        SAAS = "saas", _("SaaS（云服务）")
        PRIVATE = "private", _("私有化部署")
        HYBRID = "hybrid", _("混合部署")

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="solutions", verbose_name=_("服务商")
    )
    title = models.CharField(_("名称"), max_length=200)
    summary = models.TextField(_("简介"))
    scenarios = models.ManyToManyField(
        BusinessScenario, related_name="solutions", verbose_name=_("适用业务场景")
    )
    #: GB/T 4754 manufacturing divisions the solution is made for, e.g. ["33", "34"].
    industries = models.JSONField(_("适用行业"), default=list, blank=True)
    price_min = models.DecimalField(_("最低价格（万元）"), null=True, blank=True, **MONEY)
    price_max = models.DecimalField(_("最高价格（万元）"), null=True, blank=True, **MONEY)
    deployment = models.CharField(_("部署方式"), max_length=10, choices=Deployment.choices)
    reference_customers = models.TextField(_("典型客户"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    #: Published: its status is published and its provider admitted (as the public directory shows).
    PUBLISHED = Q(status=Status.PUBLISHED, provider__status=Provider.Status.ADMITTED)

    objects = SolutionQuerySet.as_manager()

    #: Province: all. Provider staff: their provider's (any status). Other signed-in users with a
    #: scope (officers, commissioners, clinic staff, enterprise users): the published ones.
    scope = ScopeRule(
        all=EVERYTHING,
        region=Where(PUBLISHED),
        assigned=Where(PUBLISHED),
        organisation={
            Role.PROVIDER_STAFF: OfOrganisation("provider__organisation"),
            Role.CLINIC_STAFF: Where(PUBLISHED),
        },
        enterprise=Where(PUBLISHED),
    )

    class Meta:
        verbose_name = _("解决方案")
        verbose_name_plural = _("解决方案")
        ordering = ["-published_at", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.price_min is not None and self.price_max is not None and self.price_max < self.price_min:
            raise ValidationError({"price_max": _("最高价格不能低于最低价格。")})


class SolutionReview(models.Model):
    """One review step of a solution: submitted, published, returned (with reason), withdrawn."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="reviews")
    from_status = models.CharField(_("原状态"), max_length=10, choices=Solution.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=Solution.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the solution sees its review steps (as its detail page shows them).
    scope = ScopeRule.every_reach(Through("solution"))

    class Meta:
        verbose_name = _("方案审核记录")
        verbose_name_plural = _("方案审核记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.solution_id}: {self.from_status} → {self.to_status}"
