"""The enterprise archive (一企一档): enterprises, their change history, enterprise accounts, register imports."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import Reach, scope_for
from core.files import private_storage
from regions.codes import industry_label, validate_credit_code

# 万元 with 4 decimals and at most 15 significant digits (up to 99,999,999,999.9999 万元). 15 digits is
# what SQLite (the embedded default) stores exactly; PostgreSQL's numeric is exact at any size.
MONEY = {"max_digits": 15, "decimal_places": 4, "validators": [MinValueValidator(0)]}


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnterpriseQuerySet":
        """The enterprises ``user`` may see (deny by default; see ``accounts.scope``)."""
        scope = scope_for(user)
        if scope.reach == Reach.ALL:
            return self.all()
        if scope.reach == Reach.REGION:
            return self.filter(county__path__startswith=scope.region_path)
        if scope.reach == Reach.ASSIGNED:
            return self.filter(commissioner_id=scope.user_id, county__path__startswith=scope.region_path)
        if scope.reach == Reach.ORGANISATION:
            # Engagement lives in the casework layer above: reach it through the relation, not an import.
            engagement = self.model._meta.get_field("engagements").related_model
            engaged = engagement.objects.filter(organisation_id=scope.organisation_id, active=True)
            return self.filter(pk__in=engaged.values("enterprise_id"))
        if scope.reach == Reach.ENTERPRISE:
            return self.filter(
                pk__in=EnterpriseAccount.objects.filter(user_id=scope.user_id).values("enterprise_id")
            )
        return self.none()


class Enterprise(models.Model):
    """One enterprise's archive, keyed by its unified social credit code."""

    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    class CloudDepth(models.TextChoices):
        INFRASTRUCTURE = "infrastructure", _("基础设施上云")
        PLATFORM = "platform", _("平台系统上云")
        BUSINESS = "business", _("业务应用上云")
        DATA = "data", _("数据与智能上云")

    class IntegrationLevel(models.TextChoices):
        A = "A", "A"
        AA = "AA", "AA"
        AAA = "AAA", "AAA"

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    county = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("县（市、区）"),
        limit_choices_to={"level": "county"},
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=4, blank=True, db_index=True)
    above_designated_size = models.BooleanField(_("规上企业"), default=False)
    size_class = models.CharField(_("企业规模"), max_length=10, choices=Size.choices, blank=True)
    employees = models.PositiveIntegerField(_("从业人员数"), null=True, blank=True)
    revenue = models.DecimalField(_("营业收入（万元）"), null=True, blank=True, **MONEY)
    output_value = models.DecimalField(_("工业总产值（万元）"), null=True, blank=True, **MONEY)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_enterprises",
        verbose_name=_("对接数字专员"),
        limit_choices_to={"role": "commissioner"},
    )
    # Digital facts the bulletins count (None = not yet known).
    cloud_adopted = models.BooleanField(_("已上云"), null=True, blank=True)
    cloud_depth = models.CharField(_("上云深度"), max_length=20, choices=CloudDepth.choices, blank=True)
    integration_certified = models.BooleanField(_("两化融合管理体系评定"), null=True, blank=True)
    integration_level = models.CharField(
        _("两化融合评定等级"), max_length=3, choices=IntegrationLevel.choices, blank=True
    )
    iip_platform_used = models.BooleanField(_("应用工业互联网平台"), null=True, blank=True)
    identifier_resolution = models.BooleanField(_("接入标识解析"), null=True, blank=True)
    uses_5g = models.BooleanField(_("应用5G"), null=True, blank=True)

    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业档案")
        verbose_name_plural = _("企业档案")
        ordering = ["county__sort_order", "name", "id"]
        indexes = [models.Index(fields=["county", "name"])]
        constraints = [
            models.CheckConstraint(
                # Spelled with IS NOT NULL: a CHECK passes on NULL, and "unknown" is not "certified".
                condition=Q(integration_level="")
                | (Q(integration_certified__isnull=False) & Q(integration_certified=True)),
                name="enterprise_integration_level_needs_certification",
                violation_error_message=_("填写两化融合评定等级时，须同时标明已通过两化融合管理体系评定。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_label(self) -> str:
        return industry_label(self.industry_code)


#: Fields recorded in the change history and editable through services (not ids or timestamps).
ENTERPRISE_FIELDS = (
    "credit_code", "name", "county", "address", "industry_code", "above_designated_size",
    "size_class", "employees", "revenue", "output_value", "contact_person", "contact_phone",
    "commissioner", "cloud_adopted", "cloud_depth", "integration_certified", "integration_level",
    "iip_platform_used", "identifier_resolution", "uses_5g",
)  # fmt: skip


class EnterpriseChange(models.Model):
    """One change to an archive: who, when, through what, and each field's before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("建档")
        UPDATE = "update", _("修改")

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        IMPORT = "import", _("批量导入")
        SYSTEM = "system", _("系统")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    #: {field: [before, after]} with values as display-safe JSON (decimals as strings).
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        verbose_name = _("档案变更记录")
        verbose_name_plural = _("档案变更记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class EnterpriseAccount(models.Model):
    """Links an enterprise user to the one enterprise they act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_account"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="accounts")

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.enterprise_id}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ImportJobQuerySet":
        """A person sees the import jobs they started; administrators see all."""
        scope = scope_for(user)
        if scope.reach == Reach.NONE:
            return self.none()
        if user.is_superuser or user.role == "admin":
            return self.all()
        return self.filter(created_by=user)


class ImportJob(models.Model):
    """An upload of the enterprise register, validated (preview) and then applied, both by Celery.

    The row is the truth about the job; the broker is only a doorbell (see ``tasks.sweep_import_jobs``).
    """

    class Status(models.TextChoices):
        PENDING_PREVIEW = "pending_preview", _("等待校验")
        PREVIEWING = "previewing", _("正在校验")
        PREVIEWED = "previewed", _("校验完成，待确认")
        PENDING_IMPORT = "pending_import", _("等待导入")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("导入完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Private storage: outside MEDIA_ROOT, served only by the scoped view (core.files).
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("原文件名"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING_PREVIEW
    )
    file_format = models.CharField(_("格式"), max_length=10, blank=True)
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    rejected_count = models.PositiveIntegerField(_("拒绝"), default=0)
    #: The first rejected rows for the preview page: [{"row": 5, "reasons": ["…"]}, …].
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    rejects_file = models.FileField(
        _("被拒绝行文件"), upload_to="imports/rejects/%Y/%m/", blank=True, storage=private_storage
    )
    message = models.TextField(_("说明"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {self.Status.PREVIEWED, self.Status.DONE} else 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))


class EnterpriseRelatedQuerySet(models.QuerySet):
    """Rows that belong to one enterprise (visits, diagnoses, projects): scoped through it."""

    def visible_to(self, user) -> "EnterpriseRelatedQuerySet":
        return self.filter(enterprise__in=Enterprise.objects.visible_to(user))
