from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosisConfig(AppConfig):
    name = "diagnosis"
    verbose_name = _("企业档案与诊断")

    def ready(self) -> None:
        from core.jobs import register_sweep
        from diagnosis.models import DiagnosisReport, ImportJob, ReminderRun, ReportBatch, VoucherExpiryRun
        from diagnosis.services.funding import voucher_expiry_catch_up, voucher_expiry_enqueue
        from diagnosis.services.imports import import_job_enqueue
        from diagnosis.services.reminders import reminder_catch_up, reminder_enqueue
        from diagnosis.services.reports import report_batch_enqueue, report_enqueue

        register_sweep(ImportJob, enqueue=import_job_enqueue)
        register_sweep(ReminderRun, enqueue=reminder_enqueue, catch_up=reminder_catch_up)
        register_sweep(DiagnosisReport, enqueue=report_enqueue)
        register_sweep(ReportBatch, enqueue=report_batch_enqueue)
        register_sweep(VoucherExpiryRun, enqueue=voucher_expiry_enqueue, catch_up=voucher_expiry_catch_up)
        from diagnosis import home  # noqa: F401  (registers this app's home-page panels and to-dos)
        from diagnosis.services import (
            findings,  # noqa: F401  (registers its submit hook)
            funding,  # noqa: F401  (checks the subsidy rules on every project write)
            portal,  # noqa: F401  (prefills new diagnoses from self-assessments)
            reports,  # noqa: F401  (requests the report when a diagnosis is issued)
        )
