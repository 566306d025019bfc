"""The life of an ``ImportJob``: upload → preview (a dry run) → confirm → import, one service a step.

Status machine (``ImportJob.Status``)::

    PENDING_PREVIEW → PREVIEWING → PREVIEWED → PENDING_IMPORT → IMPORTING → DONE
    (PREVIEWING, IMPORTING) → FAILED   on a whole-file error, a lost permission, an unexpected
                                       error, or after MAX_ATTEMPTS runs
    (PENDING_PREVIEW … PENDING_IMPORT) → CANCELLED

The row is the truth, the broker only a doorbell. Each ``*_run`` service claims its step under
``select_for_update`` and returns early when the job is not waiting for that step, so a task
delivered twice does no harm; ``resume=True`` (a retry, or the sweep) may also take over a job
stuck *in* that step. The import itself commits chunk by chunk and is idempotent, so a resumed
run reports the chunks already written as unchanged and carries on.
"""

import logging
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from accounts.scope import can_import_enterprises
from diagnosis.models import ImportJob
from diagnosis.services.register import (
    ImportFileError,
    enterprise_register_import,
    file_format_for,
    rejects_bytes,
    rejects_filename,
)

logger = logging.getLogger(__name__)

Status = ImportJob.Status
MAX_ATTEMPTS = 3
#: A job waiting this long for its task is rung again by the sweep.
PENDING_GRACE = timedelta(minutes=2)
CANCELLABLE = frozenset({Status.PENDING_PREVIEW, Status.PREVIEWING, Status.PREVIEWED, Status.PENDING_IMPORT})
#: States in which a worker is (or should be) busy: the job page polls while in one of them.
ACTIVE = frozenset({Status.PENDING_PREVIEW, Status.PREVIEWING, Status.PENDING_IMPORT, Status.IMPORTING})


def upload_problem(*, name: str, size: int) -> str | None:
    """Why an uploaded file cannot be taken (extension, emptiness, size), or None."""
    try:
        file_format_for(name)
    except ImportFileError as exc:
        return _("您选择的文件“%(name)s”：%(reason)s") % {"name": name, "reason": exc}
    if size == 0:
        return _("您选择的文件“%(name)s”是空的（0 字节），请检查后重新选择。") % {"name": name}
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        return _("您选择的文件“%(name)s”有 %(size).1f MB，超过了 %(limit)d MB 的上限，请拆分后分批导入。") % {
            "name": name,
            "size": size / 1024 / 1024,
            "limit": limit // 1024 // 1024,
        }
    return None


def _enqueue(task_name: str, job_id: int, *, resume: bool = False) -> None:
    """Ring the doorbell; if the broker is down the sweep rings again later (nothing is lost)."""
    from diagnosis import tasks

    try:
        getattr(tasks, task_name).apply_async(args=[job_id], kwargs={"resume": resume})
    except BrokerError:
        logger.warning(
            "import job %s: broker unavailable, the sweep will enqueue %s later", job_id, task_name
        )


@transaction.atomic
def import_job_create(*, actor, upload: File) -> ImportJob:
    """Store an uploaded register file as a new job (PENDING_PREVIEW) and enqueue its preview.

    Raises ``PermissionDenied`` for users who may not import and ``ValidationError`` for a file
    with the wrong extension, no content or over ``IMPORT_MAX_UPLOAD_BYTES``. The file is stored
    under MEDIA_ROOT with a random name (never served directly; see ``views_import``).
    """
    if not can_import_enterprises(actor):
        raise PermissionDenied
    name = Path(upload.name or "").name
    problem = upload_problem(name=name, size=upload.size)
    if problem:
        raise ValidationError(problem, code="upload")
    file_format = file_format_for(name)
    job = ImportJob(created_by=actor, original_name=name[:255], file_format=file_format)
    job.file.save(f"{uuid4().hex}.{file_format}", upload, save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue("import_job_preview", job.pk))
    return job


def _exhausted(job: ImportJob) -> str:
    return _("已尝试 %(n)d 次仍未完成，请重新上传文件或联系管理员。") % {"n": job.attempts}


