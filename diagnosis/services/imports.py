"""The life of an ``ImportJob``: upload → preview (a dry run) → confirm → import, one service a step.

The job runs on the shared lifecycle (``core.jobs``): a ``phase`` (preview, then import) and a
``status`` (PENDING → RUNNING → DONE / FAILED; CANCELLED by a person). User-visible states::

    PENDING_PREVIEW → PREVIEWING → PREVIEWED → PENDING_IMPORT → IMPORTING → DONE
    (PREVIEWING, IMPORTING) → FAILED   on a whole-file error or a lost permission (at once), an
                                       unexpected error, or when out of attempts
    (PENDING_PREVIEW … PENDING_IMPORT) → CANCELLED

The row is the truth, the broker only a doorbell. Each ``*_run`` service ``claim``s the row, so
a task delivered twice does no harm; a worker that dies leaves a RUNNING row whose heartbeat
(one per chunk, via the progress callback) goes stale, and the sweep (``core.tasks.sweep_jobs``)
puts it back in the queue. The import itself commits chunk by chunk and is idempotent, so a
resumed run reports the chunks already written as unchanged and carries on.
"""

import logging
from pathlib import Path
from uuid import uuid4

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import can_import_enterprises
from core.jobs import Job, JobLost, ring_on_commit
from diagnosis.models import ImportJob
from diagnosis.services.register import (
    ImportFileError,
    enterprise_register_import,
    file_format_for,
    rejects_bytes,
    rejects_filename,
)

logger = logging.getLogger(__name__)

State = ImportJob.State
Phase = ImportJob.Phase
CANCELLABLE = frozenset({State.PENDING_PREVIEW, State.PREVIEWING, State.PREVIEWED, State.PENDING_IMPORT})
#: States in which a worker is (or should be) busy: the job page polls while in one of them.
ACTIVE = frozenset({State.PENDING_PREVIEW, State.PREVIEWING, State.PENDING_IMPORT, State.IMPORTING})


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


def import_job_enqueue(job: ImportJob, *, countdown: float | None = None) -> None:
    """Send the task of the job's current phase (the doorbell ``core.jobs`` rings for ImportJob)."""
    from diagnosis.tasks import imports as tasks

    task = tasks.import_job_run if job.phase == Phase.IMPORT else tasks.import_job_preview
    task.apply_async(args=[job.pk], countdown=countdown)


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
    ring_on_commit(job)
    return job


def import_job_preview_run(*, job_id: int) -> ImportJob:
    """Validate the whole file without writing (PENDING_PREVIEW → PREVIEWING → PREVIEWED or FAILED).

    Stores the counts it would produce, the first rejected rows and the rejects file.
    Returns the job as it stands; a job not waiting for its preview is returned untouched.
    """
    return _run(job_id, phase=Phase.PREVIEW)


def import_job_import_run(*, job_id: int) -> ImportJob:
    """Apply the file (PENDING_IMPORT → IMPORTING → DONE or FAILED), acting with the uploader's scope.

    The rows are validated again (the register may have changed since the preview); the final
    counts replace the preview's. A job not waiting for its import is returned untouched.
    """
    return _run(job_id, phase=Phase.IMPORT)


def _run(job_id: int, *, phase: str) -> ImportJob:
    job = ImportJob.claim(job_id, phase=phase)  # a late doorbell of the other phase claims nothing
    if job is None:
        return ImportJob.objects.get(pk=job_id)

    def progress(processed: int, total: int) -> None:
        job.heartbeat(processed_rows=processed, total_rows=total)  # per chunk: the sweep watches it

    try:
        job.heartbeat(processed_rows=0)
        with job.file.open("rb") as handle:
            result = enterprise_register_import(
                actor=job.created_by,
                path=handle,
                original_name=job.original_name,
                dry_run=phase == Phase.PREVIEW,
                progress=progress,
            )
    except JobLost:  # cancelled (preview) or taken over meanwhile: the row says what happened
        return ImportJob.objects.get(pk=job_id)
    except ImportFileError as exc:
        job.fail(str(exc), retry=False)
        return job
    except PermissionDenied:
        job.fail(_("您已没有导入企业名录的权限。"), retry=False)
        return job
    except (OperationalError, SoftTimeLimitExceeded) as exc:
        # Transient (a locked or dropped database) or out of time: another attempt after a back-off.
        logger.warning("import job %s: attempt %s interrupted: %s", job_id, job.attempts, exc)
        job.fail(_("数据库暂时不可用或处理超时。"))
        return job
    except Exception:
        logger.exception("import job %s failed", job_id)
        job.fail(_("处理文件时发生内部错误，请稍后重试或联系管理员。"), retry=False)
        return job

    # The rejects file is written first and named in the same update that finishes the job; the
    # file the job no longer names (the previous one, or ours if the job was lost) is removed.
    storage = job.rejects_file.storage
    old_rejects, new_rejects = job.rejects_file.name, ""
    if result.rejected:
        name = job.rejects_file.field.generate_filename(
            job, rejects_filename(job.original_name, result.file_format)
        )
        new_rejects = storage.save(name, ContentFile(rejects_bytes(result)))
    finished = job.finish(
        message=(
            _("以下列无法识别，已忽略：%(cols)s") % {"cols": "、".join(result.ignored_columns)}
            if result.ignored_columns
            else ""
        ),
        file_format=result.file_format,
        encoding=result.encoding,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        created_count=result.created,
        updated_count=result.updated,
        unchanged_count=result.unchanged,
        rejected_count=result.rejected,
        errors=result.error_list(),
        rejects_file=new_rejects,
    )
    unused = old_rejects if finished else new_rejects
    if unused and unused != job.rejects_file.name:
        storage.delete(unused)
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
    if job.state in (State.PENDING_IMPORT, State.IMPORTING, State.DONE):
        return job
    if job.state != State.PREVIEWED:
        raise ValidationError(_("只有校验完成、等待确认的导入任务才能确认导入。"), code="state")
    job.schedule(phase=Phase.IMPORT, processed_rows=0)
    return job


@transaction.atomic
def import_job_cancel(*, actor, job: ImportJob) -> ImportJob:
    """Cancel a job that has not started importing; nothing it previewed is kept as data.

    ``job`` must come from ``selectors.import_job_get(actor=…)``. Cancelling twice is harmless;
    a job importing or finished raises ``ValidationError``.
    """
    job = _lock_for(actor, job)
    if job.state == State.CANCELLED:
        return job
    if job.state not in CANCELLABLE:
        raise ValidationError(_("导入已经开始或已经结束，不能取消。"), code="state")
    job.status = Job.Status.CANCELLED
    job.save()
    return job
