"""Writes of the diagnosis report (一企一诊断书): requesting a version, rendering it in the background.

Contract
- ``report_request(diagnosis, language=…, actor=…)`` (in the caller's transaction) computes the
  document's data and its hash (``diagnosis.selectors.reports``). A version with the same hash
  and template version is the answer (a FAILED one is started afresh); otherwise a new version
  (the next number for the diagnosis and language) is created PENDING and its task enqueued on
  commit. Old versions are never changed or removed.
- Issuing, confirming or disputing a diagnosis requests its Chinese report in the same
  transaction (the ``on_issue`` hook of ``diagnosis.services.diagnoses``), so an issued diagnosis
  always has a report row, even if the broker is down then (the job sweep rings it later).
- ``report_render_run(pk)`` is the task's work, idempotent on the shared job mechanism
  (``core.jobs``): it claims the row (a second delivery, or a redelivered task whose row is done,
  claims nothing and returns), renders the PDF with ``core.pdf.render_pdf`` (packaged assets
  only), stores it privately, and records sha256, size, pages, renderer, time and seconds in the
  same transaction that finishes the row. A failed render is retried with back-off up to
  ``max_attempts``; a render whose row was taken over (``JobLost``) removes what it wrote.
- Only issued diagnoses (issued, confirmed, disputed) have reports.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from decimal import Decimal

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import is_officer
from accounts.scope import region_in_scope
from core.jobs import JobLost, JobStatus, ring_on_commit
from core.pdf import page_labels, render_pdf, renderer_version
from diagnosis.models import Diagnosis, DiagnosisReport, ReportBatch, ReportBatchItem
from diagnosis.selectors.reports import TEMPLATE_VERSION, document_hash, report_document
from diagnosis.services import diagnoses as diagnosis_services

logger = logging.getLogger(__name__)

LANGUAGES = dict(DiagnosisReport.Language.choices)


def _language(language: str | None) -> str:
    language = (language or "").lower()
    return DiagnosisReport.Language.ENGLISH if language.startswith("en") else DiagnosisReport.Language.CHINESE


@transaction.atomic
def report_request(*, diagnosis: Diagnosis, language: str = "zh-hans", actor=None) -> DiagnosisReport:
    """The report version for the diagnosis' current data in ``language`` (see the module)."""
    diagnosis = Diagnosis.objects.select_for_update().get(pk=diagnosis.pk)
    if not diagnosis.issued:
        raise ValidationError(_("诊断出具后才有诊断书。"), code="state")
    language = _language(language)
    digest = document_hash(report_document(diagnosis, language))
    reports = DiagnosisReport.objects.filter(diagnosis=diagnosis, language=language)
    existing = reports.filter(input_hash=digest, template_version=TEMPLATE_VERSION).first()
    if existing is not None:
        if existing.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            existing.requested_by = actor if getattr(actor, "pk", None) else existing.requested_by
            existing.schedule()
        elif existing.status == JobStatus.PENDING:
            ring_on_commit(existing)  # asked again: ring again (a duplicate message claims nothing)
        return existing
    version = (reports.aggregate(v=Max("version"))["v"] or 0) + 1
    report = DiagnosisReport(
        diagnosis=diagnosis,
        language=language,
        version=version,
        diagnosis_revision=diagnosis.revision,
        model_version=diagnosis.model.code,
        template_version=TEMPLATE_VERSION,
        input_hash=digest,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    report.full_clean(exclude=["file"])
    report.save()
    ring_on_commit(report)
    return report


@diagnosis_services.on_issue
def report_on_issue(*, actor, diagnosis: Diagnosis) -> None:
    """Issuing, confirming or disputing requests the Chinese report (the sign-off changes)."""
    report_request(diagnosis=diagnosis, language=DiagnosisReport.Language.CHINESE, actor=actor)


def report_enqueue(report: DiagnosisReport, *, countdown: float | None = None) -> None:
    """Send the render task (the doorbell ``core.jobs`` rings for DiagnosisReport) under a fresh
    task id, recorded on the row first so a cancel can revoke the message (``report_batch_cancel``)."""
    from diagnosis.tasks import reports as tasks

    task_id = f"report-{report.pk}-{uuid.uuid4().hex[:12]}"
    DiagnosisReport.objects.filter(pk=report.pk).update(task_id=task_id)
    tasks.render_report.apply_async(args=[report.pk], countdown=countdown, task_id=task_id)


def report_html(report: DiagnosisReport) -> tuple[str, str, dict]:
    """The report's HTML and CSS as rendered now, and the document data they came from."""
    with translation.override(report.language):
        document = report_document(report.diagnosis, report.language)
        generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        html = render_to_string(
            "pdf/report.html", {"doc": document, "code": report.verification_code, "generated": generated}
        )
        css = render_to_string("pdf/report.css", page_labels())
    return html, css, document


def report_filename(report: DiagnosisReport) -> str:
    """A download name people recognise: 一企一诊断书-<企业>-<编号>-v<n>.pdf (English: Diagnosis-report-…)."""
    diagnosis = report.diagnosis
    name = diagnosis.enterprise.name.replace("/", "_").replace("\\", "_")[:60]
    stem = "Diagnosis-report" if report.language == DiagnosisReport.Language.ENGLISH else "一企一诊断书"
    return f"{stem}-{name}-{diagnosis.number or diagnosis.pk}-v{report.version}.pdf"


def report_render_run(*, report_id: int) -> DiagnosisReport | None:
    """Render one report version (see the module); returns the row, None when it does not exist."""
    if not DiagnosisReport.objects.filter(pk=report_id).exists():
        return None
    report = DiagnosisReport.claim(report_id)
    if report is None:
        return DiagnosisReport.objects.get(pk=report_id)
    stored = ""
    try:
        started = time.perf_counter()
        html, css, document = report_html(report)
        report.heartbeat()
        rendered = render_pdf(html, stylesheets=(css,))
        report.heartbeat()
        seconds = Decimal(str(round(time.perf_counter() - started, 3)))
        stored = _store(report, rendered.pdf)
        with transaction.atomic():
            finished = report.finish(
                file=stored,
                sha256=hashlib.sha256(rendered.pdf).hexdigest(),
                size=len(rendered.pdf),
                pages=rendered.pages,
                renderer=renderer_version(),
                rendered_at=timezone.now(),
                render_seconds=seconds,
            )
            if not finished:
                raise JobLost(report_id)
        logger.info("report %s rendered (attempt %s, %s pages)", report_id, report.attempts, rendered.pages)
        if rendered.refused:
            logger.warning("report %s: refused %d URL(s) while rendering", report_id, len(rendered.refused))
        return report
    except JobLost:
        _discard(stored)
        return DiagnosisReport.objects.get(pk=report_id)
    except Exception as exc:
        _discard(stored)
        logger.exception("report %s failed", report_id)
        report.fail(_("生成失败：%(reason)s") % {"reason": exc})
        return report


def _store(report: DiagnosisReport, pdf: bytes) -> str:
    """Write the PDF under this attempt's own name (``reports/<diagnosis>/<number>-<lang>-v<n>-a<attempt>.pdf``)
    after removing what earlier attempts of the version left (a worker killed between writing and
    committing). Only the claim holder cleans up, and each attempt removes only its own file when
    it fails or loses its claim, so a version ends with exactly one file: the one its row names."""
    field = report.file
    stem = f"{report.diagnosis.number or report.diagnosis_id}-{report.language}-v{report.version}-a"
    name = field.field.generate_filename(report, f"{stem}{report.attempts}.pdf")
    folder = name.rpartition("/")[0]
    try:
        _dirs, files = field.storage.listdir(folder)
    except FileNotFoundError:
        files = []
    for leftover in files:
        if leftover.startswith(stem) and f"{folder}/{leftover}" != name:
            field.storage.delete(f"{folder}/{leftover}")
    if field.storage.exists(name):
        field.storage.delete(name)
    field.name = field.storage.save(name, ContentFile(pdf), max_length=field.field.max_length)
    return field.name


def _discard(name: str) -> None:
    if name:
        DiagnosisReport._meta.get_field("file").storage.delete(name)


# --- batches ------------------------------------------------------------------------------------

#: A batch asks for its reports in chunks of this many, with a heartbeat (and a cancel check) between.
BATCH_CHUNK = 25


@transaction.atomic
def report_batch_start(*, actor, region, language: str = "zh-hans") -> ReportBatch:
    """An officer starts a batch for ``region`` (their own or below); the job is enqueued on commit."""
    if not is_officer(actor) or not region_in_scope(actor, region):
        raise PermissionDenied(_("只有所在地的工信部门可以批量生成本地区的诊断书。"))
    batch = ReportBatch(region=region, language=_language(language), created_by=actor)
    batch.total = _batch_diagnoses(batch).count()
    batch.full_clean()
    batch.save()
    ring_on_commit(batch)
    return batch


def _batch_diagnoses(batch: ReportBatch):
    return Diagnosis.objects.filter(
        status__in=Diagnosis.ISSUED_STATES, enterprise__county__path__startswith=batch.region.path
    ).order_by("pk")


def report_batch_enqueue(batch: ReportBatch, *, countdown: float | None = None) -> None:
    """Send the batch's task (the doorbell ``core.jobs`` rings for ReportBatch)."""
    from diagnosis.tasks import reports as tasks

    tasks.prepare_report_batch.apply_async(args=[batch.pk], countdown=countdown)


def report_batch_run(*, batch_id: int) -> ReportBatch | None:
    """Ask for every report of the batch (reusing unchanged versions), chunk by chunk; resumable:
    a retried or reclaimed run skips the diagnoses it already has an item for."""
    if not ReportBatch.objects.filter(pk=batch_id).exists():
        return None
    batch = ReportBatch.claim(batch_id)
    if batch is None:
        return ReportBatch.objects.get(pk=batch_id)
    try:
        done = set(ReportBatchItem.objects.filter(batch=batch).values_list("report__diagnosis_id", flat=True))
        pending = [pk for pk in _batch_diagnoses(batch).values_list("pk", flat=True) if pk not in done]
        for start in range(0, len(pending), BATCH_CHUNK):
            batch.heartbeat()  # raises JobLost once cancelled
            for diagnosis in Diagnosis.objects.filter(pk__in=pending[start : start + BATCH_CHUNK]).order_by(
                "pk"
            ):
                with transaction.atomic():
                    report = report_request(
                        diagnosis=diagnosis, language=batch.language, actor=batch.created_by
                    )
                    ReportBatchItem.objects.get_or_create(batch=batch, report=report)
        batch.finish(total=ReportBatchItem.objects.filter(batch=batch).count())
    except JobLost:
        pass
    except Exception as exc:
        logger.exception("report batch %s failed", batch_id)
        batch.fail(_("批量生成失败：%(reason)s") % {"reason": exc})
    return ReportBatch.objects.get(pk=batch_id)


@transaction.atomic
def report_batch_cancel(*, actor, batch: ReportBatch) -> int:
    """Stop a batch: no further reports are asked for, and its reports not yet rendered are
    cancelled (a render in flight stops at its next heartbeat and removes what it wrote; nothing
    half-written is kept). Finished reports stay. Returns how many reports were cancelled; a
    cancelled report is rendered again when someone asks for it."""
    batch = ReportBatch.objects.select_for_update().get(pk=batch.pk)
    if not is_officer(actor) or not region_in_scope(actor, batch.region):
        raise PermissionDenied(_("只有所在地的工信部门可以取消本地区的批量生成。"))
    if batch.status in (JobStatus.PENDING, JobStatus.RUNNING):
        batch.status = JobStatus.CANCELLED
        batch.message = _("已由 %(who)s 取消") % {"who": actor}
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "message", "finished_at"])
    unfinished = list(
        DiagnosisReport.objects.filter(
            batch_items__batch=batch, status__in=(JobStatus.PENDING, JobStatus.RUNNING)
        ).values_list("pk", "task_id")
    )
    cancelled = DiagnosisReport.objects.filter(pk__in=[pk for pk, _task in unfinished]).update(
        status=JobStatus.CANCELLED, message=_("批量生成已取消"), finished_at=timezone.now()
    )
    task_ids = [task for _pk, task in unfinished if task]
    if task_ids:
        transaction.on_commit(lambda: _revoke(task_ids))
    return cancelled


def _revoke(task_ids: list[str]) -> None:
    """Revoke the render messages still queued (the workers drop them unseen). Best effort: the
    rows are already CANCELLED, so a message that escapes (a broker without broadcast, such as the
    development SQLite one, or a broker that is down) claims nothing when it arrives."""
    try:
        current_app.control.revoke(task_ids)
    except Exception:  # noqa: BLE001 (any broker failure: the row state already stops the work)
        logger.warning("could not revoke %d report task(s); their rows are cancelled", len(task_ids))
