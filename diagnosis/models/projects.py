"""Transformation projects an enterprise runs with providers, and its ratings of them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import EVERYTHING, InRegion, OfOrganisation, ScopedQuerySet, ScopeRule, Through
from core.validators import check_dates
from diagnosis.models.enterprises import MONEY, Enterprise


class TransformationProject(models.Model):
    """A transformation project (数字化改造) an enterprise runs with a provider.

    Investment, subsidies and milestones are added by the projects work; this record carries what
    the providers' evaluation needs: the provider, the planned and actual completion dates.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        IN_PROGRESS = "in_progress", _("实施中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="projects")
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="projects", verbose_name=_("服务商")
    )
    title = models.CharField(_("项目名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    investment = models.DecimalField(_("计划投资（万元）"), null=True, blank=True, **MONEY)
    planned_completion = models.DateField(_("计划完成日期"), null=True, blank=True)
    completed_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the enterprise sees its projects.
    scope = ScopeRule.every_reach(Through("enterprise"))

    class Meta:
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_dates(self, planned=["planned_completion"], past=["completed_on"])

    @property
    def completed_on_time(self) -> bool | None:
        if self.completed_on is None or self.planned_completion is None:
            return None
        return self.completed_on <= self.planned_completion


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
