"""The diagnosis model as versioned data: one row per model version and its parts.

A model version is loaded from a JSON file (``diagnosis.services.assessment.assessment_model_load``)
and never changed afterwards: a new edition is a new version with its own code. The rows serve the
forms, the admin and the questions' references; scoring reads the same definition as a pure
``diagnosis.scoring.Model`` (``diagnosis.selectors.assessment.model_spec``), built from ``source``,
the file exactly as loaded. Reference data for everyone: no scope (no region, organisation or
enterprise).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 8, "decimal_places": 4}


class AssessmentModel(models.Model):
    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    issued_by = models.CharField(_("发布单位"), max_length=200, blank=True)
    total_points = models.DecimalField(_("满分"), **POINTS)
    is_default = models.BooleanField(
        _("当前默认版本"), default=False, help_text=_("新建诊断默认使用的评测模型（只能有一个）。")
    )
    source = models.TextField(_("模型文件"), editable=False)
    source_sha256 = models.CharField(_("文件校验值"), max_length=64, editable=False)
    notes = models.JSONField(_("说明"), default=list, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评测模型")
        verbose_name_plural = _("评测模型")
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_assessment_model"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(models.Model):
    model = models.ForeignKey(AssessmentModel, on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(_("代码"), max_length=60)
    name = models.CharField(_("名称"), max_length=100)
    points = models.DecimalField(_("分值"), **POINTS)
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("一级指标")
        verbose_name_plural = _("一级指标")
        ordering = ["model", "position"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="dimension_code_per_model")]

    def __str__(self) -> str:
        return self.name


class SubDimension(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="subdimensions")
    code = models.SlugField(_("代码"), max_length=60)
    name = models.CharField(_("名称"), max_length=100)
    points = models.DecimalField(_("分值"), **POINTS)
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("二级指标")
        verbose_name_plural = _("二级指标")
        ordering = ["dimension", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="subdimension_code_per_dimension")
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("单选")
        MULTI = "multi", _("多选")

    model = models.ForeignKey(AssessmentModel, on_delete=models.CASCADE, related_name="questions")
    subdimension = models.ForeignKey(SubDimension, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("代码"), max_length=60)
    indicator = models.CharField(_("三级指标"), max_length=100, blank=True)
    title = models.CharField(_("题目"), max_length=300)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    points = models.DecimalField(_("分值"), **POINTS)
    position = models.PositiveSmallIntegerField(_("顺序"))
    #: The raw figures asked with the question: ``[{"code", "label"}]``.
    fields = models.JSONField(_("填报数据"), default=list, blank=True)
    #: For band questions: ``{"numerator": field code, "denominator": field code}`` (percent).
    band_rule = models.JSONField(_("分档规则"), null=True, blank=True)

    class Meta:
        verbose_name = _("评测题目")
        verbose_name_plural = _("评测题目")
        ordering = ["model", "position"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="question_code_per_model")]

    def __str__(self) -> str:
        return self.title


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("选项"), max_length=10)
    text = models.CharField(_("内容"), max_length=500)
    score = models.DecimalField(_("得分"), **POINTS)
    exclusive = models.BooleanField(
        _("互斥"), default=False, help_text=_("选中时不能再选其他选项（如“无”）。")
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    band_low = models.DecimalField(_("区间下限"), null=True, blank=True, **POINTS)
    band_low_inclusive = models.BooleanField(_("含下限"), default=False)
    band_high = models.DecimalField(_("区间上限"), null=True, blank=True, **POINTS)
    band_high_inclusive = models.BooleanField(_("含上限"), default=True)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="option_key_per_question")]

    def __str__(self) -> str:
        return f"{self.key}. {self.text}"


class Scenario(models.Model):
    model = models.ForeignKey(AssessmentModel, on_delete=models.CASCADE, related_name="scenarios")
    code = models.SlugField(_("代码"), max_length=60)
    name = models.CharField(_("名称"), max_length=100)
    group = models.CharField(_("类别"), max_length=100, blank=True)
    constrained = models.BooleanField(_("约束性"), default=False)
    position = models.PositiveSmallIntegerField(_("顺序"))
    #: The descriptor of each level: ``{"1": "…", "2": "…", "3": "…", "4": "…"}``.
    levels = models.JSONField(_("各级描述"), default=dict)

    class Meta:
        verbose_name = _("业务场景")
        verbose_name_plural = _("业务场景")
        ordering = ["model", "position"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="scenario_code_per_model")]

    def __str__(self) -> str:
        return self.name


class LevelRule(models.Model):
    model = models.ForeignKey(AssessmentModel, on_delete=models.CASCADE, related_name="level_rules")
    level = models.PositiveSmallIntegerField(_("等级"))
    name = models.CharField(_("名称"), max_length=20)
    min_score = models.DecimalField(_("最低总分"), **POINTS)
    min_scenarios = models.PositiveSmallIntegerField(_("达到该级的场景数不少于"))
    min_constrained = models.PositiveSmallIntegerField(_("其中约束性场景不少于"))

    class Meta:
        verbose_name = _("定级规则")
        verbose_name_plural = _("定级规则")
        ordering = ["model", "-level"]
        constraints = [models.UniqueConstraint(fields=["model", "level"], name="level_rule_per_model")]

    def __str__(self) -> str:
        return self.name
