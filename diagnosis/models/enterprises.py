"""The enterprise archive (一企一档): enterprises, their change history, enterprise accounts, register imports."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import (
    EVERYTHING,
    InRegion,
    OfOrganisation,
    OfUser,
    Related,
    ScopedQuerySet,
    ScopeRule,
    Through,
    Where,
)
from core.files import private_storage
from core.jobs import Job
from regions.codes import industry_label, validate_credit_code

# 万元 with 4 decimals and at most 15 significant digits (up to 99,999,999,999.9999 万元). 15 digits is
# what SQLite (the embedded default) stores exactly; PostgreSQL's numeric is exact at any size.
MONEY = {"max_digits": 15, "decimal_places": 4, "validators": [MinValueValidator(0)]}


class EnterpriseQuerySet(ScopedQuerySet):
    """Enterprises; ``visible_to`` comes from ``Enterprise.scope``."""


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
    # What the latest issued diagnosis found: written when a diagnosis is issued
    # (``services.enterprises.enterprise_record_diagnosis``), never typed in.
    digital_level = models.PositiveSmallIntegerField(
        _("数字化水平等级"), null=True, blank=True, editable=False
    )
    digital_score = models.DecimalField(
        _("数字化水平评测得分"), max_digits=8, decimal_places=4, null=True, blank=True, editable=False
    )
    equipment_digitization_rate = models.DecimalField(
        _("生产设备数字化率（%）"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    equipment_networking_rate = models.DecimalField(
        _("生产设备联网率（%）"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    diagnosed_on = models.DateField(_("最近诊断日期"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    #: The county's customary position (``Region.sort_order``), copied here so the register's order
    #: (county, then name) is one index scan instead of a join and sort of every row. The database
    #: keeps it: triggers set it on insert and on a change of county, and follow a re-sorted region
    #: (migration 0005), so no writer — service, bulk import, seed — has to remember it.
    county_order = models.PositiveIntegerField(default=0, editable=False)

    objects = EnterpriseQuerySet.as_manager()

    #: Province: all. Officers: enterprises in their region. Commissioners: those assigned to them
    #: within their region. Clinic and provider staff: those their organisation has an active
    #: engagement with (``Engagement`` lives in the casework layer: reached through the relation).
    #: Enterprise users: their own (``EnterpriseAccount``).
    scope = ScopeRule(
        all=EVERYTHING,
        region=InRegion("county"),
        assigned=OfUser("commissioner") & InRegion("county"),
        organisation=Related("engagements", OfOrganisation("organisation") & Where(active=True)),
        enterprise=Related("accounts", OfUser("user")),
    )

    class Meta:
        verbose_name = _("企业档案")
        verbose_name_plural = _("企业档案")
        ordering = ["county_order", "name", "id"]
        indexes = [
            models.Index(fields=["county", "name"]),
            models.Index(fields=["county_order", "name", "id"], name="enterprise_register_order"),
        ]
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
#: Written from the latest issued diagnosis (not editable, not imported).
DIAGNOSIS_FACTS = (
    "digital_level", "digital_score", "equipment_digitization_rate", "equipment_networking_rate", "diagnosed_on",
)  # fmt: skip

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
        DIAGNOSIS = "diagnosis", _("诊断")
        CORRECTION = "correction", _("企业更正申请")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    #: {field: [before, after]} with values as display-safe JSON (decimals as strings).
    changes = models.JSONField(_("变更内容"), default=dict)

    objects = ScopedQuerySet.as_manager()

    #: The history of an archive is seen by whoever sees the archive.
    scope = ScopeRule.every_reach(Through("enterprise"))

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

    objects = ScopedQuerySet.as_manager()

    #: Province: all. Officers: accounts of enterprises in their region. An enterprise user: their
    #: own link. Commissioners and organisations' staff: none (they manage no enterprise accounts).
    scope = ScopeRule(all=EVERYTHING, region=InRegion("enterprise__county"), enterprise=OfUser("user"))

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.enterprise_id}"


class ImportJob(Job):
    """An upload of the enterprise register, validated (preview) and then applied, both by Celery.

    A job of two phases on the shared lifecycle (``core.jobs.Job``): ``phase`` says which step the
    row is on, ``status`` where that step stands. What a person sees is ``state``, derived from
    the pair (see ``STATES``): PREVIEW+DONE is "校验完成，待确认", IMPORT+DONE is "导入完成".
    """

    class Phase(models.TextChoices):
        PREVIEW = "preview", _("校验")
        IMPORT = "import", _("导入")

    class State(models.TextChoices):
        PENDING_PREVIEW = "pending_preview", _("等待校验")
        PREVIEWING = "previewing", _("正在校验")
        PREVIEWED = "previewed", _("校验完成，待确认")
        PENDING_IMPORT = "pending_import", _("等待导入")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("导入完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    #: (phase, status) → the state a person sees; FAILED and CANCELLED read the same in any phase.
    STATES = {
        (Phase.PREVIEW, Job.Status.PENDING): State.PENDING_PREVIEW,
        (Phase.PREVIEW, Job.Status.RUNNING): State.PREVIEWING,
        (Phase.PREVIEW, Job.Status.DONE): State.PREVIEWED,
        (Phase.IMPORT, Job.Status.PENDING): State.PENDING_IMPORT,
        (Phase.IMPORT, Job.Status.RUNNING): State.IMPORTING,
        (Phase.IMPORT, Job.Status.DONE): State.DONE,
    }

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    phase = models.CharField(_("阶段"), max_length=10, choices=Phase.choices, default=Phase.PREVIEW)
    # Private storage: outside MEDIA_ROOT, served only by the scoped view (core.files).
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("原文件名"), max_length=255)
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

    objects = ScopedQuerySet.as_manager()

    #: A person sees the import jobs they started; administrators see all (a province officer, too,
    #: sees only their own: an upload is a personal piece of work, not a regional record).
    scope = ScopeRule.every_reach(OfUser("created_by"), admin=EVERYTHING)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def fields_for(cls, state: str) -> dict[str, str]:
        """``{"phase": …, "status": …}`` of a user-visible state (FAILED/CANCELLED: the preview phase)."""
        for (phase, status), value in cls.STATES.items():
            if value == state:
                return {"phase": phase, "status": status}
        return {"phase": cls.Phase.PREVIEW, "status": state}

    @property
    def state(self) -> str:
        """The user-visible state (``State``) of the pair (phase, status)."""
        return str(self.STATES.get((self.phase, self.status), self.status))

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == Job.Status.DONE else 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    def exhausted_text(self) -> str:
        return gettext("已尝试 %(n)d 次仍未完成，请重新上传文件或联系管理员。") % {"n": self.attempts}

    def failure_text(self, message: str) -> str:
        """``message``, plus what an import that died midway has already written (whole chunks)."""
        if self.phase == self.Phase.IMPORT and self.processed_rows:
            return message + gettext(
                "失败前已处理前 %(n)d 行，其中有效的数据已经写入；改正后重新导入同一文件即可补全，已写入的不会重复。"
            ) % {"n": self.processed_rows}
        return message
