"""The enterprise's own portal: its self-assessment, its proposed contact corrections, its requests
and its comments on the findings of an issued diagnosis.

- ``SelfAssessment``: the enterprise fills the diagnosis questionnaire itself (draft → submitted).
  Scores are computed with ``diagnosis.scoring`` and kept exactly; they are the enterprise's own
  estimate (自评), never an official result. A clinic starting a diagnosis on the same model
  version starts from the latest submitted one.
- ``ContactCorrection``: new values for the archive's contact fields (``CONTACT_FIELDS``) proposed
  by the enterprise; an officer in scope accepts (applied through
  ``diagnosis.services.enterprises.enterprise_update``, so the history records it) or rejects with
  a reason (pending → accepted / rejected).
- ``EnterpriseRequest``: a need (need tags and text) or a request for a diagnosis; its
  commissioner or an officer in scope replies (open → answered → closed, or open → closed).
- ``DiagnosisComment``: the enterprise comments on an issued diagnosis (optionally about one
  dimension or scenario of its model); the diagnosing organisation's staff and officers in scope
  reply (``reply_to``).

Writes go through ``diagnosis.services.portal``, reads through ``diagnosis.selectors.portal``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import EVERYTHING, InRegion, ScopedQuerySet, ScopeRule, Through, Where
from diagnosis.models.assessment import POINTS, AssessmentModel
from diagnosis.models.casework import NeedTag
from diagnosis.models.diagnoses import Diagnosis, default_model_pk
from diagnosis.models.enterprises import Enterprise

#: The archive's contact fields an enterprise may propose corrections to (``Enterprise`` has no
#: e-mail field).
CONTACT_FIELDS = ("contact_person", "contact_phone", "address")
#: Longest free text (notes, needs, replies, comments) accepted from a person.
TEXT_MAX = 2000


class SelfAssessment(models.Model):
    """The enterprise's own answers to the questionnaire of one model version, and their scores."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填写中")
        SUBMITTED = "submitted", _("已提交")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="self_assessments")
    model = models.ForeignKey(
        AssessmentModel,
        on_delete=models.PROTECT,
        related_name="self_assessments",
        verbose_name=_("评测模型"),
        default=default_model_pk,
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    #: ``{question code: [option keys]}``, as ``diagnosis.services.diagnoses.clean_answers`` gives them.
    answers = models.JSONField(_("所选选项"), default=dict, blank=True)
    #: ``{question code: {figure code: "exact decimal"}}`` (strings: JSON numbers would be floats).
    figures = models.JSONField(_("填报数据"), default=dict, blank=True)
    #: ``{scenario code: level 0–4}``.
    scenarios = models.JSONField(_("场景等级"), default=dict, blank=True)
    total_score = models.DecimalField(_("自评总分"), null=True, blank=True, **POINTS)
    level = models.PositiveSmallIntegerField(_("自评等级"), null=True, blank=True)
    #: ``{dimension code: "exact decimal"}``; read them as decimals with ``dimension_scores()``.
    dimensions = models.JSONField(_("各维度得分"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    #: Counts saves: a form carries the draft's ``stamp`` so a save from a stale page is refused.
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = ScopedQuerySet.as_manager()

    #: The enterprise: its own, drafts included. Officers in scope and the staff of clinics and
    #: providers engaged with the enterprise (who diagnose it and start from it): submitted ones.
    #: Nobody else (commissioners included): a self-assessment is the enterprise's own estimate.
    scope = ScopeRule(
        all=Where(status="submitted"),
        region=InRegion("enterprise__county") & Where(status="submitted"),
        organisation={
            Role.CLINIC_STAFF: Through("enterprise") & Where(status="submitted"),
            Role.PROVIDER_STAFF: Through("enterprise") & Where(status="submitted"),
        },
        enterprise=Through("enterprise"),
    )

    class Meta:
        verbose_name = _("企业自评")
        verbose_name_plural = _("企业自评")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(status="draft"), name="one_draft_self_assessment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.status} {self.total_score}"

    @property
    def stamp(self) -> str:
        """What a form opened on this draft carries back: ``"<id>:<revision>"``."""
        return f"{self.pk}:{self.revision}"

    def dimension_scores(self) -> dict[str, Decimal]:
        return {code: Decimal(value) for code, value in (self.dimensions or {}).items()}

    @property
    def submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ContactCorrection(models.Model):
    """New values for the archive's contact fields, proposed by the enterprise, decided by an officer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contact_corrections")
    #: ``{field: [value on the archive when proposed, proposed value]}`` for ``CONTACT_FIELDS``.
    changes = models.JSONField(_("更正内容"), default=dict)
    note = models.TextField(_("说明"), blank=True, max_length=TEXT_MAX)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("未采纳原因"), blank=True, max_length=TEXT_MAX)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("提出人"),
    )
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Officers of the enterprise's region (the province: all) and the enterprise itself.
    scope = ScopeRule(all=EVERYTHING, region=InRegion("enterprise__county"), enterprise=Through("enterprise"))

    class Meta:
        verbose_name = _("联系信息更正申请")
        verbose_name_plural = _("联系信息更正申请")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.status}"


class EnterpriseRequest(models.Model):
    """A need the enterprise states, or its request for a diagnosis, and the reply."""

    class Kind(models.TextChoices):
        NEED = "need", _("提出需求")
        DIAGNOSIS = "diagnosis", _("申请诊断")

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    #: Still waiting for someone to act (the to-dos count these).
    OPEN_STATES = (Status.OPEN,)

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("事项"), max_length=10, choices=Kind.choices, default=Kind.NEED)
    need_tags = models.ManyToManyField(
        NeedTag, blank=True, related_name="requests", verbose_name=_("需求类型")
    )
    text = models.TextField(_("内容"), blank=True, max_length=TEXT_MAX)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("答复"), blank=True, max_length=TEXT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("提出人"),
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Officers of the region (the province: all), the enterprise's commissioner (through the
    #: enterprise's own rule: assigned enterprises) and the enterprise itself.
    scope = ScopeRule(
        all=EVERYTHING,
        region=InRegion("enterprise__county"),
        assigned=Through("enterprise"),
        enterprise=Through("enterprise"),
    )

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.kind} {self.status}"


class DiagnosisComment(models.Model):
    """A comment of the enterprise on an issued diagnosis' findings, or a reply to one."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="comments")
    #: What the comment is about: ``""`` (the diagnosis as a whole), one of its recommendations
    #: (``rec:<id>``), or a dimension or scenario code of the diagnosis' model
    #: (``diagnosis.services.portal.comment_about_choices``).
    about = models.CharField(_("针对"), max_length=60, blank=True)
    text = models.TextField(_("内容"), max_length=TEXT_MAX)
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("答复"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("作者"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the diagnosis sees its comments (the enterprise sees issued diagnoses only).
    scope = ScopeRule.every_reach(Through("diagnosis"))

    class Meta:
        verbose_name = _("诊断意见")
        verbose_name_plural = _("诊断意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.diagnosis_id}: {self.text[:20]}"
