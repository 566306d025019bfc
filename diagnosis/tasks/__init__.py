"""Celery tasks of the casework, one module per subdomain so that each service imports only its
own tasks (the import contracts of ``.importlinter`` see through a shared module). Importing the
package (Celery's autodiscovery) registers them all; task names stay ``diagnosis.tasks.<name>``.
"""

from diagnosis.tasks.funding import expire_vouchers  # noqa: F401
from diagnosis.tasks.imports import import_job_preview, import_job_run  # noqa: F401
from diagnosis.tasks.reminders import send_reminders  # noqa: F401
from diagnosis.tasks.reports import prepare_report_batch, render_report  # noqa: F401
