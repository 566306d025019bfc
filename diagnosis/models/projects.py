"""Transformation projects an enterprise runs with providers, and its ratings of them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import EVERYTHING, InRegion, OfOrganisation, ScopedQuerySet, ScopeRule, Through
from core.history import history_value as history_number
from core.validators import check_dates
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


class ProviderRating(models.Model):
    """An enterprise's rating (1–5) of a provider it worked with; one per enterprise, provider and period."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="provider_ratings")
    provider = models.ForeignKey("providers.Provider", on_delete=models.CASCADE, related_name="ratings")
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
