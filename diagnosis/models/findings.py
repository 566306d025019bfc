"""Findings and recommendations: the rules that turn a result into advice, the standard
interpretation of each level and score band, and each diagnosis' recommendations.

- ``FindingRule`` and ``Interpretation`` are per assessment model and kept as data
  (``diagnosis/data/findings-2024.json``, loaded by ``manage.py load_findings``); the province
  edits the rules in the admin. Reference data for everyone: no scope.
- ``Recommendation`` belongs to one diagnosis: generated from the rules
  (``diagnosis.services.findings.recommendations_generate``), then edited, added to, reordered by
  the diagnosing clinic while the diagnosis is editable. Whoever sees the diagnosis sees its
  recommendations (``Through("diagnosis")``): the enterprise and its commissioner only once issued.

Amounts are in 万元 (``MONEY``), thresholds and scores exact ``Decimal``.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import ScopedQuerySet, ScopeRule, Through
from diagnosis.models.assessment import POINTS, AssessmentModel, Dimension, Scenario, SubDimension
from diagnosis.models.diagnoses import Diagnosis
from diagnosis.models.enterprises import MONEY

#: Impact and effort are rated 1 (low) to 3 (high).
RATING = [MinValueValidator(1), MaxValueValidator(3)]
RATING_CHOICES = [(1, _("低")), (2, _("中")), (3, _("高"))]
#: At most this many months for a recommendation (ten years).
MAX_MONTHS = 120


class Subject(models.TextChoices):
    """What a rule (and the recommendation it gives) is about."""

    DIMENSION = "dimension", _("一级指标")
    SUBDIMENSION = "subdimension", _("二级指标")
    SCENARIO = "scenario", _("业务场景")


class Priority(models.IntegerChoices):
    HIGH = 1, _("高")
    MEDIUM = 2, _("中")
    LOW = 3, _("低")


class Phase(models.IntegerChoices):
    QUICK_WINS = 1, _("第一阶段：速赢")
    BUILD = 2, _("第二阶段：夯实")
    TRANSFORM = 3, _("第三阶段：深化")


def default_phase(impact: int, effort: int) -> int:
    """The roadmap phase a recommendation goes to by default: quick wins (little effort, some
    impact) first, the big or low-value pieces of work last.

    ======  ========  ========  ========
    impact  effort 1  effort 2  effort 3
    ======  ========  ========  ========
    3       1         2         3
    2       1         2         3
    1       2         3         3
    ======  ========  ========  ========
    """
    if effort <= 1:
        return Phase.QUICK_WINS if impact >= 2 else Phase.BUILD
    if effort >= 3 or impact <= 1:
        return Phase.TRANSFORM
    return Phase.BUILD


def check_investment(obj) -> None:
    """``investment_max`` may not be below ``investment_min`` (both optional)."""
    low, high = obj.investment_min, obj.investment_max
    if low is not None and high is not None and high < low:
        raise ValidationError({"investment_max": _("投资上限不能低于下限。")})


class Advice(models.Model):
    """The fields a rule and a recommendation share (Chinese; the rule also keeps English)."""

    finding = models.TextField(_("发现的问题"), blank=True)
    title = models.CharField(_("建议"), max_length=200)
    detail = models.TextField(_("建议内容"), blank=True)
    benefit = models.TextField(_("预期成效"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=Priority.choices, default=Priority.MEDIUM
    )
    impact = models.PositiveSmallIntegerField(_("影响"), choices=RATING_CHOICES, default=2, validators=RATING)
    effort = models.PositiveSmallIntegerField(
        _("投入难度"), choices=RATING_CHOICES, default=2, validators=RATING
    )
    investment_min = models.DecimalField(_("投资下限（万元）"), null=True, blank=True, **MONEY)
    investment_max = models.DecimalField(_("投资上限（万元）"), null=True, blank=True, **MONEY)
    months = models.PositiveSmallIntegerField(
        _("周期（月）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
    )
    #: ``providers.BusinessScenario`` codes it maps to (solution matching): ``["quality_management"]``.
    scenario_codes = models.JSONField(_("对应业务场景"), default=list, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        check_investment(self)
        if not isinstance(self.scenario_codes, list) or not all(
            isinstance(c, str) for c in self.scenario_codes
        ):
            raise ValidationError({"scenario_codes": _("业务场景应为场景代码的列表。")})


class FindingRule(Advice):
    """A rule kept as data: when ``subject`` ``target`` of a diagnosis is weak (a dimension's or
    sub-dimension's score below ``below_ratio`` of its maximum, or a scenario below
    ``below_level``), the diagnosis gets this finding and recommendation."""

    model = models.ForeignKey(
        AssessmentModel, on_delete=models.CASCADE, related_name="finding_rules", verbose_name=_("评测模型")
    )
    code = models.SlugField(_("代码"), max_length=60)
    subject = models.CharField(_("对象类型"), max_length=12, choices=Subject.choices)
    target = models.SlugField(_("对象代码"), max_length=60, help_text=_("一级、二级指标或业务场景的代码。"))
    below_ratio = models.DecimalField(
        _("得分率低于"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("指标：得分与满分之比低于此值（0–1，如 0.6）时触发。"),
    )
    below_level = models.PositiveSmallIntegerField(
        _("等级低于"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("业务场景：等级低于此值（1–4）时触发。"),
    )
    finding_en = models.TextField(_("发现的问题（英文）"), blank=True)
    title_en = models.CharField(_("建议（英文）"), max_length=200, blank=True)
    detail_en = models.TextField(_("建议内容（英文）"), blank=True)
    benefit_en = models.TextField(_("预期成效（英文）"), blank=True)
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("诊断建议规则")
        verbose_name_plural = _("诊断建议规则")
        ordering = ["model", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="finding_rule_code_per_model")]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.subject == Subject.SCENARIO:
            if self.below_level is None:
                errors["below_level"] = _("业务场景规则须填写“等级低于”。")
            if self.below_ratio is not None:
                errors["below_ratio"] = _("业务场景规则按等级触发，不填“得分率低于”。")
        elif self.subject:
            if self.below_ratio is None:
                errors["below_ratio"] = _("指标规则须填写“得分率低于”。")
            if self.below_level is not None:
                errors["below_level"] = _("指标规则按得分率触发，不填“等级低于”。")
        if self.model_id and self.subject and self.target and "target" not in errors:
            if not _target_exists(self.model_id, self.subject, self.target):
                errors["target"] = _("该评测模型中没有这个%(kind)s：%(code)s") % {
                    "kind": Subject(self.subject).label,
                    "code": self.target,
                }
        if self.model_id and isinstance(self.scenario_codes, list):
            known = set(Scenario.objects.filter(model_id=self.model_id).values_list("code", flat=True))
            unknown = [str(c) for c in self.scenario_codes if c not in known]
            if unknown:
                errors["scenario_codes"] = _("该评测模型中没有这些业务场景：%(codes)s") % {
                    "codes": "、".join(unknown[:10])
                }
        if errors:
            raise ValidationError(errors)


def _target_exists(model_id: int, subject: str, code: str) -> bool:
    if subject == Subject.DIMENSION:
        return Dimension.objects.filter(model_id=model_id, code=code).exists()
    if subject == Subject.SUBDIMENSION:
        return SubDimension.objects.filter(dimension__model_id=model_id, code=code).exists()
    return Scenario.objects.filter(model_id=model_id, code=code).exists()


class Interpretation(models.Model):
    """The standard paragraph for a level (0–4) or a total-score band ``[band_min, band_max)`` of
    one model, so two clinics say the same about the same result. The band that ends at the
    model's full marks includes it."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("等级")
        BAND = "band", _("总分区间")

    model = models.ForeignKey(
        AssessmentModel, on_delete=models.CASCADE, related_name="interpretations", verbose_name=_("评测模型")
    )
    kind = models.CharField(_("类型"), max_length=5, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("等级"), null=True, blank=True)
    band_min = models.DecimalField(_("区间下限（含）"), null=True, blank=True, **POINTS)
    band_max = models.DecimalField(_("区间上限（不含）"), null=True, blank=True, **POINTS)
    text = models.TextField(_("解读"))
    text_en = models.TextField(_("解读（英文）"), blank=True)

    class Meta:
        verbose_name = _("结果解读")
        verbose_name_plural = _("结果解读")
        ordering = ["model", "kind", "level", "band_min"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "level"], condition=Q(kind="level"), name="one_interpretation_per_level"
            ),
            models.UniqueConstraint(
                fields=["model", "band_min"], condition=Q(kind="band"), name="one_interpretation_per_band"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.LEVEL:
            return f"{self.model_id} L{self.level}"
        return f"{self.model_id} [{self.band_min}, {self.band_max})"

    def text_for(self, language: str) -> str:
        """The English paragraph for an English reader (when there is one), else the Chinese."""
        return self.text_en if language.startswith("en") and self.text_en else self.text


class Recommendation(Advice):
    """One finding and what to do about it, in one diagnosis: generated by ``rule`` (kept when
    the clinic edits it: ``edited``) or added by hand (``rule`` empty)."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="recommendations")
    rule = models.ForeignKey(
        FindingRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成规则"),
    )
    subject = models.CharField(_("对象类型"), max_length=12, choices=Subject.choices, blank=True)
    subject_code = models.SlugField(_("对象代码"), max_length=60, blank=True)
    subject_name = models.CharField(_("对象"), max_length=100, blank=True)
    phase = models.PositiveSmallIntegerField(_("实施阶段"), choices=Phase.choices, default=Phase.BUILD)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    #: Changed by the clinic after it was generated: a new generation keeps it.
    edited = models.BooleanField(_("已人工修改"), default=False)
    #: Bumped by every save: an edit form carries the revision it was filled from.
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("diagnosis"))

    class Meta:
        verbose_name = _("诊断建议")
        verbose_name_plural = _("诊断建议")
        ordering = ["diagnosis", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=3), name="recommendation_impact_1_3"
            ),
            models.CheckConstraint(
                condition=Q(effort__gte=1, effort__lte=3), name="recommendation_effort_1_3"
            ),
            models.CheckConstraint(condition=Q(phase__gte=1, phase__lte=3), name="recommendation_phase_1_3"),
        ]

    def __str__(self) -> str:
        return self.title

    def text(self, language: str) -> dict:
        """Finding, title, detail and benefit to show: the rule's English for an English reader
        while the clinic has not changed the generated text, else the text as stored."""
        english = language.startswith("en") and self.rule_id is not None and not self.edited
        rule = self.rule if english else None
        return {
            name: (getattr(rule, f"{name}_en") or getattr(self, name)) if english else getattr(self, name)
            for name in ("finding", "title", "detail", "benefit")
        }