@transaction.atomic
def _claim(job_id: int, *, waiting: str, running: str, resume: bool) -> ImportJob | None:
    """Move the job from ``waiting`` (or, resuming, from ``running``) to ``running``; None if not ours."""
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.status == waiting or (resume and job.status == running):
        if job.attempts >= MAX_ATTEMPTS:
            job.message = _failure_message(job, _exhausted(job))
            job.status = Status.FAILED
            job.save()
            return None
        job.status = running
        job.attempts += 1
        job.processed_rows = 0
        job.save()
        return job
    return None


def import_job_preview_run(*, job_id: int, resume: bool = False) -> ImportJob:
    """Validate the whole file without writing (PENDING_PREVIEW → PREVIEWING → PREVIEWED or FAILED).

    Stores the counts it would produce, the first rejected rows and the rejects file.
    Returns the job as it stands; a job past this step is returned untouched.
    """
    job = _claim(job_id, waiting=Status.PENDING_PREVIEW, running=Status.PREVIEWING, resume=resume)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    return _run(job, dry_run=True, running=Status.PREVIEWING, done=Status.PREVIEWED)


def import_job_import_run(*, job_id: int, resume: bool = False) -> ImportJob:
    """Apply the file (PENDING_IMPORT → IMPORTING → DONE or FAILED), acting with the uploader's scope.

    The rows are validated again (the register may have changed since the preview); the final
    counts replace the preview's. A job past this step is returned untouched.
    """
    job = _claim(job_id, waiting=Status.PENDING_IMPORT, running=Status.IMPORTING, resume=resume)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    return _run(job, dry_run=False, running=Status.IMPORTING, done=Status.DONE)


def _run(job: ImportJob, *, dry_run: bool, running: str, done: str) -> ImportJob:
    def progress(processed: int, total: int) -> None:
        # Also the heartbeat the sweep looks at (``update`` does not touch auto_now fields).
        ImportJob.objects.filter(pk=job.pk, status=running).update(
            processed_rows=processed, total_rows=total, updated_at=timezone.now()
        )

    try:
        with job.file.open("rb") as handle:
            result = enterprise_register_import(
                actor=job.created_by,
                path=handle,
                original_name=job.original_name,
                dry_run=dry_run,
                progress=progress,
            )
    except ImportFileError as exc:
        return _fail(job.pk, running=running, message=str(exc))
    except PermissionDenied:
        return _fail(job.pk, running=running, message=_("您已没有导入企业名录的权限。"))
    except (OperationalError, SoftTimeLimitExceeded):
        raise  # transient or out of time: stays ``running``; a retry or the sweep resumes it
    except Exception:
        logger.exception("import job %s failed", job.pk)
        return _fail(job.pk, running=running, message=_("处理文件时发生内部错误，请稍后重试或联系管理员。"))

    rejects = rejects_bytes(result) if result.rejected else None
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != running:  # cancelled (preview) or taken over meanwhile
            return job
        job.status = done
        job.file_format = result.file_format
        job.encoding = result.encoding
        job.total_rows = job.processed_rows = result.total_rows
        job.created_count = result.created
        job.updated_count = result.updated
        job.unchanged_count = result.unchanged
        job.rejected_count = result.rejected
        job.errors = result.error_list()
        job.message = (
            _("以下列无法识别，已忽略：%(cols)s") % {"cols": "、".join(result.ignored_columns)}
            if result.ignored_columns
            else ""
        )
        if job.rejects_file:
            job.rejects_file.delete(save=False)
        if rejects is not None:
            job.rejects_file.save(
                rejects_filename(job.original_name, result.file_format), ContentFile(rejects), save=False
            )
        job.save()
    return job


def _failure_message(job: ImportJob, message: str) -> str:
    """``message``, plus what an import that died midway has already written (whole chunks)."""
    if job.status == Status.IMPORTING and job.processed_rows:
        return message + _(
            "失败前已处理前 %(n)d 行，其中有效的数据已经写入；改正后重新导入同一文件即可补全，已写入的不会重复。"
        ) % {"n": job.processed_rows}
    return message


