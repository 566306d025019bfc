"""Diagnoses of an enterprise (一企一诊断书) and their review."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scope import ScopedQuerySet, ScopeRule, Through
from diagnosis.models.enterprises import Enterprise


class Diagnosis(models.Model):
    """A diagnosis of an enterprise by a clinic or provider, and its review before issue.

    The questionnaire, scores, level and the PDF report are added by the diagnosis work; this
    record carries what the review and the providers' evaluation need: who examined, the status,
    and how often the review sent it back.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("填写中")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        ISSUED = "issued", _("已出具")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="diagnoses")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="diagnoses",
        verbose_name=_("诊断机构"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the enterprise sees its diagnoses.
    scope = ScopeRule.every_reach(Through("enterprise"))

    class Meta:
        verbose_name = _("诊断")
        verbose_name_plural = _("诊断")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ({self.status})"
