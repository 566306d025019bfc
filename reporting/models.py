"""Indicators, regional figures, tables and bulletins; the providers' performance evaluation; targets.

Evaluation (issue "The service system", part 2):

- ``EvaluationWeights`` is configuration: the weight of each part and the grade thresholds, versioned
  by ``effective_from`` (the row in force for a month is the latest one starting on or before the
  month's last day). Weights are exact Decimals that must add up to 1.
- ``ProviderEvaluation`` is one provider's result for one month (``YYYYMM``), written only by
  ``reporting.services_evaluation.evaluation_run``; ``EvaluationRun`` is the status row of that job (a ``core.jobs.Job``).

Targets (part 7): ``ProgrammeTarget`` holds the plan's targets as data (indicator, year, region).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import EVERYTHING, InRegion, OfOrganisation, ScopedQuerySet, ScopeRule, Where
from core.files import private_storage
from core.jobs import Job

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")

period_validator = RegexValidator(r"^\d{4}(0[1-9]|1[0-2])$", _("统计期应为六位年月，例如 202501。"))


def _weight_field(label, default: str):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=4,
        default=Decimal(default),
        validators=[MinValueValidator(ZERO), MaxValueValidator(ONE)],
    )


def _threshold_field(label, default: str):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )


class EvaluationWeights(models.Model):
    """How a provider's monthly score is made up (editable by the province and in the admin).

    Four parts, each worth ``value × 100`` points (value in 0–1) times its weight:
    enterprise ratings (average score / 5), on-time completion of projects finished in the month,
    diagnoses not returned at review, and qualifications in force. Weights add up to exactly 1.
    ``qualification_mode`` chooses ``1 − expired/total`` (share) or ``1 − penalty × expired``
    (floored at 0). Grades: A ≥ ``grade_a``, B ≥ ``grade_b``, C ≥ ``grade_c``, else D.
    """

    class QualificationMode(models.TextChoices):
        SHARE = "share", _("按有效比例（1 − 过期数/总数）")
        PENALTY = "penalty", _("按过期数量扣分")

    effective_from = models.DateField(_("生效日期"), unique=True)
    weight_ratings = _weight_field(_("企业评价权重"), "0.40")
    weight_on_time = _weight_field(_("按期完工权重"), "0.30")
    weight_returns = _weight_field(_("诊断审核通过权重"), "0.20")
    weight_qualifications = _weight_field(_("资质有效权重"), "0.10")
    qualification_mode = models.CharField(
        _("资质计分方式"), max_length=10, choices=QualificationMode.choices, default=QualificationMode.SHARE
    )
    qualification_penalty = _weight_field(_("每项过期资质扣减比例"), "0.25")
    grade_a = _threshold_field(_("A 级最低分"), "90")
    grade_b = _threshold_field(_("B 级最低分"), "75")
    grade_c = _threshold_field(_("C 级最低分"), "60")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务商评价权重")
        verbose_name_plural = _("服务商评价权重")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return _("自 %(date)s 起") % {"date": self.effective_from}

    @property
    def weights(self) -> dict[str, Decimal]:
        """{part code: weight} in the order parts are shown."""
        return {
            "ratings": self.weight_ratings,
            "on_time": self.weight_on_time,
            "returns": self.weight_returns,
            "qualifications": self.weight_qualifications,
        }

    def grade_for(self, score: Decimal | None) -> str:
        """A/B/C/D for a score (thresholds inclusive); "" for no score."""
        if score is None:
            return ""
        if score >= self.grade_a:
            return "A"
        if score >= self.grade_b:
            return "B"
        if score >= self.grade_c:
            return "C"
        return "D"

    def clean(self) -> None:
        errors = {}
        weights = [w for w in self.weights.values() if w is not None]
        if len(weights) == 4 and sum(weights, ZERO) != ONE:
            errors["weight_ratings"] = _("四项权重之和必须等于 1（当前为 %(sum)s），请调整后再保存。") % {
                "sum": sum(weights, ZERO)
            }
        if None not in (self.grade_a, self.grade_b, self.grade_c) and not (
            self.grade_a > self.grade_b > self.grade_c
        ):
            errors["grade_a"] = _("等级分数线应满足 A > B > C，请调整后再保存。")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def in_force(cls, on) -> "EvaluationWeights":
        """The row in force on date ``on`` (the earliest row if ``on`` precedes them all).

        Creates the default row (effective 2023-01-01) when the table is empty.
        """
        row = cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        if row is None:
            row = cls.objects.order_by("effective_from").first()
        if row is None:
            from datetime import date

            row = cls.objects.create(effective_from=date(2023, 1, 1), note="默认权重")
        return row


class EvaluationRun(Job):
    """The status row of one month's evaluation (``core.jobs``): the truth about the job.

    Created by a person's request, by the sweep's catch-up once the month is due (the 1st at
    02:00, or later if the machine was off then), or by the management command.
    """

    period = models.CharField(_("统计期"), max_length=6, unique=True, validators=[period_validator])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    providers_count = models.PositiveIntegerField(_("参评服务商"), default=0)
    scored_count = models.PositiveIntegerField(_("有得分"), default=0)
    flagged_count = models.PositiveIntegerField(_("新标记待审查"), default=0)

    objects = ScopedQuerySet.as_manager()

    #: The evaluation job is the province's: province officers and administrators only.
    scope = ScopeRule(all=EVERYTHING)

    class Meta:
        verbose_name = _("服务商评价计算")
        verbose_name_plural = _("服务商评价计算")
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period} ({self.status})"


class ProviderEvaluation(models.Model):
    """One provider's performance result for one month.

    ``parts`` holds, per part code, the raw figures as strings: ``numerator``, ``denominator``,
    ``value`` (0–1), ``weight`` (configured), ``effective_weight`` (after redistribution), ``points``
    and ``has_data``. A part without data in the month is marked "无数据" and its weight is spread
    over the parts that have data in proportion to their weights. ``score`` is null (and ``grade``
    empty) when the provider had no activity at all in the month.
    """

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("服务商")
    )
    period = models.CharField(_("统计期"), max_length=6, validators=[period_validator], db_index=True)
    score = models.DecimalField(
        _("得分"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )
    grade = models.CharField(_("等级"), max_length=1, blank=True)
    rank_in_category = models.JSONField(_("类别内排名"), default=dict, blank=True)
    parts = models.JSONField(_("分项"), default=dict)
    weights = models.ForeignKey(EvaluationWeights, on_delete=models.PROTECT, related_name="evaluations")
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    #: Province officers and administrators: all. Provider staff: their own provider's. Others: none
    #: (a city officer sees the league's figures through the province, not per provider).
    scope = ScopeRule(
        all=EVERYTHING, organisation={Role.PROVIDER_STAFF: OfOrganisation("provider__organisation")}
    )

    class Meta:
        verbose_name = _("服务商绩效评价")
        verbose_name_plural = _("服务商绩效评价")
        ordering = ["-period", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "period"], name="one_evaluation_per_provider_period")
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.period}: {self.score}"


class ProgrammeTarget(models.Model):
    """A target of the 2023 plan for one indicator, year and region (the province unless stated)."""

    class Indicator(models.TextChoices):
        CLINICS = "clinics_active", _("运营中的数字化诊所")
        COMMISSIONERS = "commissioners_active", _("在岗数字专员")
        PROVIDERS = "providers_admitted", _("入库服务商")
        SOLUTIONS = "solutions_published", _("已发布解决方案")
        #: From the derived figures (``reporting.services.derive``), not live counts; the two
        #: rates are percentages (``100`` = every enterprise above designated size diagnosed).
        DIAGNOSIS_COVERAGE = "diagnosis_coverage", _("规上企业诊断覆盖率（%）")
        TRANSFORMING = "ent_transforming", _("开展数字化改造企业数")
        PLATFORM_PENETRATION = "platform_penetration", _("工业互联网平台普及率（%）")

    indicator = models.CharField(_("指标"), max_length=30, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="programme_targets", verbose_name=_("地区")
    )
    target = models.DecimalField(
        _("目标值"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Province: all. City/county officers: the targets of their region and the regions below it
    #: (``reporting.selectors.targets`` shows exactly those rows). Everyone else: none.
    scope = ScopeRule(all=EVERYTHING, region=InRegion("region"))

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")
        ordering = ["year", "indicator", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "region"], name="one_target_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year} {self.target}"


# --- the indicator store (issue "Statistics and bulletins") ---------------------------------------

#: Figures are exact decimals: up to 20 digits before the point and 10 after (``31670.806``,
#: ``0.1492``, a province's 143327 enterprises); never floats.
FIGURE = {"max_digits": 30, "decimal_places": 10}


class Indicator(models.Model):
    """A statistic the departments report (as in DHIS2): code, name, unit and how it aggregates.

    ``sum``: a region without its own value takes the sum of its children's values (if any child
    has one); ``none`` (rates, indices): only values entered for the region count."""

    class Aggregation(models.TextChoices):
        SUM = "sum", _("求和")
        NONE = "none", _("不汇总")

    code = models.CharField(
        _("代码"), max_length=60, unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", _("代码只能由小写字母、数字和下划线组成，并以字母开头。"))],
    )  # fmt: skip
    name = models.CharField(_("名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    aggregation = models.CharField(
        _("汇总方式"), max_length=4, choices=Aggregation.choices, default=Aggregation.SUM
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计指标")
        verbose_name_plural = _("统计指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorValue(models.Model):
    """One indicator's value for one region and period (``2022``, ``2022S1``, ``2022Q1``, ``202206``),
    exact, with where it came from, who and when. A region's own value wins over its children's sum."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("填报")
        IMPORTED = "imported", _("导入")
        DERIVED = "derived", _("系统计算")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("统计期"), max_length=6, db_index=True)
    value = models.DecimalField(_("数值"), **FIGURE)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.ENTERED)
    origin = models.CharField(_("来源说明"), max_length=200, blank=True)  # e.g. the package's name
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    #: The province sees every region's figures; city and county officers their region and below.
    scope = ScopeRule(all=EVERYTHING, region=InRegion("region"))

    class Meta:
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "period"], name="one_value_per_cell")
        ]
        indexes = [models.Index(fields=["period", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.region_id}/{self.period}: {self.value}"


class StatsTable(models.Model):
    """A table layout (``stats-package.md``): rows, columns with expressions and formats, rankings.
    ``layout`` is the checked JSON; ``expected`` the published cells, when a package brought them."""

    code = models.CharField(
        _("代码"), max_length=60, unique=True, validators=[RegexValidator(r"^[A-Za-z0-9_-]+$")]
    )
    title = models.CharField(_("标题"), max_length=300)
    layout = models.JSONField(_("表样"))
    expected = models.JSONField(_("公布值"), null=True, blank=True)
    origin = models.CharField(_("来源说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计表")
        verbose_name_plural = _("统计表")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class StatsTableChange(models.Model):
    """One change of a table layout: created or edited in the browser, or loaded from a package;
    ``changes`` is ``{field: [before, after]}`` (``core.history``) over the title and the layout."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        LOAD = "load", _("数据包导入")

    table = models.ForeignKey(StatsTable, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("变更内容"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    origin = models.CharField(_("来源说明"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("统计表变更")
        verbose_name_plural = _("统计表变更")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.table_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class DerivationRun(Job):
    """The status row of deriving one month's figures from the casework (``core.jobs``): the month
    and the quarter, half and year containing it (``reporting.services.derive``).

    The sweep's catch-up creates the run of a month that has closed, and re-derives the month
    under way whenever the data changed (``core.freshness``) and its last derivation is older than
    ``settings.STATS_REFRESH_SECONDS`` (default ``REFRESH_SECONDS``), so dashboards are never more
    than a few minutes behind the casework."""

    REFRESH_SECONDS = 120

    period = models.CharField(_("统计期"), max_length=6, unique=True, validators=[period_validator])
    data_version = models.CharField(_("数据版本"), max_length=64, blank=True)
    values_count = models.PositiveIntegerField(_("写入数值"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule(all=EVERYTHING)

    class Meta:
        verbose_name = _("统计指标计算")
        verbose_name_plural = _("统计指标计算")
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period} ({self.status})"


class StatsReview(models.Model):
    """The review of one county's (or city's) figures for one period: the county submits, the
    city approves (or returns with a reason), the province publishes; a published period's values
    are locked until the province reopens it with a reason. Every step is a ``StatsReviewEvent``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("已上报")
        APPROVED = "approved", _("已审核")
        PUBLISHED = "published", _("已发布")

    #: States whose values nobody may change (the county waits for its city, or it is published).
    LOCKED = (Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED)

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("统计期"), max_length=6)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule(all=EVERYTHING, region=InRegion("region"))

    class Meta:
        verbose_name = _("统计数据审核")
        verbose_name_plural = _("统计数据审核")
        ordering = ["period", "region__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["region", "period"], name="one_review_per_region_period")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.period}: {self.status}"


class StatsReviewEvent(models.Model):
    """One step of a review: who, what, the reason (returns and reopenings), when."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("上报")
        APPROVE = "approve", _("审核通过")
        RETURN = "return", _("退回")
        PUBLISH = "publish", _("发布")
        REOPEN = "reopen", _("重新打开")

    review = models.ForeignKey(StatsReview, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("原因"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule(all=EVERYTHING, region=InRegion("review__region"))

    class Meta:
        verbose_name = _("统计审核记录")
        verbose_name_plural = _("统计审核记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.action}"


class IndicatorValueChange(models.Model):
    """One change of an entered value (the audit of the data-entry grid): before, after, who, when."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("统计期"), max_length=6)
    before = models.DecimalField(_("修改前"), null=True, blank=True, **FIGURE)
    after = models.DecimalField(_("修改后"), null=True, blank=True, **FIGURE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule(all=EVERYTHING, region=InRegion("region"))

    class Meta:
        verbose_name = _("指标数值修改记录")
        verbose_name_plural = _("指标数值修改记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.region_id}/{self.period}: {self.before} → {self.after}"


class Bulletin(models.Model):
    """A bulletin (通报) of a period: chosen tables with their ranking sentences and the text.

    Drafts show the tables as computed now; publishing freezes ``snapshot`` (the title, period,
    text, and every table's cells, rankings and sentences), which never changes afterwards."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    title = models.CharField(_("标题"), max_length=200)
    period = models.CharField(_("统计期"), max_length=6)
    tables = models.JSONField(_("统计表"), default=list)
    text = models.TextField(_("正文"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(_("发布内容"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    #: The province writes bulletins; city and county officers read the published ones.
    scope = ScopeRule(all=EVERYTHING, region=Where(status="published"))

    class Meta:
        verbose_name = _("统计通报")
        verbose_name_plural = _("统计通报")
        ordering = ["-period", "-id"]

    def __str__(self) -> str:
        return self.title


def _bulletin_path(instance, filename: str) -> str:
    return f"bulletins/{instance.bulletin_id}/{filename}"


class BulletinRender(Job):
    """The PDF of a published bulletin, rendered once in the background (``core.jobs`` status row)
    from its frozen snapshot by ``reporting.services.bulletin_pdf``: the file, its pages and what
    rendered it. A draft's PDF is a preview rendered on request and never stored."""

    bulletin = models.OneToOneField(Bulletin, on_delete=models.CASCADE, related_name="render")
    file = models.FileField(
        _("文件"), upload_to=_bulletin_path, storage=private_storage, blank=True, max_length=200
    )
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    renderer = models.CharField(_("渲染程序"), max_length=60, blank=True)

    objects = ScopedQuerySet.as_manager()
    #: As the bulletin: the province all, city and county officers the published ones' (all are).
    scope = ScopeRule(all=EVERYTHING, region=Where(bulletin__status="published"))

    class Meta:
        verbose_name = _("通报 PDF")
        verbose_name_plural = _("通报 PDF")

    def __str__(self) -> str:
        return f"{self.bulletin_id} ({self.status})"
