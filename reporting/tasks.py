"""Celery tasks of reporting: thin wrappers that take a period and call a service.

``evaluate_providers`` runs monthly from beat (``CELERY_BEAT_SCHEDULE["evaluate-providers-monthly"]``,
the 1st at 02:00, for the month just ended) and on demand from the league table's "重新计算".
The ``EvaluationRun`` row decides whether there is work left, so a duplicate delivery does nothing.
"""

from celery import shared_task
from django.db import OperationalError

from reporting.services import evaluation as services_evaluation


@shared_task(
    name="reporting.tasks.evaluate_providers",
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
)
def evaluate_providers(self, period: str | None = None) -> str:
    """Evaluate the providers for ``period`` (``YYYYMM``; None → the previous month); returns the run's status."""
    period = period or services_evaluation.last_complete_period()
    run = services_evaluation.evaluation_run(period=period, resume=self.request.retries > 0)
    return run.status
