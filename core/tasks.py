"""The one periodic task of the job mechanism (``CELERY_BEAT_SCHEDULE["sweep-jobs"]``)."""

from celery import shared_task

from core.jobs import sweep_jobs as sweep_jobs_service


@shared_task(name="core.tasks.sweep_jobs", acks_late=True)
def sweep_jobs() -> dict[str, dict]:
    """Re-ring waiting jobs, reclaim jobs whose worker died, catch up missed scheduled runs."""
    return sweep_jobs_service()
