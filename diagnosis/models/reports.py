"""The diagnosis report (一企一诊断书) as versioned PDF artifacts rendered in the background."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scope import EVERYTHING, InRegion, ScopedQuerySet, ScopeRule, Through
from core.files import private_storage
from core.jobs import Job
from diagnosis.models.diagnoses import Diagnosis

#: Letters of verification codes: no look-alikes (0/O, 1/I/L), so a code read off paper types back.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _report_path(instance, filename: str) -> str:
    return f"reports/{instance.diagnosis_id}/{filename}"


class DiagnosisReport(Job):
    """One rendered version of a diagnosis' report, in one language (``core.jobs`` status row).

    A version records what it was made from — the diagnosis' revision, the model version, the
    template version and a hash of every input (``input_hash``) — and what it is: the PDF's
    sha256, size, pages, the renderer and the time. A request with the same inputs finds the
    version already made (``diagnosis.services.reports.report_request``); changed inputs make a new
    version and keep the old ones. ``verification_code`` is printed on every page and checked by
    the public page, which says only which enterprise, report number and date it belongs to and
    whether a newer version exists.
    """

    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("中文")
        ENGLISH = "en", _("英文")

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT, related_name="reports")
    language = models.CharField(_("语言"), max_length=10, choices=Language.choices, default=Language.CHINESE)
    version = models.PositiveIntegerField(_("版本"))
    verification_code = models.CharField(
        _("校验码"), max_length=16, unique=True, default=new_verification_code
    )
    diagnosis_revision = models.PositiveIntegerField(_("诊断修订号"), default=0)
    model_version = models.CharField(_("评测模型版本"), max_length=60, blank=True)
    template_version = models.CharField(_("模板版本"), max_length=20)
    input_hash = models.CharField(_("输入数据摘要"), max_length=64)
    file = models.FileField(
        _("文件"), upload_to=_report_path, storage=private_storage, blank=True, max_length=200
    )
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), null=True, blank=True)
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    renderer = models.CharField(_("渲染程序"), max_length=60, blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    render_seconds = models.DecimalField(
        _("渲染耗时（秒）"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The id of the last render message sent for this row (a cancel revokes it).
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the diagnosis sees its reports (the enterprise: issued diagnoses only).
    scope = ScopeRule.every_reach(Through("diagnosis"))

    #: A render takes seconds; a RUNNING row silent this long has lost its worker.
    stale_after = timedelta(minutes=3)

    class Meta:
        verbose_name = _("诊断书文件")
        verbose_name_plural = _("诊断书文件")
        ordering = ["diagnosis", "language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "language", "version"], name="one_report_version"),
            models.UniqueConstraint(
                fields=["diagnosis", "language", "input_hash", "template_version"],
                name="one_report_per_input",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diagnosis_id} {self.language} v{self.version} ({self.status})"


class ReportBatch(Job):
    """An officer's batch: the reports of every issued diagnosis of a region, one row here and a
    row per report (``ReportBatchItem``). The job's own work is asking for each report
    (``report_request``: unchanged ones are reused, the rest rendered by the render workers);
    progress is counted from the reports' states. Cancelling stops what has not finished
    (``diagnosis.services.reports.report_batch_cancel``)."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    language = models.CharField(
        _("语言"),
        max_length=10,
        choices=DiagnosisReport.Language.choices,
        default=DiagnosisReport.Language.CHINESE,
    )
    total = models.PositiveIntegerField(_("诊断书份数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    #: The province: every batch; city and county officers: the batches of their region.
    scope = ScopeRule(all=EVERYTHING, region=InRegion("region"))

    class Meta:
        verbose_name = _("诊断书批量生成")
        verbose_name_plural = _("诊断书批量生成")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region_id} ({self.status})"


class ReportBatchItem(models.Model):
    """One report of a batch: the version the batch asked for (reused or new)."""

    batch = models.ForeignKey(ReportBatch, on_delete=models.CASCADE, related_name="items")
    report = models.ForeignKey(DiagnosisReport, on_delete=models.PROTECT, related_name="batch_items")

    objects = ScopedQuerySet.as_manager()
    scope = ScopeRule.every_reach(Through("batch"))

    class Meta:
        verbose_name = _("批量生成明细")
        verbose_name_plural = _("批量生成明细")
        constraints = [models.UniqueConstraint(fields=["batch", "report"], name="one_item_per_report")]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.report_id}"
