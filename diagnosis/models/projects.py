"""Transformation projects an enterprise runs with providers, and its ratings of them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import EVERYTHING, InRegion, OfOrganisation, ScopedQuerySet, ScopeRule, Through
from core.files import private_storage
from core.history import history_value as history_number
from core.validators import check_dates
from diagnosis.models.assessment import POINTS
from diagnosis.models.enterprises import MONEY, Enterprise


class ProjectType(models.Model):
    """A kind of transformation project (智能工厂/数字化车间, 5G+工业互联网, 上云, …): editable data."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("名称（英文）"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("项目类型")
        verbose_name_plural = _("项目类型")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (English when there is one, else the Chinese name)."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


#: The three shares of a project's money ("企业出一点、服务商让一点、政府补一点"), planned and actual:
#: ``<stage>_investment`` is the total and must equal the sum of its shares when they are given.
FUNDING_SHARES = ("subsidy", "discount", "own")
FUNDING_STAGES = ("planned", "actual")


class TransformationProject(models.Model):
    """A transformation project (数字化改造) an enterprise runs with providers.

    States: planned → in progress → completed → accepted (验收, by an officer), or cancelled with a
    reason from any state before accepted. Money is in 万元 as exact decimals, planned and actual,
    each total split into the government subsidy, the platform's discount and the enterprise's own
    funds. Every step is a ``ProjectEvent``; writes go through ``diagnosis.services.projects``.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        IN_PROGRESS = "in_progress", _("实施中")
        COMPLETED = "completed", _("已完成")
        ACCEPTED = "accepted", _("已验收")
        CANCELLED = "cancelled", _("已取消")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="projects")
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="projects", verbose_name=_("服务商")
    )
    partners = models.ManyToManyField(
        "providers.Provider", blank=True, related_name="partner_projects", verbose_name=_("合作服务商")
    )
    diagnosis = models.ForeignKey(
        "diagnosis.Diagnosis", on_delete=models.SET_NULL, null=True, blank=True, related_name="projects",
        verbose_name=_("依据的诊断"),
    )  # fmt: skip
    recommendations = models.ManyToManyField(
        "diagnosis.Recommendation", blank=True, related_name="projects", verbose_name=_("落实的诊断建议")
    )
    solutions = models.ManyToManyField(
        "providers.Solution", blank=True, related_name="projects", verbose_name=_("采用的解决方案")
    )
    types = models.ManyToManyField(
        ProjectType, blank=True, related_name="projects", verbose_name=_("项目类型")
    )
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("建设内容"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    planned_investment = models.DecimalField(_("计划投资（万元）"), null=True, blank=True, **MONEY)
    planned_subsidy = models.DecimalField(_("计划政府补助（万元）"), null=True, blank=True, **MONEY)
    planned_discount = models.DecimalField(_("计划平台让利（万元）"), null=True, blank=True, **MONEY)
    planned_own = models.DecimalField(_("计划企业自筹（万元）"), null=True, blank=True, **MONEY)
    actual_investment = models.DecimalField(_("实际投资（万元）"), null=True, blank=True, **MONEY)
    actual_subsidy = models.DecimalField(_("实际政府补助（万元）"), null=True, blank=True, **MONEY)
    actual_discount = models.DecimalField(_("实际平台让利（万元）"), null=True, blank=True, **MONEY)
    actual_own = models.DecimalField(_("实际企业自筹（万元）"), null=True, blank=True, **MONEY)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    planned_completion = models.DateField(_("计划完成日期"), null=True, blank=True)
    started_on = models.DateField(_("实际开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the enterprise sees its projects; provider staff also see the projects their
    #: provider leads (a partner provider sees them through its engagement with the enterprise).
    scope = ScopeRule.every_reach(
        Through("enterprise"),
        organisation={
            Role.PROVIDER_STAFF: Through("enterprise") | OfOrganisation("provider__organisation"),
            Role.CLINIC_STAFF: Through("enterprise"),
        },
    )

    #: States a project may move to from each state (``project_*`` services check it).
    TRANSITIONS = {
        Status.PLANNED: {Status.IN_PROGRESS, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: {Status.ACCEPTED, Status.IN_PROGRESS, Status.CANCELLED},
        Status.ACCEPTED: set(),
        Status.CANCELLED: set(),
    }
    OPEN_STATES = (Status.PLANNED, Status.IN_PROGRESS, Status.COMPLETED)

    class Meta:
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="project_cancel_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        check_dates(self, planned=["start_date", "planned_completion"], past=["completed_on", "started_on"])
        errors = {}
        if self.start_date and self.planned_completion and self.planned_completion < self.start_date:
            errors["planned_completion"] = _("计划完成日期不能早于开始日期。")
        for stage in FUNDING_STAGES:
            total = getattr(self, f"{stage}_investment")
            shares = [getattr(self, f"{stage}_{share}") for share in FUNDING_SHARES]
            given = [share for share in shares if share is not None]
            if given and total is None:
                errors[f"{stage}_investment"] = _("填写了资金构成，请同时填写总投资。")
            elif total is not None and len(given) == len(shares) and sum(given) != total:
                errors[f"{stage}_investment"] = _(
                    "总投资 %(total)s 万元应等于政府补助、平台让利与企业自筹之和 %(sum)s 万元。"
                ) % {"total": history_number(total), "sum": history_number(sum(given))}
            elif total is not None and sum(given) > total:
                errors[f"{stage}_investment"] = _("资金构成之和 %(sum)s 万元超过总投资 %(total)s 万元。") % {
                    "total": history_number(total),
                    "sum": history_number(sum(given)),
                }
        if errors:
            raise ValidationError(errors)

    @property
    def overdue_milestones(self) -> list:
        """Milestones past their due date and not done (uses a prefetched ``milestones``)."""
        today = timezone.localdate()
        return [m for m in self.milestones.all() if m.done_on is None and m.due_on and m.due_on < today]

    @property
    def completed_on_time(self) -> bool | None:
        if self.completed_on is None or self.planned_completion is None:
            return None
        return self.completed_on <= self.planned_completion


class ProjectMilestone(models.Model):
    """A step of a project with a due date; done when its evidence is in (``ProjectAttachment``)."""

    project = models.ForeignKey(TransformationProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("里程碑"), max_length=200)
    due_on = models.DateField(_("计划日期"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("project"))

    class Meta:
        verbose_name = _("项目里程碑")
        verbose_name_plural = _("项目里程碑")
        ordering = ["position", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_dates(self, planned=["due_on"], past=["done_on"])

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on is not None and self.due_on < timezone.localdate()


class ProjectEvent(models.Model):
    """A step of a project (created, edited, started, completed, accepted, cancelled, milestone
    added or done) with who took it and what changed (``core.history`` pairs)."""

    class Action(models.TextChoices):
        CREATE = "create", _("建立")
        EDIT = "edit", _("修改")
        START = "start", _("开始实施")
        COMPLETE = "complete", _("完成")
        REOPEN = "reopen", _("退回实施")
        ACCEPTANCE = "acceptance", _("验收材料")
        ACCEPT = "accept", _("验收通过")
        CANCEL = "cancel", _("取消")
        MILESTONE = "milestone", _("里程碑")

    project = models.ForeignKey(TransformationProject, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("project"))

    class Meta:
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.action}"


def _project_file_path(instance, filename: str) -> str:
    """Where a project file's bytes are stored: a generated name (never the person's) under the month."""
    import uuid

    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    return f"projects/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ProjectAttachment(models.Model):
    """Evidence of a project (a milestone's deliverable, an acceptance report, photos of the
    on-site check), stored privately and served only by a scope-checked view."""

    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("实施佐证")
        ENTERPRISE_REPORT = "enterprise_report", _("企业验收报告")
        PROVIDER_REPORT = "provider_report", _("服务商验收报告")
        SITE_CHECK = "site_check", _("现场核查")

    project = models.ForeignKey(TransformationProject, on_delete=models.CASCADE, related_name="attachments")
    milestone = models.ForeignKey(
        ProjectMilestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments",
        verbose_name=_("里程碑"),
    )  # fmt: skip
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices, default=Purpose.EVIDENCE)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    file = models.FileField(_("文件"), upload_to=_project_file_path, storage=private_storage, max_length=200)
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveIntegerField(_("大小（字节）"))
    image = models.BooleanField(_("照片"), default=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("project"))

    class Meta:
        verbose_name = _("项目附件")
        verbose_name_plural = _("项目附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ProjectAcceptance(models.Model):
    """The acceptance (验收) of a completed project, filled in by its three parties in turn.

    The enterprise files its report and rates the lead provider (1–5 and a comment: the rating is
    a ``ProviderRating`` and feeds the provider's monthly evaluation); the provider files its
    report; an officer of the region records the on-site check and accepts, which moves the
    project to accepted. The before/after assessment (改造前/改造后自评测) on the diagnosis model is
    stored with it: the level and total before (the project's diagnosis, or the enterprise's last
    assessment before the project started) and after (its first assessment submitted after the
    project was completed), their change, and the change per dimension.
    """

    project = models.OneToOneField(TransformationProject, on_delete=models.CASCADE, related_name="acceptance")
    enterprise_report = models.TextField(_("企业验收报告"), blank=True)
    enterprise_reported_at = models.DateTimeField(_("企业提交时间"), null=True, blank=True)
    enterprise_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(_("满意度（1–5）"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("满意度评价"), blank=True)
    rating = models.OneToOneField(
        "diagnosis.ProviderRating",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acceptance",
    )
    provider_report = models.TextField(_("服务商验收报告"), blank=True)
    provider_reported_at = models.DateTimeField(_("服务商提交时间"), null=True, blank=True)
    provider_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    site_check_on = models.DateField(_("现场核查日期"), null=True, blank=True)
    site_inspectors = models.CharField(_("核查人员"), max_length=200, blank=True)
    site_check_record = models.TextField(_("现场核查记录"), blank=True)
    before_source = models.CharField(_("改造前评测"), max_length=120, blank=True)
    before_level = models.PositiveSmallIntegerField(_("改造前等级"), null=True, blank=True)
    before_total = models.DecimalField(_("改造前总分"), null=True, blank=True, **POINTS)
    after_source = models.CharField(_("改造后评测"), max_length=120, blank=True)
    after_level = models.PositiveSmallIntegerField(_("改造后等级"), null=True, blank=True)
    after_total = models.DecimalField(_("改造后总分"), null=True, blank=True, **POINTS)
    #: ``{dimension code: ["before", "after"]}`` as exact decimal strings.
    dimension_changes = models.JSONField(_("各维度变化"), default=dict, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    comment = models.TextField(_("验收意见"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("project"))

    class Meta:
        verbose_name = _("项目验收")
        verbose_name_plural = _("项目验收")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="acceptance_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id}"

    @property
    def level_change(self) -> int | None:
        if self.before_level is None or self.after_level is None:
            return None
        return self.after_level - self.before_level

    @property
    def total_change(self):
        if self.before_total is None or self.after_total is None:
            return None
        return self.after_total - self.before_total


class ProviderRating(models.Model):
    """An enterprise's rating (1–5) of a provider it worked with; one per enterprise, provider and period."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="provider_ratings")
    provider = models.ForeignKey("providers.Provider", on_delete=models.CASCADE, related_name="ratings")
    project = models.ForeignKey(
        TransformationProject, on_delete=models.SET_NULL, null=True, blank=True, related_name="ratings",
        verbose_name=_("改造项目"),
    )  # fmt: skip
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1)])
    comment = models.TextField(_("评价"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    #: Province: all. Officers: ratings by enterprises in their region. Commissioners and enterprise
    #: users: ratings by the enterprises they see (an enterprise sees the ratings it gave). Provider
    #: staff: the ratings their provider received (they feed its evaluation). Clinic staff: none.
    scope = ScopeRule(
        all=EVERYTHING,
        region=InRegion("enterprise__county"),
        assigned=Through("enterprise"),
        organisation={Role.PROVIDER_STAFF: OfOrganisation("provider__organisation")},
        enterprise=Through("enterprise"),
    )

    class Meta:
        verbose_name = _("服务商评价")
        verbose_name_plural = _("服务商评价")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="provider_rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.provider_id}: {self.score}"
