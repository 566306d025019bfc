"""The report render task (``diagnosis.services.reports``): enqueued by ``core.jobs`` for a
``DiagnosisReport`` row; the row decides whether there is work left, so a duplicate or redelivered
message does nothing. ``acks_late``: a worker killed mid-render leaves the message to be
redelivered, and the sweep reclaims the row once its heartbeat is stale."""

from celery import shared_task

from diagnosis.services import reports


@shared_task(name="diagnosis.tasks.render_report", acks_late=True, reject_on_worker_lost=True)
def render_report(report_id: int) -> str:
    """Render one report version; returns its status (``"missing"`` for an unknown id)."""
    report = reports.report_render_run(report_id=report_id)
    return report.status if report is not None else "missing"


@shared_task(name="diagnosis.tasks.prepare_report_batch", acks_late=True)
def prepare_report_batch(batch_id: int) -> str:
    """Ask for every report of a batch (the renders go to the render queue); returns its status."""
    batch = reports.report_batch_run(batch_id=batch_id)
    return batch.status if batch is not None else "missing"
