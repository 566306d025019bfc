"""Celery tasks of reporting: thin wrappers that take a period and call a service.

``evaluate_providers`` is enqueued by ``core.jobs`` for an ``EvaluationRun`` row: on demand from
the league table's "重新计算", when the sweep catches up a month that became due (the 1st at
02:00), and when the sweep re-rings a run whose message or worker was lost. The row decides
whether there is work left, so a duplicate delivery does nothing.
"""

from celery import shared_task

from reporting.services import evaluation as services_evaluation


@shared_task(name="reporting.tasks.evaluate_providers", acks_late=True)
def evaluate_providers(period: str | None = None) -> str:
    """Evaluate the providers for ``period`` (``YYYYMM``; None → the previous month); returns the run's status."""
    period = period or services_evaluation.last_complete_period()
    return services_evaluation.evaluation_run(period=period).status


@shared_task(name="reporting.tasks.derive_figures", acks_late=True)
def derive_figures(period: str) -> str:
    """Derive the casework figures of month ``period`` (``YYYYMM``); returns the run's status."""
    from reporting.services import derive

    return derive.derivation_run(period=period).status


@shared_task(name="reporting.tasks.render_bulletin", acks_late=True, reject_on_worker_lost=True)
def render_bulletin(render_id: int) -> str | None:
    """Render a published bulletin's PDF (``reporting.services.bulletin_pdf``); returns the row's status."""
    from reporting.services import bulletin_pdf

    render = bulletin_pdf.bulletin_render_run(render_id=render_id)
    return render.status if render else None
