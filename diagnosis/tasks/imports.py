"""Celery tasks of the register import: thin wrappers that take ids and call services.

The ``ImportJob`` row decides whether there is work left (``core.jobs``): a task delivered twice,
or late, claims nothing and returns the job's state. Retries are the row's, not Celery's: a
failed attempt puts the row back in the queue with a back-off, and the sweep
(``core.tasks.sweep_jobs``) re-rings rows whose message or worker was lost.
"""

from celery import shared_task

from diagnosis.services import imports as services_import


@shared_task(name="diagnosis.tasks.import_job_preview", acks_late=True)
def import_job_preview(job_id: int, resume: bool = False) -> str:
    """Validate an uploaded register file (dry run); returns the job's state.

    ``resume`` is ignored (messages queued before the job mechanism carried it).
    """
    return services_import.import_job_preview_run(job_id=job_id).state


@shared_task(name="diagnosis.tasks.import_job_run", acks_late=True)
def import_job_run(job_id: int, resume: bool = False) -> str:
    """Apply a confirmed register file; returns the job's state (``resume`` is ignored, as above)."""
    return services_import.import_job_import_run(job_id=job_id).state