@transaction.atomic
def _fail(job_id: int, *, running: str, message: str) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.status == running:
        job.message = _failure_message(job, message)
        job.status = Status.FAILED
        job.save()
    return job


def _lock_for(actor, job: ImportJob) -> ImportJob:
    if not can_import_enterprises(actor):
        raise PermissionDenied
    return ImportJob.objects.select_for_update().get(pk=job.pk)


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Confirm a previewed job (PREVIEWED → PENDING_IMPORT) and enqueue the import.

    ``job`` must come from ``selectors.import_job_get(actor=…)``. Confirming again once the import
    is queued, running or done changes nothing; other states raise ``ValidationError``.
    """
    job = _lock_for(actor, job)
    if job.status in (Status.PENDING_IMPORT, Status.IMPORTING, Status.DONE):
        return job
    if job.status != Status.PREVIEWED:
        raise ValidationError(_("只有校验完成、等待确认的导入任务才能确认导入。"), code="state")
    job.status = Status.PENDING_IMPORT
    job.attempts = 0
    job.processed_rows = 0
    job.save()
    transaction.on_commit(lambda: _enqueue("import_job_run", job.pk))
    return job


@transaction.atomic
def import_job_cancel(*, actor, job: ImportJob) -> ImportJob:
    """Cancel a job that has not started importing; nothing it previewed is kept as data.

    ``job`` must come from ``selectors.import_job_get(actor=…)``. Cancelling twice is harmless;
    a job importing or finished raises ``ValidationError``.
    """
    job = _lock_for(actor, job)
    if job.status == Status.CANCELLED:
        return job
    if job.status not in CANCELLABLE:
        raise ValidationError(_("导入已经开始或已经结束，不能取消。"), code="state")
    job.status = Status.CANCELLED
    job.save()
    return job


def import_jobs_sweep(*, now=None) -> dict[str, list[int]]:
    """Re-ring jobs left waiting, resume jobs stuck running, fail those out of attempts.

    - PENDING_PREVIEW / PENDING_IMPORT untouched for ``PENDING_GRACE``: enqueue the step again.
    - PREVIEWING / IMPORTING without a heartbeat for longer than ``CELERY_TASK_TIME_LIMIT`` (the
      worker must be gone): enqueue with ``resume=True``, or mark FAILED after ``MAX_ATTEMPTS``.

    Returns the ids handled, by what was done: ``{"rung": [...], "resumed": [...], "failed": [...]}``.
    """
    now = now or timezone.now()
    done: dict[str, list[int]] = {"rung": [], "resumed": [], "failed": []}
    step_task = {
        Status.PENDING_PREVIEW: "import_job_preview",
        Status.PREVIEWING: "import_job_preview",
        Status.PENDING_IMPORT: "import_job_run",
        Status.IMPORTING: "import_job_run",
    }
    waiting = ImportJob.objects.filter(
        status__in=[Status.PENDING_PREVIEW, Status.PENDING_IMPORT], updated_at__lt=now - PENDING_GRACE
    )
    for job_id, status in waiting.values_list("pk", "status"):
        # Touch it so the next sweep does not ring again while the queue is merely slow.
        if ImportJob.objects.filter(pk=job_id, status=status).update(updated_at=now):
            transaction.on_commit(lambda j=job_id, s=status: _enqueue(step_task[s], j))
            done["rung"].append(job_id)

    stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    stuck = ImportJob.objects.filter(
        status__in=[Status.PREVIEWING, Status.IMPORTING], updated_at__lt=stale_before
    ).values_list("pk", flat=True)
    for job_id in stuck:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if job.status not in (Status.PREVIEWING, Status.IMPORTING) or job.updated_at >= stale_before:
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.message = _failure_message(job, _exhausted(job))
                job.status = Status.FAILED
                job.save()
                done["failed"].append(job_id)
                continue
            job.save()  # auto_now: the new attempt gets a full time limit before the next sweep
            transaction.on_commit(lambda j=job_id, s=job.status: _enqueue(step_task[s], j, resume=True))
            done["resumed"].append(job_id)
    return done
