"""Diagnoses of an enterprise (一企一诊断书): the questionnaire, the scores, the review, the issue.

The life of a diagnosis (``Diagnosis.Status``)::

    draft → submitted → (returned → resubmitted)* → approved → issued → confirmed
                                                                      ↘ disputed

A clinic or provider engaged with the enterprise fills it (draft; returned ones again), the
county, city or province officer returns or approves and issues it, and the enterprise confirms it
or disputes it with its reasons. Issued diagnoses are read-only: a correction is a new diagnosis
(``supersedes``) that keeps the old one and says why. Every step is a ``DiagnosisEvent``. Writes go
through ``diagnosis.services.diagnoses``; ``revision`` guards against two people saving over each
other.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import EVERYTHING, InRegion, OfOrganisation, ScopedQuerySet, ScopeRule, Through, Where
from core.validators import check_dates
from diagnosis.models.assessment import POINTS, AssessmentModel, Question, Scenario
from diagnosis.models.enterprises import Enterprise


def default_model_pk() -> int | None:
    """The default assessment model's id: new diagnoses (and rows from before models existed) use it."""
    return AssessmentModel.objects.filter(is_default=True).values_list("pk", flat=True).first()


class Diagnosis(models.Model):
    """A diagnosis of an enterprise by a clinic or provider on one model version, and its review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填写中")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        RESUBMITTED = "resubmitted", _("重新提交待审核")
        APPROVED = "approved", _("审核通过")
        ISSUED = "issued", _("已出具")
        CONFIRMED = "confirmed", _("企业已确认")
        DISPUTED = "disputed", _("企业有异议")

    #: The clinic may change answers only in these.
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    #: Waiting for the officer.
    IN_REVIEW = (Status.SUBMITTED, Status.RESUBMITTED)
    #: Issued to the enterprise (read-only from here on).
    ISSUED_STATES = (Status.ISSUED, Status.CONFIRMED, Status.DISPUTED)

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="diagnoses")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="diagnoses",
        verbose_name=_("诊断机构"),
    )
    model = models.ForeignKey(
        AssessmentModel,
        on_delete=models.PROTECT,
        related_name="diagnoses",
        verbose_name=_("评测模型"),
        default=default_model_pk,
    )
    number = models.CharField(_("诊断书编号"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    examiners = models.CharField(_("诊断人员"), max_length=200, blank=True)
    onsite_start = models.DateField(_("现场诊断开始日期"), null=True, blank=True)
    onsite_end = models.DateField(_("现场诊断结束日期"), null=True, blank=True)
    summary = models.TextField(_("总体评价"), blank=True)
    #: Bumped by every save: a form carries the revision it was filled from (see the services).
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上一次诊断"),
        help_text=_("同一企业上一次出具的诊断（复诊时对比变化）。"),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的诊断"),
    )
    correction_reason = models.TextField(_("更正原因"), blank=True)
    total_score = models.DecimalField(_("总分"), null=True, blank=True, **POINTS)
    level = models.PositiveSmallIntegerField(_("等级"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    #: The enterprise's result that counts now: its latest issued diagnosis (set when one is issued,
    #: cleared on the one before). Peer benchmarks and figures read only these rows.
    is_current = models.BooleanField(_("当前有效结果"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("企业确认时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Province: all. County and city officers: every diagnosis of their region's enterprises once
    #: submitted (drafts are the clinic's working copy). Clinic and provider staff: their own
    #: organisation's, and the issued ones of enterprises they are engaged with. Commissioners and
    #: the enterprise: issued ones only, never drafts or reviews in progress.
    scope = ScopeRule(
        all=EVERYTHING,
        region=InRegion("enterprise__county") & Where(~Q(status="draft")),
        assigned=Through("enterprise") & Where(status__in=ISSUED_STATES),
        organisation={
            Role.CLINIC_STAFF: OfOrganisation("organisation")
            | (Through("enterprise") & Where(status__in=ISSUED_STATES)),
            Role.PROVIDER_STAFF: OfOrganisation("organisation")
            | (Through("enterprise") & Where(status__in=ISSUED_STATES)),
        },
        enterprise=Through("enterprise") & Where(status__in=ISSUED_STATES),
    )

    class Meta:
        verbose_name = _("诊断")
        verbose_name_plural = _("诊断")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["model", "status"]),
            models.Index(fields=["enterprise", "status"]),
            models.Index(
                fields=["model", "total_score"],
                condition=Q(is_current=True),
                name="diagnosis_current_by_score",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(is_current=True),
                name="one_current_diagnosis_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return self.number or f"{self.enterprise_id} ({self.status})"

    def clean(self) -> None:
        check_dates(self, planned=["onsite_start", "onsite_end"])
        if self.onsite_start and self.onsite_end and self.onsite_end < self.onsite_start:
            raise ValidationError({"onsite_end": _("现场诊断结束日期不能早于开始日期。")})

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def issued(self) -> bool:
        return self.status in self.ISSUED_STATES


class DiagnosisAnswer(models.Model):
    """The options chosen for one question, and the raw figures typed with it."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    options = models.JSONField(_("所选选项"), default=list)
    #: ``{field code: "exact decimal"}`` (strings: JSON numbers would be floats).
    figures = models.JSONField(_("填报数据"), default=dict, blank=True)
    score = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("diagnosis"))

    class Meta:
        verbose_name = _("诊断答题")
        verbose_name_plural = _("诊断答题")
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.diagnosis_id}/{self.question_id}: {','.join(self.options)}"


class DiagnosisScenario(models.Model):
    """The level (0 = not reached, 1–4) found for one business scenario."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="scenario_levels")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("场景等级"))

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("diagnosis"))

    class Meta:
        verbose_name = _("场景评级")
        verbose_name_plural = _("场景评级")
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "scenario"], name="one_level_per_scenario"),
            models.CheckConstraint(condition=Q(level__lte=4), name="scenario_level_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.diagnosis_id}/{self.scenario_id}: {self.level}"


class DiagnosisScore(models.Model):
    """One dimension's or sub-dimension's score, a row each so peers can be compared in SQL."""

    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("一级指标")
        SUBDIMENSION = "subdimension", _("二级指标")

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="scores")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.SlugField(max_length=60)
    score = models.DecimalField(_("得分"), **POINTS)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("diagnosis"))

    class Meta:
        verbose_name = _("诊断得分")
        verbose_name_plural = _("诊断得分")
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "kind", "code"], name="one_score_per_part")
        ]
        indexes = [models.Index(fields=["kind", "code", "score"])]

    def __str__(self) -> str:
        return f"{self.diagnosis_id}/{self.code}: {self.score}"


class DiagnosisEvent(models.Model):
    """A step of the diagnosis (created, submitted, returned with comments, approved, issued,
    confirmed, disputed with reasons, corrected) and who took it."""

    class Action(models.TextChoices):
        CREATE = "create", _("建立")
        SUBMIT = "submit", _("提交审核")
        RETURN = "return", _("退回修改")
        RESUBMIT = "resubmit", _("重新提交")
        APPROVE = "approve", _("审核通过")
        ISSUE = "issue", _("出具")
        CONFIRM = "confirm", _("企业确认")
        DISPUTE = "dispute", _("企业提出异议")
        CORRECT = "correct", _("更正")
        PREFILL = "prefill", _("按企业自评预填")

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(_("意见"), blank=True)
    #: Return comments per question: ``{question code: comment}``.
    question_comments = models.JSONField(_("逐题意见"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("diagnosis"))

    class Meta:
        verbose_name = _("诊断记录")
        verbose_name_plural = _("诊断记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.diagnosis_id}: {self.action}"
