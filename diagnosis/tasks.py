"""Celery tasks of the casework: thin wrappers that take ids and call services.

Import tasks retry on database ``OperationalError`` (a locked SQLite file, a dropped PostgreSQL
connection) with exponential back-off; a retry resumes the step it was running. Late acks: a
task whose worker died is redelivered, and the job row decides whether there is work left.
"""

from celery import shared_task
from django.db import OperationalError

from diagnosis.services import imports as services_import

RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "max_retries": 3,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
}


@shared_task(name="diagnosis.tasks.import_job_preview", **RETRY)
def import_job_preview(self, job_id: int, resume: bool = False) -> str:
    """Validate an uploaded register file (dry run); returns the job's status."""
    job = services_import.import_job_preview_run(job_id=job_id, resume=resume or self.request.retries > 0)
    return job.status


@shared_task(name="diagnosis.tasks.import_job_run", **RETRY)
def import_job_run(self, job_id: int, resume: bool = False) -> str:
    """Apply a confirmed register file; returns the job's status."""
    job = services_import.import_job_import_run(job_id=job_id, resume=resume or self.request.retries > 0)
    return job.status


@shared_task(name="diagnosis.tasks.sweep_import_jobs", acks_late=True)
def sweep_import_jobs() -> dict[str, list[int]]:
    """Periodic (beat): re-enqueue waiting jobs, resume stuck ones, fail those out of attempts."""
    return services_import.import_jobs_sweep()
